package dev.ssjvm.admin.manager;

import dev.ssjvm.core.address.HostAndPort;
import java.net.InetSocketAddress;
import java.nio.file.Path;

/**
 * Where the ss-manager protocol runs, read as libev reads {@code --manager-address}: {@code host:port}
 * (IPv6 in brackets) is UDP, anything else is the path of a Unix datagram socket. A text with a
 * {@code /} is always a path, so {@code ./mgr:1} stays a file.
 *
 * @param udp the UDP address (its host possibly a name, resolved when used), or {@code null}
 * @param unix the socket path, or {@code null}
 */
public record ManagerAddress(String text, InetSocketAddress udp, Path unix) {

    public static ManagerAddress parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("the manager address is empty");
        }
        if (text.indexOf('/') < 0) {
            try {
                return new ManagerAddress(text, HostAndPort.parse(text), null);
            } catch (IllegalArgumentException notHostAndPort) {
                // a bare name such as manager.sock: a path, as libev takes it
            }
        }
        return new ManagerAddress(text, null, Path.of(text));
    }

    public boolean isUnix() {
        return unix != null;
    }

    @Override
    public String toString() {
        return isUnix() ? "unix:" + unix : HostAndPort.format(udp) + " (udp)";
    }
}
