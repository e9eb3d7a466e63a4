package dev.ssjvm.cli.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ssjvm.cli.config.Values.Origin;
import dev.ssjvm.core.sip022.Sip022Users;
import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.service.acl.IpRangeSet;
import dev.ssjvm.service.config.Mode;
import dev.ssjvm.service.config.ServerEndpoint;
import dev.ssjvm.service.config.ServerSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Builds {@link ServerSettings} from an optional JSON config and the flags; flags win. Endpoints
 * come, in order of precedence, from {@code servers} (shadowsocks-rust), {@code port_password} (the
 * original and libev), or {@code server}/{@code server_port}/{@code password}/{@code method}.
 */
public final class ServerConfigLoader {
    static final CipherKind DEFAULT_METHOD = CipherKind.CHACHA20_IETF_POLY1305;
    private static final Set<String> KNOWN_KEYS = Set.of(
            "server", "server_port", "password", "method", "timeout", "mode", "forbidden_ip", "port_password",
            "servers", "nameserver", "dns", "ipv6_first", "no_delay", "fast_open", "reuse_port", "workers",
            "handshake_timeout", "crypto_backend", "transport", "plugin", "plugin_opts", "local_address",
            "local_port", "user", "remarks", "udp_timeout", "udp_max_associations", "users");
    private static final Set<String> SERVER_ENTRY_KEYS = Set.of(
            "server", "server_port", "password", "method", "plugin", "plugin_opts", "remarks", "timeout", "mode",
            "disabled", "users");

    private ServerConfigLoader() {}

