package dev.ssjvm.service.config;

import dev.ssjvm.service.acl.AclFile;
import dev.ssjvm.service.acl.IpRangeSet;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything {@code ssserver} needs, already validated: the immutable model the CLI builds from the
 * JSON config and the flags.
 *
 * @param ports the ports to serve at start; more can be added while running
 * @param common the settings shared with sslocal; {@code mode} and {@code timeout} are the defaults of
 *     ports that set none
 * @param handshakeTimeout how long a new connection may take to deliver a valid request; a
 *     connection that fails authentication is held silently until then
 * @param forbidden targets the server refuses to connect to ({@code forbidden_ip})
 * @param outboundBindAddress local address for outgoing connections, or {@code null}
 * @param acl the ACL file ({@code acl}, {@code --acl}) whose {@code [outbound_block_list]} the server
 *     refuses as targets, or {@code null}
 * @param maxHandshakes connections still in the handshake the whole server holds at most
 *     ({@code max_handshakes}); more are closed at once
 * @param maxHandshakesPerIp the same, per source address ({@code max_handshakes_per_ip})
 */
public record ServerSettings(List<PortSettings> ports, CommonSettings common, Duration handshakeTimeout,
        IpRangeSet forbidden, String outboundBindAddress, AclFile acl, int maxHandshakes, int maxHandshakesPerIp) {

    /** Enough for a small VPS: a few MiB of buffers and 2048 descriptors at worst, for strangers. */
    public static final int DEFAULT_MAX_HANDSHAKES = 2048;
    /**
     * One sslocal carries a whole browser (or household behind a NAT): a page load opens a hundred or
     * more connections at once. A scanner from one address gets no more than this.
     */
    public static final int DEFAULT_MAX_HANDSHAKES_PER_IP = 256;

    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(60);

    public ServerSettings {
        ports = List.copyOf(ports);
        Objects.requireNonNull(common, "common");
        Objects.requireNonNull(forbidden, "forbidden");
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
            throw new IllegalArgumentException("handshake_timeout must be positive");
        }
        if (maxHandshakes < 1 || maxHandshakesPerIp < 1) {
            throw new IllegalArgumentException("max_handshakes and max_handshakes_per_ip must be positive");
        }
    }

    /** The relays a port runs: its own mode, or the server's default. */
    public Mode modeOf(PortSettings port) {
        return port.mode() != null ? port.mode() : common.mode();
    }

    /** A port's idle timeout: its own, or the server's default. */
    public Duration timeoutOf(PortSettings port) {
        return port.timeout() != null ? port.timeout() : common.timeout();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Defaults as in shadowsocks-libev, except the timeout (300 s, as shadowsocks-rust). */
    public static final class Builder {
        private final List<PortSettings> ports = new ArrayList<>();
        private CommonSettings common = CommonSettings.defaults();
        private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;
        private IpRangeSet forbidden = IpRangeSet.parse(IpRangeSet.DEFAULT_FORBIDDEN);
        private String outboundBindAddress;
        private AclFile acl;
        private int maxHandshakes = DEFAULT_MAX_HANDSHAKES;
        private int maxHandshakesPerIp = DEFAULT_MAX_HANDSHAKES_PER_IP;

        public Builder port(PortSettings port) {
            ports.add(port);
            return this;
        }

        public Builder ports(List<PortSettings> list) {
            ports.clear();
            ports.addAll(list);
            return this;
        }

        public Builder common(CommonSettings value) {
            common = value;
            return this;
        }

        public Builder mode(Mode value) {
            common = common.withMode(value);
            return this;
        }

        public Builder timeout(Duration value) {
            common = common.withTimeout(value);
            return this;
        }

        public Builder udpTimeout(Duration value) {
            common = common.withUdpTimeout(value);
            return this;
        }

        public Builder nameServers(List<InetSocketAddress> value) {
            common = common.withNameServers(value);
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

        public Builder outboundBindAddress(String value) {
            outboundBindAddress = value;
            return this;
        }

        public Builder acl(AclFile value) {
            acl = value;
            return this;
        }

        public Builder maxHandshakes(int total, int perIp) {
            maxHandshakes = total;
            maxHandshakesPerIp = perIp;
            return this;
        }

        public ServerSettings build() {
            return new ServerSettings(ports, common, handshakeTimeout, forbidden, outboundBindAddress, acl,
                    maxHandshakes, maxHandshakesPerIp);
        }
    }
}
