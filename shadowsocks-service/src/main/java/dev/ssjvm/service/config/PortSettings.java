package dev.ssjvm.service.config;

import dev.ssjvm.core.protocol.UserKey;
import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.service.limits.PortLimits;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One port of {@code ssserver} as configured: where it listens, its method and key, its users, and
 * the settings a port may set for itself. {@link #toString()} never shows a key.
 *
 * @param hosts the addresses to listen on, all with the same port number
 * @param port 1-65535, or 0 for a free port (tests); with several hosts they all take the one port
 * @param password the password (SIP004), the PSK, or the identity PSK of a multi-user port (SIP022)
 * @param users the users of a multi-user 2022 port (SIP023); empty for a single-key port
 * @param mode which relays this port runs, or {@code null} for the server's default
 * @param timeout this port's idle timeout, or {@code null} for the server's default
 * @param remarks a label for logs, or {@code null}
 * @param limits what the port, and each of its users, may use
 * @param plugin the SIP003 plugin that takes the port's TCP (it listens on the public address, the port's
 *     TCP listener on loopback), or {@code null}
 */
public record PortSettings(List<String> hosts, int port, CipherKind method, String password, List<UserKey> users,
        Mode mode, Duration timeout, String remarks, PortLimits limits, PluginSpec plugin) {

    public PortSettings(List<String> hosts, int port, CipherKind method, String password, List<UserKey> users,
            Mode mode, Duration timeout, String remarks, PortLimits limits) {
        this(hosts, port, method, password, users, mode, timeout, remarks, limits, null);
    }

    public PortSettings {
        hosts = List.copyOf(hosts);
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(password, "password");
        users = List.copyOf(users);
        Objects.requireNonNull(limits, "limits");
        if (hosts.isEmpty()) {
            throw new IllegalArgumentException("a port needs an address to listen on");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0-65535, got " + port);
        }
    }

    /** A single-key port on one address, with the server's default mode and timeout. */
    public static PortSettings of(String host, int port, CipherKind method, String password) {
        return new PortSettings(List.of(host), port, method, password, List.of(), null, null, null, PortLimits.NONE);
    }

    public PortSettings withPort(int value) {
        return new PortSettings(hosts, value, method, password, users, mode, timeout, remarks, limits, plugin);
    }

    public PortSettings withUsers(List<UserKey> value) {
        return new PortSettings(hosts, port, method, password, value, mode, timeout, remarks, limits, plugin);
    }

    public PortSettings withMode(Mode value) {
        return new PortSettings(hosts, port, method, password, users, value, timeout, remarks, limits, plugin);
    }

    public PortSettings withLimits(PortLimits value) {
        return new PortSettings(hosts, port, method, password, users, mode, timeout, remarks, value, plugin);
    }

    public PortSettings withRemarks(String value) {
        return new PortSettings(hosts, port, method, password, users, mode, timeout, value, limits, plugin);
    }

    public PortSettings withPlugin(PluginSpec value) {
        return new PortSettings(hosts, port, method, password, users, mode, timeout, remarks, limits, value);
    }

    /** Whether requests name a user (SIP023 identity headers); fixed for the life of the port. */
    public boolean multiUser() {
        return !users.isEmpty();
    }

    /**
     * Whether {@code other} is this port with other users or limits only: then a running port can take
     * the change without closing the connections of the users that stay, if it stays multi-user (or
     * single-key), which the caller checks: a running port that lost every user is still multi-user.
     */
    public boolean differsOnlyInUsersOrLimits(PortSettings other) {
        return hosts.equals(other.hosts) && port == other.port && method == other.method
                && password.equals(other.password)
                && Objects.equals(mode, other.mode) && Objects.equals(timeout, other.timeout)
                && Objects.equals(remarks, other.remarks) && Objects.equals(plugin, other.plugin);
    }

    @Override
    public String toString() {
        String where = hosts.size() == 1 ? hosts.get(0) : hosts.toString();
        return (where.indexOf(':') >= 0 && hosts.size() == 1 ? "[" + where + "]" : where) + ":" + port + " " + method
                + (users.isEmpty() ? "" : " (" + users.size() + " users)") + (plugin == null ? "" : " plugin " + plugin.program())
                + (remarks == null ? "" : " (" + remarks + ")");
    }
}