    /**
     * @param warnings receives one line per ignored unknown key
     */
    public static ServerSettings load(ServerOptions flags, Consumer<String> warnings) throws ConfigException {
        ConfigObject config = flags.common.config == null ? ConfigObject.empty() : ConfigObject.read(flags.common.config);
        config.unknownKeys(KNOWN_KEYS).forEach(k -> warnings.accept(config.file() + ": unknown key '" + k + "' ignored"));

        List<String> hosts = flags.hosts != null ? flags.hosts
                : config.stringOrList("server").orElse(List.of("0.0.0.0"));
        CipherKind method = flags.common.method != null ? Values.method(flags.common.method, Origin.flag("-m"))
                : config.has("method") ? Values.method(config.string("method").get(), Origin.key(config, "method"))
                : DEFAULT_METHOD;
        String plugin = flags.common.plugin != null ? flags.common.plugin : config.string("plugin").orElse(null);
        String pluginOptions = flags.common.pluginOptions != null ? flags.common.pluginOptions : config.string("plugin_opts").orElse(null);

        List<ServerEndpoint> endpoints = new ArrayList<>();
        if (flags.port == null && flags.common.password == null && config.has("servers")) {
            for (ConfigObject entry : config.objects("servers").get()) {
                entry.unknownKeys(SERVER_ENTRY_KEYS).forEach(k -> warnings.accept(config.file() + ": unknown key '" + k + "' ignored"));
                if (entry.bool("disabled").orElse(false)) {
                    continue;
                }
                List<String> entryHosts = entry.stringOrList("server").orElse(hosts);
                int port = entry.port("server_port").orElseThrow(() -> entry.missing("server_port", null));
                String password = entry.string("password").orElseThrow(() -> entry.missing("password", null));
                CipherKind entryMethod = entry.has("method")
                        ? Values.method(entry.string("method").get(), Origin.key(entry, "method")) : method;
                String entryPlugin = entry.string("plugin").orElse(plugin);
                String entryPluginOptions = entry.string("plugin_opts").orElse(entryPlugin == plugin ? pluginOptions : null);
                List<Sip022Users.UserKey> users = users(entry);
                for (String host : entryHosts) {
                    endpoints.add(new ServerEndpoint(host, port, entryMethod, password, entryPlugin, entryPluginOptions,
                            entry.string("remarks").orElse(null), users));
                }
            }
        } else if (flags.port == null && flags.common.password == null && config.has("port_password")) {
            ConfigObject ports = config.object("port_password").get();
            for (Iterator<Map.Entry<String, JsonNode>> it = ports.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                int port = Values.parse(e.getKey(), Origin.key(config, "port_password"),
                        k -> dev.ssjvm.core.address.HostAndPort.parsePort(k, "port_password key " + k));
                String password;
                CipherKind portMethod = method;
                if (e.getValue().isTextual()) {
                    password = e.getValue().textValue();
                } else if (e.getValue().isObject()) {
                    ConfigObject entry = ports.childObject(e.getKey());
                    password = entry.string("password").orElseThrow(() -> entry.missing("password", null));
                    if (entry.has("method")) {
                        portMethod = Values.method(entry.string("method").get(), Origin.key(entry, "method"));
                    }
                } else {
                    throw ports.error(e.getKey(), "a password string or an object with password and method");
                }
                for (String host : hosts) {
                    endpoints.add(new ServerEndpoint(host, port, portMethod, password, plugin, pluginOptions, null));
                }
            }
        } else {
            Integer port = flags.port != null ? flags.port : config.port("server_port").orElse(null);
            String password = flags.common.password != null ? flags.common.password : config.string("password").orElse(null);
            if (port == null) {
                throw new ConfigException("no port to listen on: give -p PORT or the config key server_port"
                        + (flags.common.config == null ? "" : " in " + config.file()));
            }
            if (flags.port != null && (port < 1 || port > 65535)) {
                throw new ConfigException("flag -p: port must be 1-65535, got " + port);
            }
            if (password == null) {
                throw new ConfigException("no password: give -k PASSWORD or the config key password"
                        + (flags.common.config == null ? "" : " in " + config.file()));
            }
            List<Sip022Users.UserKey> users = users(config);
            for (String host : hosts) {
                endpoints.add(new ServerEndpoint(host, port, method, password, plugin, pluginOptions, null, users));
            }
        }
        if (endpoints.isEmpty()) {
            throw new ConfigException(config.file() + ": no enabled server in 'servers' or 'port_password'");
        }
        for (ServerEndpoint endpoint : endpoints) {
            Credentials.checkServer(endpoint);
            if (endpoint.plugin() != null) {
                throw new ConfigException("plugin '" + endpoint.plugin() + "': SIP003 plugins are not supported yet");
            }
        }

        ServerSettings.Builder b = ServerSettings.builder().endpoints(endpoints);
        Mode mode = flags.common.udpOnly ? Mode.UDP_ONLY : flags.common.tcpAndUdp ? Mode.TCP_AND_UDP
                : config.has("mode") ? Values.mode(config.string("mode").get(), Origin.key(config, "mode")) : Mode.TCP_ONLY;
        b.mode(mode);
        int timeout = flags.common.timeout != null ? positive(flags.common.timeout, "-t") : config.integer("timeout", 1, 86_400 * 7).orElse(300);
        b.timeout(Duration.ofSeconds(timeout));
        int handshake = flags.handshakeTimeout != null ? positive(flags.handshakeTimeout, "--handshake-timeout")
                : config.integer("handshake_timeout", 1, 3600).orElse(60);
        b.handshakeTimeout(Duration.ofSeconds(handshake));
        if (flags.forbiddenIp != null) {
            b.forbidden(Values.ipRanges(flags.forbiddenIp, Origin.flag("--forbidden-ip")));
        } else if (config.has("forbidden_ip")) {
            b.forbidden(Values.ipRanges(String.join(",", config.stringOrList("forbidden_ip").get()),
                    Origin.key(config, "forbidden_ip")));
        } else {
            b.forbidden(IpRangeSet.parse(IpRangeSet.DEFAULT_FORBIDDEN));
        }
        if (flags.common.nameServers != null) {
            b.nameServers(Values.nameServers(flags.common.nameServers, Origin.flag("-d")));
        } else if (config.has("nameserver") || config.has("dns")) {
            String key = config.has("nameserver") ? "nameserver" : "dns";
            b.nameServers(Values.nameServers(config.stringOrList(key).get(), Origin.key(config, key)));
        }
        b.ipv6First(flags.common.ipv6First || config.bool("ipv6_first").orElse(false));
        b.outboundBindAddress(flags.outboundBind);
        b.noDelay(flags.common.noDelay != null ? flags.common.noDelay : config.bool("no_delay").orElse(true));
        b.fastOpen(flags.fastOpen || config.bool("fast_open").orElse(false));
        b.reusePort(flags.reusePort || config.bool("reuse_port").orElse(false));
        b.cryptoBackend(flags.common.cryptoBackend != null ? flags.common.cryptoBackend : config.string("crypto_backend").orElse(null));
        b.transport(flags.common.transport != null ? flags.common.transport : config.string("transport").orElse("auto"));
        b.workerThreads(flags.common.workers != null ? positive(flags.common.workers, "--workers") : config.integer("workers", 1, 1024).orElse(0));
        return b.build();
    }

    /** SIP023 users of a multi-user port: {@code "users": [{"name": ..., "password": <uPSK>}, ...]}. */
    static List<Sip022Users.UserKey> users(ConfigObject config) throws ConfigException {
        List<Sip022Users.UserKey> users = new ArrayList<>();
        if (config.has("users")) {
            for (ConfigObject user : config.objects("users").get()) {
                String name = user.string("name").orElseThrow(() -> user.missing("name", null));
                String password = user.string("password").orElseThrow(() -> user.missing("password",
                        "each user needs its own key (uPSK)"));
                users.add(new Sip022Users.UserKey(name, password));
            }
        }
        return users;
    }

    static int positive(int value, String flag) throws ConfigException {
        if (value < 1) {
            throw new ConfigException("flag " + flag + ": expected a positive number, got " + value);
        }
        return value;
    }
}
