package dev.ssjvm.admin.metrics;

import dev.ssjvm.admin.metrics.Family.Kind;
import dev.ssjvm.service.limits.Limits;
import dev.ssjvm.service.limits.PortLimiter;
import dev.ssjvm.service.limits.PortLimits;
import dev.ssjvm.service.limits.QuotaState;
import dev.ssjvm.service.limits.Refusal;
import dev.ssjvm.service.metrics.Failure;
import dev.ssjvm.service.metrics.TrafficStats.PortTotals;
import dev.ssjvm.service.metrics.TrafficStats.UserTotals;
import dev.ssjvm.service.server.ServerPort;
import dev.ssjvm.service.server.ShadowsocksServer;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The server's metrics, read at scrape time from its own accounting ({@code TrafficStats}, always on)
 * and from the running ports: the relays do no more work for being scraped.
 *
 * <p>Families named {@code shadowsocks_*} are outline-ss-server's, with its names and labels, so that
 * dashboards made for it work; {@code ssjvm_*} are ours. {@code access_key} is the user's name on a
 * multi-user port; on a single-key port, and for what belongs to a port as a whole, it is the port
 * number. Every count is since the server started and survives the removal or replacement of its
 * port or user.
 */
final class ServerCollector implements MultiCollector {

    /** Failures that come only after a complete, authenticated request: they belong to a key. */
    private static final Set<Failure> AFTER_REQUEST =
            EnumSet.of(Failure.DNS_FAILURE, Failure.BLOCKED_TARGET, Failure.TARGET_REFUSED, Failure.LIMITED);

    private final ShadowsocksServer server;
    private final String version;

    ServerCollector(ShadowsocksServer server, String version) {
        this.server = server;
        this.version = version;
    }

    /**
     * outline-ss-server's {@code status} of a TCP connection that ended with this failure. Kinds it
     * has no status for get one of ours, in its style.
     */
    static String status(Failure failure) {
        return switch (failure) {
            case AUTHENTICATION, TIMEOUT -> "ERR_CIPHER"; // no key found: wrong key, or too little in time
            case REPLAY -> "ERR_REPLAY_CLIENT";
            case MALFORMED -> "ERR_READ_ADDRESS";
            case DNS_FAILURE -> "ERR_RESOLVE_ADDRESS";
            case BLOCKED_TARGET -> "ERR_ADDRESS_INVALID";
            case TARGET_REFUSED -> "ERR_CONNECT";
            case LIMITED -> "ERR_LIMIT";
            case OVERLOAD -> "ERR_OVERLOAD";
        };
    }

    static String kind(Failure failure) {
        return failure.name().toLowerCase(Locale.ROOT);
    }

    static String reason(Refusal refusal) {
        return refusal.name().toLowerCase(Locale.ROOT);
    }

    /** The {@code access_key} label: the user, or the port number for a single-key port or the port as a whole. */
    static String accessKey(int port, String user) {
        return user == null || user.isEmpty() ? Integer.toString(port) : user;
    }

