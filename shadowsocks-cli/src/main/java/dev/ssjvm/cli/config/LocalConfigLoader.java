package dev.ssjvm.cli.config;

import dev.ssjvm.cli.config.Values.Origin;
import dev.ssjvm.core.address.HostAndPort;
import dev.ssjvm.core.url.ShadowsocksUrl;
import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.service.config.LocalListener;
import dev.ssjvm.service.config.LocalSettings;
import dev.ssjvm.service.config.Mode;
import dev.ssjvm.service.config.ServerEndpoint;
import dev.ssjvm.service.config.ServerSettings;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Builds {@link LocalSettings} from an optional JSON config and the flags; flags win. Servers come
 * from {@code --server-url}, from {@code -s/-p/-k/-m}, from the config's {@code servers} list
 * (shadowsocks-rust) or from its top-level {@code server}/{@code server_port}/... keys. Listeners come
 * from {@code -L} (tunnel), the config's {@code locals} list (shadowsocks-rust), or
 * {@code local_address}/{@code local_port} (SOCKS5).
 */
public final class LocalConfigLoader {
    private static final Set<String> KNOWN_KEYS = Set.of(
            "server", "server_port", "password", "method", "timeout", "mode", "servers", "local_address",
            "local_port", "locals", "tunnel_address", "nameserver", "dns", "ipv6_first", "no_delay", "fast_open",
            "reuse_port", "workers", "crypto_backend", "transport", "plugin", "plugin_opts", "socks5_users", "user",
            "remarks", "udp_timeout", "udp_max_associations");

    private LocalConfigLoader() {}

    public static LocalSettings load(LocalOptions flags, Consumer<String> warnings) throws ConfigException {
        ConfigObject config = flags.common.config == null ? ConfigObject.empty() : ConfigObject.read(flags.common.config);
        config.unknownKeys(KNOWN_KEYS).forEach(k -> warnings.accept(config.file() + ": unknown key '" + k + "' ignored"));

        List<ServerEndpoint> servers = servers(flags, config);
        List<LocalListener> listeners = listeners(flags, config);
        Map<String, String> users = socksUsers(flags, config);

        Mode mode = flags.common.udpOnly ? Mode.UDP_ONLY : flags.common.tcpAndUdp ? Mode.TCP_AND_UDP
                : config.has("mode") ? Values.mode(config.string("mode").get(), Origin.key(config, "mode")) : Mode.TCP_ONLY;
        int timeout = flags.common.timeout != null ? ServerConfigLoader.positive(flags.common.timeout, "-t")
                : config.integer("timeout", 1, 86_400 * 7).orElse((int) ServerSettings.DEFAULT_TIMEOUT.toSeconds());
        List<InetSocketAddress> nameServers = List.of();
        if (flags.common.nameServers != null) {
            nameServers = Values.nameServers(flags.common.nameServers, Origin.flag("-d"));
        } else if (config.has("nameserver") || config.has("dns")) {
            String key = config.has("nameserver") ? "nameserver" : "dns";
            nameServers = Values.nameServers(config.stringOrList(key).get(), Origin.key(config, key));
        }
        boolean noDelay = flags.common.noDelay != null ? flags.common.noDelay : config.bool("no_delay").orElse(true);
        String backend = flags.common.cryptoBackend != null ? flags.common.cryptoBackend : config.string("crypto_backend").orElse(null);
        String transport = flags.common.transport != null ? flags.common.transport : config.string("transport").orElse("auto");
        int workers = flags.common.workers != null ? ServerConfigLoader.positive(flags.common.workers, "--workers")
                : config.integer("workers", 1, 1024).orElse(0);
        int udpTimeout = config.integer("udp_timeout", 1, 86_400 * 7).orElse(timeout);
        int udpMax = config.integer("udp_max_associations", 1, 1_000_000).orElse(ServerSettings.DEFAULT_UDP_MAX_ASSOCIATIONS);
        return new LocalSettings(servers, listeners, mode, Duration.ofSeconds(timeout), users, nameServers,
                flags.common.ipv6First || config.bool("ipv6_first").orElse(false), noDelay, backend, transport, workers,
                Duration.ofSeconds(udpTimeout), udpMax);
    }

