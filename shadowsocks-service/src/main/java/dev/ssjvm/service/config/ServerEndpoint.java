package dev.ssjvm.service.config;

import dev.ssjvm.crypto.CipherKind;
import java.util.Arrays;
import java.util.Objects;

/**
 * A Shadowsocks server as a client knows it: where to connect, the method and the password or key
 * ({@code iPSK:uPSK} for a user of a multi-user 2022 port), an optional SIP003 plugin, a label, its
 * weights among several servers and Outline's connection prefix.
 *
 * <p>{@link #toString()} never shows the password.
 *
 * @param tcpWeight how much of the TCP traffic this server takes among equally healthy servers, in
 *     (0, 1] (shadowsocks-rust's {@code tcp_weight})
 * @param udpWeight the same for UDP associations ({@code udp_weight})
 * @param prefix bytes that replace the start of every salt this client sends (Outline's
 *     {@code prefix}); {@code null} for none
 */
public record ServerEndpoint(String host, int port, CipherKind method, String password, String plugin,
        String pluginOptions, String remarks, double tcpWeight, double udpWeight, byte[] prefix) {

    public ServerEndpoint {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(password, "password");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0-65535, got " + port);
        }
        if (!(tcpWeight > 0 && tcpWeight <= 1) || !(udpWeight > 0 && udpWeight <= 1)) {
            throw new IllegalArgumentException("weights must be in (0, 1], got " + tcpWeight + " and " + udpWeight);
        }
        prefix = prefix == null ? null : prefix.clone();
    }

    public ServerEndpoint(String host, int port, CipherKind method, String password, String plugin,
            String pluginOptions, String remarks) {
        this(host, port, method, password, plugin, pluginOptions, remarks, 1, 1, null);
    }

    public ServerEndpoint(String host, int port, CipherKind method, String password) {
        this(host, port, method, password, null, null, null);
    }

    @Override
    public byte[] prefix() {
        return prefix == null ? null : prefix.clone();
    }

    public ServerEndpoint withWeights(double tcp, double udp) {
        return new ServerEndpoint(host, port, method, password, plugin, pluginOptions, remarks, tcp, udp, prefix);
    }

    public ServerEndpoint withPrefix(byte[] value) {
        return new ServerEndpoint(host, port, method, password, plugin, pluginOptions, remarks, tcpWeight, udpWeight,
                value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ServerEndpoint e && host.equals(e.host) && port == e.port && method == e.method
                && password.equals(e.password) && Objects.equals(plugin, e.plugin)
                && Objects.equals(pluginOptions, e.pluginOptions) && Objects.equals(remarks, e.remarks)
                && tcpWeight == e.tcpWeight && udpWeight == e.udpWeight && Arrays.equals(prefix, e.prefix);
    }

    @Override
    public int hashCode() {
        return Objects.hash(host, port, method, password, plugin, pluginOptions, remarks, tcpWeight, udpWeight)
                * 31 + Arrays.hashCode(prefix);
    }

    @Override
    public String toString() {
        String address = host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
        return address + " " + method + (plugin == null ? "" : " plugin " + plugin);
    }
}
