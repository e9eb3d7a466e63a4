package dev.ssjvm.service.config;

import dev.ssjvm.core.address.HostAndPort;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * How {@code sslocal} checks its servers when it has more than one (the {@code balancer} config
 * object; shadowsocks-rust's keys plus the two check targets).
 *
 * @param checkInterval how often every server is probed, TCP and UDP separately
 * @param checkBestInterval how often the currently chosen servers are probed in between; {@code null}
 *     for not at all
 * @param maxServerRtt how long one probe may take; a slower one is a failure
 * @param tcpCheckTarget where a TCP probe asks each server to connect; it sends an HTTP request there
 *     and wants any HTTP status line back
 * @param udpCheckTarget where a UDP probe sends a DNS query through each server; it wants a reply with
 *     the query's id
 */
public record BalancerSettings(Duration checkInterval, Duration checkBestInterval, Duration maxServerRtt,
        InetSocketAddress tcpCheckTarget, InetSocketAddress udpCheckTarget) {
    public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofSeconds(10);
    public static final Duration DEFAULT_MAX_SERVER_RTT = Duration.ofSeconds(5);
    /** What Chromium's portal detection fetches: any answer proves the path through the server. */
    public static final InetSocketAddress DEFAULT_TCP_CHECK_TARGET =
            HostAndPort.of("www.gstatic.com", 80);
    public static final InetSocketAddress DEFAULT_UDP_CHECK_TARGET =
            HostAndPort.of("8.8.8.8", 53);

    public BalancerSettings {
        Objects.requireNonNull(checkInterval, "checkInterval");
        Objects.requireNonNull(maxServerRtt, "maxServerRtt");
        Objects.requireNonNull(tcpCheckTarget, "tcpCheckTarget");
        Objects.requireNonNull(udpCheckTarget, "udpCheckTarget");
        if (checkInterval.isNegative() || checkInterval.isZero() || maxServerRtt.isNegative()
                || maxServerRtt.isZero()) {
            throw new IllegalArgumentException("check interval and max server rtt must be positive");
        }
        if (checkBestInterval != null && (checkBestInterval.isNegative() || checkBestInterval.isZero()
                || checkBestInterval.compareTo(checkInterval) > 0)) {
            throw new IllegalArgumentException("check_best_interval must be positive and at most check_interval");
        }
    }

    public static BalancerSettings defaults() {
        return new BalancerSettings(DEFAULT_CHECK_INTERVAL, null, DEFAULT_MAX_SERVER_RTT, DEFAULT_TCP_CHECK_TARGET,
                DEFAULT_UDP_CHECK_TARGET);
    }

    public BalancerSettings withCheckInterval(Duration value) {
        return new BalancerSettings(value, checkBestInterval, maxServerRtt, tcpCheckTarget, udpCheckTarget);
    }

    public BalancerSettings withCheckTargets(InetSocketAddress tcp, InetSocketAddress udp) {
        return new BalancerSettings(checkInterval, checkBestInterval, maxServerRtt, tcp, udp);
    }
}
