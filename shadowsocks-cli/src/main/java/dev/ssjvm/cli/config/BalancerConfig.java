package dev.ssjvm.cli.config;

import dev.ssjvm.cli.config.Values.Origin;
import dev.ssjvm.core.address.HostAndPort;
import dev.ssjvm.service.config.BalancerSettings;
import java.net.InetSocketAddress;
import java.time.Duration;

/** The {@code balancer} object of {@code sslocal}: how several servers are checked. */
final class BalancerConfig {
    /** The longest balancer interval or probe time, in seconds: a day. */
    private static final int MAX_INTERVAL = 86_400;

    private BalancerConfig() {}

    /** The {@code balancer} object: how several servers are checked (shadowsocks-rust's keys, and the targets). */
    static BalancerSettings read(ConfigObject config) throws ConfigException {
        BalancerSettings d = BalancerSettings.defaults();
        if (!config.has("balancer")) {
            return d;
        }
        ConfigObject b = config.object("balancer").orElse(ConfigObject.empty());
        int interval = b.integer("check_interval", 1, MAX_INTERVAL).orElse((int) d.checkInterval().toSeconds());
        Integer best = b.integer("check_best_interval", 1, MAX_INTERVAL).orElse(null);
        if (best != null && best > interval) {
            throw b.invalid("check_best_interval", "must be at most check_interval (" + interval + ")");
        }
        int rtt = b.integer("max_server_rtt", 1, MAX_INTERVAL).orElse((int) d.maxServerRtt().toSeconds());
        InetSocketAddress tcp = checkTarget(b, "tcp_check_target", d.tcpCheckTarget());
        InetSocketAddress udp = checkTarget(b, "udp_check_target", d.udpCheckTarget());
        return new BalancerSettings(Duration.ofSeconds(interval), best == null ? null : Duration.ofSeconds(best),
                Duration.ofSeconds(rtt), tcp, udp);
    }

    private static InetSocketAddress checkTarget(ConfigObject b, String key, InetSocketAddress otherwise)
            throws ConfigException {
        return b.string(key).isPresent() ? Values.parse(b.string(key).get(), Origin.key(b, key), HostAndPort::parse)
                : otherwise;
    }
}
