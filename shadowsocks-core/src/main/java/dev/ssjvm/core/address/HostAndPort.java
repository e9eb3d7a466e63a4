package dev.ssjvm.core.address;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * Parses {@code host:port}, {@code [v6]:port} and bare hosts into socket addresses without DNS: an IP
 * literal becomes a resolved address, anything else an unresolved one.
 */
public final class HostAndPort {
    private HostAndPort() {}

    /**
     * @throws IllegalArgumentException with a message fit for the user when the text is not
     *     {@code host:port} with a port in 1..65535
     */
    public static InetSocketAddress parse(String text) {
        String s = text.trim();
        String host;
        String port;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            // a second '[' inside is no address either (a fuzz finding: "[[h]:1" named host "[h")
            if (close < 0 || close + 1 >= s.length() || s.charAt(close + 1) != ':' || s.lastIndexOf('[', close) > 0) {
                throw new IllegalArgumentException("expected [ipv6]:port, got '" + text + "'");
            }
            host = s.substring(1, close);
            port = s.substring(close + 2);
        } else {
            int colon = s.lastIndexOf(':');
            if (colon <= 0 || s.indexOf(':') != colon) {
                throw new IllegalArgumentException("expected host:port (IPv6 in brackets), got '" + text + "'");
            }
            host = s.substring(0, colon);
            port = s.substring(colon + 1);
        }
        return of(host, parsePort(port, text));
    }

    /** An address for {@code host}, resolved only if {@code host} is an IP literal. */
    public static InetSocketAddress of(String host, int port) {
        String h = host.trim();
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        byte[] ip = NetUtil.createByteArrayFromIpAddressString(h);
        if (ip != null) {
            try {
                return new InetSocketAddress(InetAddress.getByAddress(ip), port);
            } catch (UnknownHostException e) {
                throw new AssertionError(e);
            }
        }
        if (h.isEmpty()) {
            throw new IllegalArgumentException("empty host name");
        }
        return InetSocketAddress.createUnresolved(h, port);
    }

    public static int parsePort(String port, String context) {
        try {
            int p = Integer.parseInt(port.trim());
            if (p >= 1 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException ignored) {
            // fall through to the error below
        }
        throw new IllegalArgumentException("port must be 1-65535 in '" + context + "'");
    }

    /**
     * The same address with an IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}) turned back into IPv4,
     * as dual-stack sockets report IPv4 peers that way.
     */
    public static InetSocketAddress unmapped(InetSocketAddress address) {
        if (address.isUnresolved() || !(address.getAddress() instanceof java.net.Inet6Address)) {
            return address;
        }
        byte[] ip = address.getAddress().getAddress();
        for (int i = 0; i < 10; i++) {
            if (ip[i] != 0) {
                return address;
            }
        }
        if (ip[10] != (byte) 0xff || ip[11] != (byte) 0xff) {
            return address;
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(java.util.Arrays.copyOfRange(ip, 12, 16)),
                    address.getPort());
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** {@code host:port} with IPv6 in brackets, for logs and URLs. */
    public static String format(InetSocketAddress address) {
        String host = address.isUnresolved() ? address.getHostString() : address.getAddress().getHostAddress();
        if (host.indexOf(':') >= 0) {
            int scope = host.indexOf('%');
            return "[" + (scope >= 0 ? host.substring(0, scope) : host) + "]:" + address.getPort();
        }
        return host + ":" + address.getPort();
    }
}
