package dev.ssjvm.service.config;

import dev.ssjvm.crypto.CipherKind;
import java.util.Objects;

/**
 * One Shadowsocks server as both ends know it: the address (where a server listens, or where a
 * client connects), the method and the password or pre-shared key, and an optional SIP003 plugin.
 *
 * <p>{@link #toString()} never shows the password.
 */
public record ServerEndpoint(
        String host, int port, CipherKind method, String password, String plugin, String pluginOptions, String remarks) {

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

    public ServerEndpoint withHost(String newHost) {
        return new ServerEndpoint(newHost, port, method, password, plugin, pluginOptions, remarks);
    }

    public ServerEndpoint withPort(int newPort) {
        return new ServerEndpoint(host, newPort, method, password, plugin, pluginOptions, remarks);
    }

    @Override
    public String toString() {
        String address = host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
        return address + " " + method + (plugin == null ? "" : " plugin " + plugin);
    }
}