    private static List<ServerEndpoint> servers(LocalOptions flags, ConfigObject config) throws ConfigException {
        List<ServerEndpoint> servers = new ArrayList<>();
        if (flags.serverUrls != null) {
            for (String url : flags.serverUrls) {
                ShadowsocksUrl parsed = Values.parse(url, Origin.flag("--server-url"), ShadowsocksUrl::parse);
                servers.add(new ServerEndpoint(parsed.host(), parsed.port(), parsed.method(), parsed.password(),
                        parsed.plugin(), parsed.pluginOptions(), parsed.tag()));
            }
        } else if (flags.server == null && config.has("servers")) {
            for (ConfigObject entry : config.objects("servers").get()) {
                if (entry.bool("disabled").orElse(false)) {
                    continue;
                }
                String host = entry.string("server").orElseThrow(() -> entry.missing("server", null));
                int port = entry.port("server_port").orElseThrow(() -> entry.missing("server_port", null));
                String password = entry.string("password").orElseThrow(() -> entry.missing("password", null));
                CipherKind method = entry.has("method")
                        ? Values.method(entry.string("method").get(), Origin.key(entry, "method"))
                        : topLevelMethod(flags, config);
                servers.add(new ServerEndpoint(host, port, method, password, entry.string("plugin").orElse(null),
                        entry.string("plugin_opts").orElse(null), entry.string("remarks").orElse(null)));
            }
        } else {
            String host = flags.server != null ? flags.server
                    : config.has("server") ? config.stringOrList("server").get().get(0) : null;
            Integer port = flags.serverPort != null ? flags.serverPort : config.port("server_port").orElse(null);
            String password = flags.common.password != null ? flags.common.password : config.string("password").orElse(null);
            if (host == null || port == null || password == null) {
                throw new ConfigException("no server: give --server-url ss://..., or -s HOST -p PORT -k PASSWORD"
                        + " (or the config keys server, server_port, password)");
            }
            if (port < 1 || port > 65535) {
                throw new ConfigException("flag -p: port must be 1-65535, got " + port);
            }
            servers.add(new ServerEndpoint(host, port, topLevelMethod(flags, config), password,
                    flags.common.plugin != null ? flags.common.plugin : config.string("plugin").orElse(null),
                    flags.common.pluginOptions != null ? flags.common.pluginOptions : config.string("plugin_opts").orElse(null), null));
        }
        if (servers.isEmpty()) {
            throw new ConfigException(config.file() + ": no enabled server in 'servers'");
        }
        for (ServerEndpoint server : servers) {
            Credentials.checkClient(server);
            if (server.plugin() != null) {
                throw new ConfigException("plugin '" + server.plugin() + "': SIP003 plugins are not supported yet");
            }
        }
        return servers;
    }

    private static CipherKind topLevelMethod(LocalOptions flags, ConfigObject config) throws ConfigException {
        if (flags.common.method != null) {
            return Values.method(flags.common.method, Origin.flag("-m"));
        }
        if (config.has("method")) {
            return Values.method(config.string("method").get(), Origin.key(config, "method"));
        }
        return ServerConfigLoader.DEFAULT_METHOD;
    }

    private static List<LocalListener> listeners(LocalOptions flags, ConfigObject config) throws ConfigException {
        String address = flags.localAddress != null ? flags.localAddress : config.string("local_address").orElse("127.0.0.1");
        int port = flags.localPort != null ? flags.localPort : config.port("local_port").orElse(1080);
        if (port < 1 || port > 65535) {
            throw new ConfigException("flag -l: port must be 1-65535, got " + port);
        }
        if (flags.tunnelTarget != null) {
            InetSocketAddress target = Values.parse(flags.tunnelTarget, Origin.flag("-L"), HostAndPort::parse);
            return List.of(LocalListener.tunnel(address, port, target));
        }
        if (flags.localAddress == null && flags.localPort == null && config.has("locals")) {
            List<LocalListener> out = new ArrayList<>();
            for (ConfigObject local : config.objects("locals").get()) {
                String localAddress = local.string("local_address").orElse("127.0.0.1");
                int localPort = local.port("local_port").orElseThrow(() -> local.missing("local_port", null));
                String protocol = local.string("protocol").orElse("socks");
                switch (protocol) {
                    case "socks" -> out.add(LocalListener.socks(localAddress, localPort));
                    case "tunnel" -> {
                        String forwardHost = local.string("forward_address")
                                .orElseThrow(() -> local.missing("forward_address", "a tunnel needs a target"));
                        int forwardPort = local.port("forward_port")
                                .orElseThrow(() -> local.missing("forward_port", "a tunnel needs a target"));
                        out.add(LocalListener.tunnel(localAddress, localPort, HostAndPort.of(forwardHost, forwardPort)));
                    }
                    default -> throw local.invalid("protocol", "expected socks or tunnel, got '" + protocol + "'");
                }
            }
            return out;
        }
        if (config.has("tunnel_address")) {
            InetSocketAddress target = Values.parse(config.string("tunnel_address").get(),
                    Origin.key(config, "tunnel_address"), HostAndPort::parse);
            return List.of(LocalListener.tunnel(address, port, target));
        }
        return List.of(LocalListener.socks(address, port));
    }

    private static Map<String, String> socksUsers(LocalOptions flags, ConfigObject config) throws ConfigException {
        Map<String, String> users = new LinkedHashMap<>();
        if (flags.socksUsers != null) {
            for (String pair : flags.socksUsers) {
                int colon = pair.indexOf(':');
                if (colon <= 0 || colon == pair.length() - 1) {
                    throw new ConfigException("flag --socks-user: expected USER:PASSWORD");
                }
                users.put(pair.substring(0, colon), pair.substring(colon + 1));
            }
        } else if (config.has("socks5_users")) {
            ConfigObject map = config.object("socks5_users").get();
            for (var it = map.fields(); it.hasNext(); ) {
                var e = it.next();
                if (!e.getValue().isTextual()) {
                    throw map.error(e.getKey(), "a password string");
                }
                users.put(e.getKey(), e.getValue().textValue());
            }
        }
        for (Map.Entry<String, String> e : users.entrySet()) {
            if (e.getKey().length() > 255 || e.getValue().length() > 255) {
                throw new ConfigException("SOCKS5 user '" + e.getKey() + "': RFC 1929 allows at most 255 bytes");
            }
        }
        return users;
    }
}
