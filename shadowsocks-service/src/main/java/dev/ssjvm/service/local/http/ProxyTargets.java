package dev.ssjvm.service.local.http;

import dev.ssjvm.core.address.HostAndPort;
import io.netty.util.NetUtil;
import java.net.InetSocketAddress;
import java.util.Locale;

/**
 * The targets of proxy requests: the authority of {@code CONNECT host:port} and the absolute URI of
 * {@code GET http://host[:port]/path}. Netty's decoder has split the request line; this only takes
 * the target apart, refusing anything that is not a plain host (a name, IPv4, or IPv6 in brackets)
 * and a port.
 */
final class ProxyTargets {
    private static final String HTTP_SCHEME = "http://";

    /** An absolute-URI request's target, the request target to send it (origin form) and its Host. */
    record Absolute(InetSocketAddress target, String originForm, String host) {}

    private ProxyTargets() {}

    /** {@code host:port} of a CONNECT; {@code null} when malformed (the port is required). */
    static InetSocketAddress connect(String authority) {
        return authority(authority, -1);
    }

    /** {@code http://authority/path?query}; {@code null} when it is not an absolute http URI. */
    static Absolute absolute(String uri) {
        if (!uri.regionMatches(true, 0, HTTP_SCHEME, 0, HTTP_SCHEME.length())) {
            return null;
        }
        int start = HTTP_SCHEME.length();
        int end = start;
        while (end < uri.length() && "/?#".indexOf(uri.charAt(end)) < 0) {
            end++;
        }
        String authority = uri.substring(start, end);
        InetSocketAddress target = authority(authority, 80);
        if (target == null) {
            return null;
        }
        String rest = uri.substring(end);
        int fragment = rest.indexOf('#');
        if (fragment >= 0) {
            rest = rest.substring(0, fragment); // a fragment is the client's business, never sent
        }
        if (!rest.startsWith("/")) {
            rest = "/" + rest;
        }
        return new Absolute(target, rest, authority);
    }

    /** @param defaultPort the port when none is given, or -1 when one is required */
    private static InetSocketAddress authority(String text, int defaultPort) {
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0 || !NetUtil.isValidIpV6Address(text.substring(1, close))) {
                return null;
            }
            host = text.substring(1, close);
            String rest = text.substring(close + 1);
            if (!rest.isEmpty() && !rest.startsWith(":")) {
                return null;
            }
            port = rest.isEmpty() ? null : rest.substring(1);
        } else {
            int colon = text.indexOf(':');
            if (colon >= 0 && text.indexOf(':', colon + 1) >= 0) {
                return null; // a bare IPv6 address, or garbage
            }
            host = colon < 0 ? text : text.substring(0, colon);
            port = colon < 0 ? null : text.substring(colon + 1);
            if (!plainName(host)) {
                return null;
            }
        }
        int number = port == null ? defaultPort : parsePort(port);
        if (number < 1) {
            return null;
        }
        return HostAndPort.of(host.toLowerCase(Locale.ROOT), number);
    }

    private static boolean plainName(String host) {
        if (host.isEmpty() || host.length() > 253) {
            return false;
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
                    || c == '.' || c == '_';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static int parsePort(String port) {
        if (port.isEmpty() || port.length() > 5) {
            return -1;
        }
        for (int i = 0; i < port.length(); i++) {
            if (port.charAt(i) < '0' || port.charAt(i) > '9') {
                return -1;
            }
        }
        int value = Integer.parseInt(port);
        return value <= 65535 ? value : -1;
    }
}
