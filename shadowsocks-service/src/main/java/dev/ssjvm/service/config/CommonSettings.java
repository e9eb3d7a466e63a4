package dev.ssjvm.service.config;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * The settings {@code ssserver} and {@code sslocal} share, read by one piece of the CLI for both.
 *
 * @param mode which relays run (a server port may override it)
 * @param timeout idle time after which a TCP connection is closed (a server port may override it)
 * @param udpTimeout idle time after which a UDP association is dropped
 * @param udpMaxAssociations UDP associations kept per port or tunnel; the least recently used goes first
 * @param nameServers DNS servers to use instead of the system's; empty for the system's
 * @param ipv6First prefer AAAA answers over A answers
 * @param noDelay TCP_NODELAY on every connection (default on)
 * @param fastOpen TCP Fast Open: on listening sockets of a server, on connections to the server of a client
 * @param reusePort SO_REUSEPORT on listening sockets, so other processes may share the port
 * @param cryptoBackend backend to prefer, or {@code null} for the automatic choice
 * @param transport {@code auto}, {@code epoll}, {@code kqueue} or {@code nio}
 * @param workerThreads event loop threads, 0 for one per processor
 */
public record CommonSettings(
        Mode mode,
        Duration timeout,
        Duration udpTimeout,
        int udpMaxAssociations,
        List<InetSocketAddress> nameServers,
        boolean ipv6First,
        boolean noDelay,
        boolean fastOpen,
        boolean reusePort,
        String cryptoBackend,
        String transport,
        int workerThreads) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(300);
    public static final int DEFAULT_UDP_MAX_ASSOCIATIONS = 4096;

    public CommonSettings {
        nameServers = List.copyOf(nameServers);
        requirePositive(timeout, "timeout");
        requirePositive(udpTimeout, "udp_timeout");
        if (udpMaxAssociations < 1) {
            throw new IllegalArgumentException("udp_max_associations must be at least 1");
        }
    }

    private static void requirePositive(Duration d, String what) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive");
        }
    }

    /** TCP only, 300 s idle and UDP timeouts, system DNS, TCP_NODELAY, automatic transport and crypto. */
    public static CommonSettings defaults() {
        return new CommonSettings(Mode.TCP_ONLY, DEFAULT_TIMEOUT, DEFAULT_TIMEOUT, DEFAULT_UDP_MAX_ASSOCIATIONS,
                List.of(), false, true, false, false, null, "auto", 0);
    }

    public CommonSettings withMode(Mode value) {
        return new CommonSettings(value, timeout, udpTimeout, udpMaxAssociations, nameServers, ipv6First, noDelay,
                fastOpen, reusePort, cryptoBackend, transport, workerThreads);
    }

    public CommonSettings withTimeout(Duration value) {
        return new CommonSettings(mode, value, udpTimeout, udpMaxAssociations, nameServers, ipv6First, noDelay,
                fastOpen, reusePort, cryptoBackend, transport, workerThreads);
    }

    public CommonSettings withUdpTimeout(Duration value) {
        return new CommonSettings(mode, timeout, value, udpMaxAssociations, nameServers, ipv6First, noDelay,
                fastOpen, reusePort, cryptoBackend, transport, workerThreads);
    }

    public CommonSettings withNameServers(List<InetSocketAddress> value) {
        return new CommonSettings(mode, timeout, udpTimeout, udpMaxAssociations, value, ipv6First, noDelay,
                fastOpen, reusePort, cryptoBackend, transport, workerThreads);
    }
}
