package dev.ssjvm.service.metrics;

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

    /** One port at the moment of a snapshot. */
    public record PortTotals(long tcpAccepted, Map<String, UserTotals> users, Map<Failure, Long> tcpFailures,
            Map<Failure, Long> udpFailures) {

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

        PortCounters() {
            for (Failure f : Failure.values()) {
                tcpFailures.put(f, new LongAdder());
                udpFailures.put(f, new LongAdder());
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
    }

    /** Every port seen so far, by number. */
    public Map<Integer, PortTotals> snapshot() {
        Map<Integer, PortTotals> out = new TreeMap<>();
        ports.forEach((number, p) -> out.put(number, totals(p)));
        return out;
    }

    /** One port's totals; zeros for a port never seen. */
    public PortTotals ofPort(int port) {
        PortCounters p = ports.get(port);
        return p == null ? totals(new PortCounters()) : totals(p);
    }

    private static PortTotals totals(PortCounters p) {
        Map<String, UserTotals> users = new TreeMap<>();
        p.users.forEach((name, c) -> users.put(name, c.totals()));
        return new PortTotals(p.accepted.sum(), users, sums(p.tcpFailures), sums(p.udpFailures));
    }

    private static Map<Failure, Long> sums(Map<Failure, LongAdder> counters) {
        Map<Failure, Long> out = new EnumMap<>(Failure.class);
        counters.forEach((f, c) -> out.put(f, c.sum()));
        return out;
    }
}