    @Override
    public MetricSnapshots collect() {
        Map<Integer, PortTotals> traffic = server.traffic().snapshot();
        List<ServerPort> running = server.ports();

        Family dataBytes = new Family(Kind.UNTYPED_COUNT, "shadowsocks_data_bytes",
                "Bytes transferred by the proxy, per access key (a monotonic count, untyped to keep "
                        + "outline-ss-server's name). Payload: c>p equals p>t and p<t equals c<p.",
                "dir", "proto", "access_key");
        Family opened = new Family(Kind.UNTYPED_COUNT, "shadowsocks_tcp_connections_opened",
                "Count of open TCP connections: every connection accepted, probes included (monotonic)");
        Family closed = new Family(Kind.UNTYPED_COUNT, "shadowsocks_tcp_connections_closed",
                "Count of closed TCP connections, by status (OK: relayed, then closed) and access key "
                        + "(empty when none was found); a failed connection counts when its failure is known",
                "status", "access_key");
        Family natAdded = new Family(Kind.UNTYPED_COUNT, "shadowsocks_udp_nat_entries_added",
                "Entries added to the UDP NAT table: UDP associations opened (monotonic)");
        Family natRemoved = new Family(Kind.UNTYPED_COUNT, "shadowsocks_udp_nat_entries_removed",
                "Entries removed from the UDP NAT table: UDP associations closed (monotonic)");
        Family keys = new Family(Kind.GAUGE, "shadowsocks_keys", "Count of access keys");
        Family ports = new Family(Kind.GAUGE, "shadowsocks_ports", "Count of open Shadowsocks ports");
        Family buildInfo = new Family(Kind.GAUGE, "shadowsocks_build_info",
                "Information on the Shadowsocks for the JVM build", "version");
        // outline's probe histogram buckets bytes sent before the verdict; we do not count those, so
        // every probe is in the +Inf bucket (and _count)
        Map<Labels, Long> probes = new LinkedHashMap<>();

        Family failures = new Family(Kind.COUNTER, "ssjvm_failures",
                "Connections (TCP) and packets (UDP) that went no further, by port and kind", "proto", "port", "kind");
        Family limitHits = new Family(Kind.COUNTER, "ssjvm_limit_hits",
                "Connections and packets turned away, or users' connections ended, by a limit", "port",
                "access_key", "reason");
        Family acceptFailures = new Family(Kind.COUNTER, "ssjvm_accept_failures",
                "Accepts that failed (out of file descriptors, mostly), every listener; accepting pauses 100 ms");
        Family accepted = new Family(Kind.COUNTER, "ssjvm_tcp_accepted",
                "TCP connections accepted, probes included, by port", "port");
        Family portBytes = new Family(Kind.COUNTER, "ssjvm_port_data_bytes",
                "Payload relayed, by port (c>p: client to target, c<p: target to client)", "port", "proto", "dir");
        Family udpPackets = new Family(Kind.COUNTER, "ssjvm_udp_packets",
                "UDP packets relayed, by port and access key (c>p: client to target, c<p: back)", "port",
                "access_key", "dir");
        Family tcpActive = new Family(Kind.GAUGE, "ssjvm_tcp_connections_active",
                "TCP connections being relayed now, by port and access key", "port", "access_key");
        Family udpActive = new Family(Kind.GAUGE, "ssjvm_udp_associations_active",
                "UDP associations open now, by port and access key", "port", "access_key");
        Family socketsOpen = new Family(Kind.GAUGE, "ssjvm_tcp_connections_open",
                "TCP connections open now on a running port, handshakes and drained probes included", "port");
        Family portUsers = new Family(Kind.GAUGE, "ssjvm_port_keys",
                "Access keys of a running port: its users, or 1 for a single-key port", "port");
        Family quotaUsed = new Family(Kind.GAUGE, "ssjvm_quota_used_bytes",
                "Payload counted against a quota in its current period, where a quota is set", "port", "access_key");
        Family quotaLimit = new Family(Kind.GAUGE, "ssjvm_quota_limit_bytes",
                "The quota of one period, where one is set", "port", "access_key");

        long acceptedTotal = 0;
        long natOpened = 0;
        long natClosed = 0;
        for (Map.Entry<Integer, PortTotals> e : traffic.entrySet()) {
            int port = e.getKey();
            String p = Integer.toString(port);
            PortTotals t = e.getValue();
            acceptedTotal += t.tcpAccepted();
            accepted.add(t.tcpAccepted(), p);
            for (Map.Entry<String, UserTotals> u : t.users().entrySet()) {
                String key = accessKey(port, u.getKey());
                UserTotals c = u.getValue();
                for (String dir : new String[] {"c>p", "p>t"}) {
                    dataBytes.addIfNonZero(c.tcpBytesUp(), dir, "tcp", key);
                    dataBytes.addIfNonZero(c.udpBytesUp(), dir, "udp", key);
                }
                for (String dir : new String[] {"p<t", "c<p"}) {
                    dataBytes.addIfNonZero(c.tcpBytesDown(), dir, "tcp", key);
                    dataBytes.addIfNonZero(c.udpBytesDown(), dir, "udp", key);
                }
                portBytes.addIfNonZero(c.tcpBytesUp(), p, "tcp", "c>p");
                portBytes.addIfNonZero(c.tcpBytesDown(), p, "tcp", "c<p");
                portBytes.addIfNonZero(c.udpBytesUp(), p, "udp", "c>p");
                portBytes.addIfNonZero(c.udpBytesDown(), p, "udp", "c<p");
                udpPackets.addIfNonZero(c.udpPacketsUp(), p, key, "c>p");
                udpPackets.addIfNonZero(c.udpPacketsDown(), p, key, "c<p");
                closed.addIfNonZero(c.tcpConnections() - c.tcpOpen(), "OK", key);
                if (c.tcpConnections() > 0) {
                    tcpActive.add(c.tcpOpen(), p, key);
                }
                if (c.udpAssociations() > 0) {
                    udpActive.add(c.udpOpen(), p, key);
                }
                natOpened += c.udpAssociations();
                natClosed += c.udpAssociations() - c.udpOpen();
            }
            for (Failure f : Failure.values()) {
                failures.add(t.tcpFailures().get(f), "tcp", p, kind(f));
                failures.add(t.udpFailures().get(f), "udp", p, kind(f));
                long named = 0;
                for (Map.Entry<String, Map<Failure, Long>> u : t.tcpFailuresByUser().entrySet()) {
                    long n = u.getValue().getOrDefault(f, 0L);
                    named += n;
                    closed.addIfNonZero(n, status(f), accessKey(port, u.getKey()));
                }
                long rest = Math.max(0, t.tcpFailures().get(f) - named);
                closed.addIfNonZero(rest, status(f), AFTER_REQUEST.contains(f) ? accessKey(port, null) : "");
            }
            probe(probes, p, "ERR_CIPHER", "", t.tcpFailures().get(Failure.AUTHENTICATION));
            probe(probes, p, "ERR_CIPHER", "timeout", t.tcpFailures().get(Failure.TIMEOUT));
            probe(probes, p, "ERR_REPLAY_CLIENT", "", t.tcpFailures().get(Failure.REPLAY));
            for (Refusal r : Refusal.values()) {
                long named = 0;
                for (Map.Entry<String, Map<Refusal, Long>> u : t.limitHitsByUser().entrySet()) {
                    long n = u.getValue().getOrDefault(r, 0L);
                    named += n;
                    limitHits.addIfNonZero(n, p, accessKey(port, u.getKey()), reason(r));
                }
                limitHits.add(Math.max(0, t.limitHits().get(r) - named), p, accessKey(port, null), reason(r));
            }
        }
        opened.add(acceptedTotal);
        natAdded.add(natOpened);
        natRemoved.add(natClosed);

        int keyCount = 0;
        for (ServerPort port : running) {
            String p = Integer.toString(port.port());
            int portKeys = port.settings().multiUser() ? port.settings().users().size() : 1;
            keyCount += portKeys;
            portUsers.add(portKeys, p);
            socketsOpen.add(port.openConnections(), p);
            quotas(port, quotaUsed, quotaLimit);
        }
        keys.add(keyCount);
        acceptFailures.add(server.acceptFailures());
        ports.add(running.size());
        buildInfo.add(1, version);

        MetricSnapshots.Builder out = MetricSnapshots.builder();
        for (Family f : new Family[] {dataBytes, opened, closed, natAdded, natRemoved, keys, ports, buildInfo,
                failures, limitHits, acceptFailures, accepted, portBytes, udpPackets, tcpActive, udpActive, socketsOpen, portUsers,
                quotaUsed, quotaLimit}) {
            out.metricSnapshot(f.snapshot());
        }
        out.metricSnapshot(probeHistogram(probes));
        return out.build();
    }

