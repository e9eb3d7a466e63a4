package dev.ssjvm.core.protocol;

import java.net.InetSocketAddress;

/**
 * The authenticated request header of a server-side connection: where to connect, and for which
 * user (the name from the server's user table, or {@code null} on a single-key port).
 */
public record ProxyRequest(InetSocketAddress target, String user) {}
