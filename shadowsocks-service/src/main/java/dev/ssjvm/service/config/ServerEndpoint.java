package dev.ssjvm.service.config;

import dev.ssjvm.crypto.CipherKind;
import java.util.Objects;

/**
 * A Shadowsocks server as a client knows it: where to connect, the method and the password or key
 * ({@code iPSK:uPSK} for a user of a multi-user 2022 port), an optional SIP003 plugin and a label.
 *
 * <p>{@link #toString()} never shows the password.
 */
public record ServerEndpoint(String host, int port, CipherKind method, String password, String plugin,
        String pluginOptions, String remarks) {

    public ServerEndpoint {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(password, "password");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0-65535, got " + port);
        }
    }

    public ServerEndpoint(String host, int port, CipherKind method, String password) {
        this(host, port, method, password, null, null, null);
    }

    @Override
    public String toString() {
        String address = host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
        return address + " " + method + (plugin == null ? "" : " plugin " + plugin);
    }
}
