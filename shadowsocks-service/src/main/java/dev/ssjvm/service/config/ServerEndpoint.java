package dev.ssjvm.service.config;

import dev.ssjvm.core.sip022.Sip022Users;
import dev.ssjvm.crypto.CipherKind;
import java.util.List;
import java.util.Objects;

/**
 * One Shadowsocks server as both ends know it: the address (where a server listens, or where a
 * client connects), the method and the password or pre-shared key, and an optional SIP003 plugin.
 *
 * <p>{@link #toString()} never shows the password.
 */
public record ServerEndpoint(String host, int port, CipherKind method, String password, String plugin,
        String pluginOptions, String remarks, List<Sip022Users.UserKey> users) {

    /**
     * @param users on a server, the users of a multi-user 2022 port (SIP023); {@code password} is then
     *     the port's identity key. Empty otherwise.
     */
    public ServerEndpoint {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(password, "password");
        users = List.copyOf(users);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0-65535, got " + port);
        }
    }

    public ServerEndpoint(String host, int port, CipherKind method, String password, String plugin,
            String pluginOptions, String remarks) {
        this(host, port, method, password, plugin, pluginOptions, remarks, List.of());
    }

    public ServerEndpoint(String host, int port, CipherKind method, String password) {
        this(host, port, method, password, null, null, null, List.of());
    }

    public ServerEndpoint withUsers(List<Sip022Users.UserKey> newUsers) {
        return new ServerEndpoint(host, port, method, password, plugin, pluginOptions, remarks, newUsers);
    }

    @Override
    public String toString() {
        String address = host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
        return address + " " + method + (users.isEmpty() ? "" : " (" + users.size() + " users)")
                + (plugin == null ? "" : " plugin " + plugin);
    }
}
