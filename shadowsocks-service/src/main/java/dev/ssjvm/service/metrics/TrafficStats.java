package dev.ssjvm.service.metrics;

import dev.ssjvm.service.limits.Refusal;

import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The server's own accounting, always on: bytes, packets, connections and failures per port and per
 * user (users of single-key ports count under the empty name). Counts outlive the ports and users
 * they belong to, so a port that is replaced or a user that is re-added keeps its totals.
 */
public final class TrafficStats implements ServerMetrics {
    /** One user's totals on one port, at the moment of a snapshot. Bytes are payload, before encryption. */
    public record UserTotals(long tcpBytesUp, long tcpBytesDown, long udpBytesUp, long udpBytesDown,
            long udpPacketsUp, long udpPacketsDown, long tcpConnections, long tcpOpen, long udpAssociations,
            long udpOpen) {

        /** Bytes both ways over TCP and UDP: what ss-manager's {@code stat} reports per port. */
        public long bytes() {
            return tcpBytesUp + tcpBytesDown + udpBytesUp + udpBytesDown;
        }
    }

    /**
     * One port at the moment of a snapshot.
     *
     * @param tcpFailuresByUser the part of {@code tcpFailures} that was reported with a user (an
     *     authenticated request of a multi-user port), by user; only the kinds that occurred
     * @param limitHitsByUser the part of {@code limitHits} that was reported with a user, by user;
     *     the rest is the port as a whole (and every hit of a single-key port)
     */
    public record PortTotals(long tcpAccepted, Map<String, UserTotals> users, Map<Failure, Long> tcpFailures,
            Map<Failure, Long> udpFailures, Map<Refusal, Long> limitHits,
            Map<String, Map<Failure, Long>> tcpFailuresByUser, Map<String, Map<Refusal, Long>> limitHitsByUser) {

        public long bytes() {
            return users.values().stream().mapToLong(UserTotals::bytes).sum();
        }

        public long udpDropped() {
            return udpFailures.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private static final class UserCounters {
        final LongAdder tcpUp = new LongAdder();
        final LongAdder tcpDown = new LongAdder();
        final LongAdder udpUp = new LongAdder();
        final LongAdder udpDown = new LongAdder();
        final LongAdder udpPacketsUp = new LongAdder();
        final LongAdder udpPacketsDown = new LongAdder();
        final LongAdder tcpOpened = new LongAdder();
        final LongAdder tcpClosed = new LongAdder();
        final LongAdder udpOpened = new LongAdder();
        final LongAdder udpClosed = new LongAdder();

        UserTotals totals() {
            long tcp = tcpOpened.sum();
            long udp = udpOpened.sum();
            return new UserTotals(tcpUp.sum(), tcpDown.sum(), udpUp.sum(), udpDown.sum(), udpPacketsUp.sum(),
                    udpPacketsDown.sum(), tcp, tcp - tcpClosed.sum(), udp, udp - udpClosed.sum());
        }
    }

    private static final class PortCounters {
        final LongAdder accepted = new LongAdder();
        final Map<String, UserCounters> users = new ConcurrentHashMap<>();
        final Map<Failure, LongAdder> tcpFailures = new EnumMap<>(Failure.class);
        final Map<Failure, LongAdder> udpFailures = new EnumMap<>(Failure.class);
        final Map<Refusal, LongAdder> limitHits = new EnumMap<>(Refusal.class);
        // failures and limit hits that name a user: not on the relay path, and bounded by the users configured
        final Map<String, Map<Failure, LongAdder>> userTcpFailures = new ConcurrentHashMap<>();
        final Map<String, Map<Refusal, LongAdder>> userLimitHits = new ConcurrentHashMap<>();

        PortCounters() {
            for (Failure f : Failure.values()) {
                tcpFailures.put(f, new LongAdder());
                udpFailures.put(f, new LongAdder());
            }
            for (Refusal r : Refusal.values()) {
                limitHits.put(r, new LongAdder());
            }
        }

        UserCounters user(String name) {
            return users.computeIfAbsent(name == null ? "" : name, n -> new UserCounters());
        }
    }

    private final Map<Integer, PortCounters> ports = new ConcurrentHashMap<>();

    private PortCounters port(int port) {
        return ports.computeIfAbsent(port, p -> new PortCounters());
    }

    @Override
    public void tcpAccepted(int port) {
        port(port).accepted.increment();
    }

    @Override
    public TrafficMeter tcpOpened(int port, String user) {
        UserCounters c = port(port).user(user);
        c.tcpOpened.increment();
        return new Meter(c.tcpUp, c.tcpDown, null, null, c.tcpClosed);
    }

    @Override
    public TrafficMeter udpOpened(int port, String user) {
        UserCounters c = port(port).user(user);
        c.udpOpened.increment();
        return new Meter(c.udpUp, c.udpDown, c.udpPacketsUp, c.udpPacketsDown, c.udpClosed);
    }

    /** Adds one connection's or association's traffic to its user's counters; packets only for UDP. */
    private record Meter(LongAdder up, LongAdder down, LongAdder packetsUp, LongAdder packetsDown, LongAdder ended)
            implements TrafficMeter {
        @Override
        public void up(long bytes) {
            up.add(bytes);
            if (packetsUp != null) {
                packetsUp.increment();
            }
        }

        @Override
        public void down(long bytes) {
            down.add(bytes);
            if (packetsDown != null) {
                packetsDown.increment();
            }
        }

        @Override
        public void closed() {
            ended.increment();
        }
    }

    @Override
    public void failure(int port, String user, Protocol protocol, Failure failure) {
        PortCounters p = port(port);
        (protocol == Protocol.TCP ? p.tcpFailures : p.udpFailures).get(failure).increment();
        if (protocol == Protocol.TCP && user != null) {
            p.userTcpFailures.computeIfAbsent(user, u -> new ConcurrentHashMap<>())
                    .computeIfAbsent(failure, f -> new LongAdder()).increment();
        }
    }

    @Override
    public void limitHit(int port, String user, Refusal why) {
        PortCounters p = port(port);
        p.limitHits.get(why).increment();
        if (user != null) {
            p.userLimitHits.computeIfAbsent(user, u -> new ConcurrentHashMap<>())
                    .computeIfAbsent(why, r -> new LongAdder()).increment();
        }
    }

    /** Every port seen so far, by number. */
    public Map<Integer, PortTotals> snapshot() {
        Map<Integer, PortTotals> out = new TreeMap<>();
        ports.forEach((number, p) -> out.put(number, totals(p)));
        return out;
    }

    /**
     * Adds kept totals (from a state file, at start) to the counts: the counts go on from where the
     * last run left them. Open connections and associations are not kept.
     */
    public void restore(Map<Integer, PortTotals> kept) {
        kept.forEach((number, totals) -> {
            PortCounters p = port(number);
            p.accepted.add(totals.tcpAccepted());
            totals.tcpFailures().forEach((f, n) -> p.tcpFailures.get(f).add(n));
            totals.udpFailures().forEach((f, n) -> p.udpFailures.get(f).add(n));
            totals.limitHits().forEach((r, n) -> p.limitHits.get(r).add(n));
            totals.tcpFailuresByUser().forEach((name, counts) -> counts.forEach((f, n) -> p.userTcpFailures
                    .computeIfAbsent(name, u -> new ConcurrentHashMap<>()).computeIfAbsent(f, k -> new LongAdder())
                    .add(n)));
            totals.limitHitsByUser().forEach((name, counts) -> counts.forEach((r, n) -> p.userLimitHits
                    .computeIfAbsent(name, u -> new ConcurrentHashMap<>()).computeIfAbsent(r, k -> new LongAdder())
                    .add(n)));
            totals.users().forEach((name, u) -> {
                UserCounters c = p.user(name);
                c.tcpUp.add(u.tcpBytesUp());
                c.tcpDown.add(u.tcpBytesDown());
                c.udpUp.add(u.udpBytesUp());
                c.udpDown.add(u.udpBytesDown());
                c.udpPacketsUp.add(u.udpPacketsUp());
                c.udpPacketsDown.add(u.udpPacketsDown());
                c.tcpOpened.add(u.tcpConnections());
                c.tcpClosed.add(u.tcpConnections());
                c.udpOpened.add(u.udpAssociations());
                c.udpClosed.add(u.udpAssociations());
            });
        });
    }

    /** One port's totals; zeros for a port never seen. */
    public PortTotals ofPort(int port) {
        PortCounters p = ports.get(port);
        return p == null ? totals(new PortCounters()) : totals(p);
    }

    private static PortTotals totals(PortCounters p) {
        Map<String, UserTotals> users = new TreeMap<>();
        p.users.forEach((name, c) -> users.put(name, c.totals()));
        Map<String, Map<Failure, Long>> userFailures = new TreeMap<>();
        p.userTcpFailures.forEach((name, counts) -> userFailures.put(name, sums(counts, Failure.class)));
        Map<String, Map<Refusal, Long>> userHits = new TreeMap<>();
        p.userLimitHits.forEach((name, counts) -> userHits.put(name, sums(counts, Refusal.class)));
        return new PortTotals(p.accepted.sum(), users, sums(p.tcpFailures, Failure.class),
                sums(p.udpFailures, Failure.class), sums(p.limitHits, Refusal.class), userFailures, userHits);
    }

    private static <K extends Enum<K>> Map<K, Long> sums(Map<K, LongAdder> counters, Class<K> type) {
        Map<K, Long> out = new EnumMap<>(type);
        counters.forEach((k, c) -> out.put(k, c.sum()));
        return out;
    }
}
