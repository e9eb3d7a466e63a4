package dev.ssjvm.service.config;

import dev.ssjvm.service.acl.Acl;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One local front end of {@code sslocal}: the protocol it speaks (a name registered in
 * {@code service.local.FrontEnds}: {@code socks}, {@code tunnel}, ...), where it listens, and its own
 * options. Which options a protocol needs or refuses is checked by that protocol's factory.
 *
 * @param forwardTo the fixed target of a tunnel ({@code -L host:port}); {@code null} otherwise
 * @param users username to password for proxy authentication (RFC 1929 for SOCKS5, Basic for
 *     HTTP); empty for none
 * @param acl which targets go through the server and which are connected directly
 * @param localDns the resolver a DNS front end asks for bypassed names; {@code null} otherwise
 * @param remoteDns the resolver a DNS front end asks, through the server, for the other names;
 *     {@code null} otherwise
 */
public record LocalListener(String protocol, String address, int port, InetSocketAddress forwardTo,
        Map<String, String> users, Acl acl, InetSocketAddress localDns, InetSocketAddress remoteDns) {

    public static final String SOCKS = "socks";
    public static final String TUNNEL = "tunnel";
    public static final String HTTP = "http";
    public static final String REDIR = "redir";
    public static final String DNS = "dns";

    public LocalListener {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(acl, "acl");
        users = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(users));
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0-65535, got " + port);
        }
    }

    public LocalListener(String protocol, String address, int port, InetSocketAddress forwardTo,
            Map<String, String> users) {
        this(protocol, address, port, forwardTo, users, Acl.PROXY_ALL, null, null);
    }

    public static LocalListener socks(String address, int port) {
        return new LocalListener(SOCKS, address, port, null, Map.of());
    }

    public static LocalListener tunnel(String address, int port, InetSocketAddress forwardTo) {
        return new LocalListener(TUNNEL, address, port, forwardTo, Map.of());
    }

    public LocalListener withUsers(Map<String, String> value) {
        return new LocalListener(protocol, address, port, forwardTo, value, acl, localDns, remoteDns);
    }

    /**
     * For the factories of protocols that are not DNS servers.
     *
     * @throws IllegalArgumentException if resolvers are set
     */
    public void refuseResolvers() {
        if (localDns != null || remoteDns != null) {
            throw new IllegalArgumentException("resolvers are for DNS listeners (protocol dns), not " + protocol);
        }
    }

    public LocalListener withAcl(Acl value) {
        return new LocalListener(protocol, address, port, forwardTo, users, value, localDns, remoteDns);
    }

    public LocalListener withDns(InetSocketAddress local, InetSocketAddress remote) {
        return new LocalListener(protocol, address, port, forwardTo, users, acl, local, remote);
    }

    @Override
    public String toString() {
        return protocol + " on " + (address.indexOf(':') >= 0 ? "[" + address + "]" : address) + ":" + port;
    }
}
