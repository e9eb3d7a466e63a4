package dev.ssjvm.service.config;

import dev.ssjvm.service.acl.IpRangeSet;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything {@code ssserver} needs, already validated: the immutable model the CLI builds from the
 * JSON config and the flags.
 *
 * @param endpoints one per listening address and port; each gets its own TCP (and UDP) relay
 * @param timeout idle time after which a connection is closed ({@code timeout}, default 300 s)
 * @param handshakeTimeout how long a new connection may take to deliver a valid request; a
 *     connection that fails authentication is held silently until then
 * @param forbidden targets the server refuses to connect to
 * @param nameServers DNS servers to use instead of the system's; empty for the system's
 * @param outboundBindAddress local address for outgoing connections, or {@code null}
 * @param cryptoBackend backend to prefer, or {@code null} for the automatic choice
 * @param workerThreads event loop threads, 0 for one per processor
 * @param udpTimeout idle time after which a UDP association is dropped ({@code udp_timeout})
 * @param udpMaxAssociations UDP associations kept per port; the least recently used goes first
 */
public record ServerSettings(
        List<ServerEndpoint> endpoints,
        Mode mode,
        Duration timeout,
        Duration handshakeTimeout,
        IpRangeSet forbidden,
        List<InetSocketAddress> nameServers,
        boolean ipv6First,
        String outboundBindAddress,
        boolean noDelay,
        boolean reusePort,
        boolean fastOpen,
        String cryptoBackend,
        String transport,
        int workerThreads,
        Duration udpTimeout,
        int udpMaxAssociations) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(300);
    public static final int DEFAULT_UDP_MAX_ASSOCIATIONS = 4096;
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(60);

    public ServerSettings {
        endpoints = List.copyOf(endpoints);
        nameServers = List.copyOf(nameServers);
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("no server endpoint configured");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.endpoints.addAll(endpoints);
        b.mode = mode;
        b.timeout = timeout;
        b.handshakeTimeout = handshakeTimeout;
        b.forbidden = forbidden;
        b.nameServers.addAll(nameServers);
        b.ipv6First = ipv6First;
        b.outboundBindAddress = outboundBindAddress;
        b.noDelay = noDelay;
        b.reusePort = reusePort;
        b.fastOpen = fastOpen;
        b.cryptoBackend = cryptoBackend;
        b.transport = transport;
        b.workerThreads = workerThreads;
        b.udpTimeout = udpTimeout;
        b.udpMaxAssociations = udpMaxAssociations;
        return b;
    }

    /** Defaults as in shadowsocks-libev, except the timeout (300 s, as shadowsocks-rust). */
    public static final class Builder {
        private final List<ServerEndpoint> endpoints = new ArrayList<>();
        private Mode mode = Mode.TCP_ONLY;
        private Duration timeout = DEFAULT_TIMEOUT;
        private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;
        private IpRangeSet forbidden = IpRangeSet.parse(IpRangeSet.DEFAULT_FORBIDDEN);
        private final List<InetSocketAddress> nameServers = new ArrayList<>();
        private boolean ipv6First;
        private String outboundBindAddress;
        private boolean noDelay = true;
        private boolean reusePort;
        private boolean fastOpen;
        private String cryptoBackend;
        private String transport = "auto";
        private int workerThreads;
        private Duration udpTimeout = DEFAULT_TIMEOUT;
        private int udpMaxAssociations = DEFAULT_UDP_MAX_ASSOCIATIONS;

        public Builder endpoint(ServerEndpoint endpoint) {
            endpoints.add(endpoint);
            return this;
        }

        public Builder endpoints(List<ServerEndpoint> list) {
            endpoints.clear();
            endpoints.addAll(list);
            return this;
        }

        public Builder mode(Mode value) {
            mode = value;
            return this;
        }

        public Builder timeout(Duration value) {
            timeout = value;
            return this;
        }

        public Builder handshakeTimeout(Duration value) {
            handshakeTimeout = value;
            return this;
        }

        public Builder forbidden(IpRangeSet value) {
            forbidden = value;
            return this;
        }

        public Builder nameServers(List<InetSocketAddress> value) {
            nameServers.clear();
            nameServers.addAll(value);
            return this;
        }

        public Builder ipv6First(boolean value) {
            ipv6First = value;
            return this;
        }

        public Builder outboundBindAddress(String value) {
            outboundBindAddress = value;
            return this;
        }

        public Builder noDelay(boolean value) {
            noDelay = value;
            return this;
        }

        public Builder reusePort(boolean value) {
            reusePort = value;
            return this;
        }

        public Builder fastOpen(boolean value) {
            fastOpen = value;
            return this;
        }

        public Builder cryptoBackend(String value) {
            cryptoBackend = value;
            return this;
        }

        public Builder transport(String value) {
            transport = value;
            return this;
        }

        public Builder workerThreads(int value) {
            workerThreads = value;
            return this;
        }

        public Builder udpTimeout(Duration value) {
            udpTimeout = value;
            return this;
        }

        public Builder udpMaxAssociations(int value) {
            udpMaxAssociations = value;
            return this;
        }

        public ServerSettings build() {
            return new ServerSettings(endpoints, mode, timeout, handshakeTimeout, forbidden, nameServers, ipv6First,
                    outboundBindAddress, noDelay, reusePort, fastOpen, cryptoBackend, transport, workerThreads,
                    udpTimeout, udpMaxAssociations);
        }
    }
}