    private static void probe(Map<Labels, Long> probes, String port, String status, String error, long count) {
        if (count > 0) {
            probes.merge(Labels.of("port", port, "status", status, "error", error), count, Long::sum);
        }
    }

    private static HistogramSnapshot probeHistogram(Map<Labels, Long> probes) {
        HistogramSnapshot.Builder b = HistogramSnapshot.builder().name("shadowsocks_tcp_probes")
                .help("TCP connections that failed before authenticating (wrong key or random bytes, a replayed "
                        + "salt, too little in time), by port and status; the bytes they sent are not "
                        + "counted, so all are in the +Inf bucket");
        probes.forEach((labels, count) -> b.dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder()
                .labels(labels)
                .classicHistogramBuckets(ClassicHistogramBuckets.of(
                        new double[] {Double.POSITIVE_INFINITY}, new long[] {count}))
                .build()));
        return b.build();
    }

    /** The quotas of a running port and its users, where one is set. */
    private static void quotas(ServerPort port, Family used, Family limit) {
        PortLimiter limiter = port.limiter();
        PortLimits limits = limiter.limits();
        String p = Integer.toString(port.port());
        List<Map.Entry<String, QuotaState>> states = new ArrayList<>(limiter.quotas().entrySet());
        for (Map.Entry<String, QuotaState> e : states) {
            String user = e.getKey();
            Limits l = user.isEmpty() ? limits.port() : limits.of(user);
            if (l.quotaBytes() > 0) {
                used.add(e.getValue().usedBytes(), p, accessKey(port.port(), user));
                limit.add(l.quotaBytes(), p, accessKey(port.port(), user));
            }
        }
    }
}
