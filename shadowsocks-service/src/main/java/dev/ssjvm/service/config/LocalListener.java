package dev.ssjvm.service.config;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * One local front end of {@code sslocal}: where it listens and which protocol it speaks.
 *
 * @param forwardTo the fixed target of a tunnel ({@code -L host:port}); {@code null} otherwise
 */
public record LocalListener(Protocol protocol, String address, int port, InetSocketAddress forwardTo) {

    public enum Protocol { SOCKS, TUNNEL }

    public LocalListener {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(address, "address");
        if (protocol == Protocol.TUNNEL && forwardTo == null) {
            throw new IllegalArgumentException("a tunnel needs a target (-L host:port)");
        }
    }

    public static LocalListener socks(String address, int port) {
        return new LocalListener(Protocol.SOCKS, address, port, null);
    }

    public static LocalListener tunnel(String address, int port, InetSocketAddress forwardTo) {
        return new LocalListener(Protocol.TUNNEL, address, port, forwardTo);
    }
}
