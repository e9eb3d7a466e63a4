package dev.ssjvm.cli.config;

import dev.ssjvm.cli.config.Values.Origin;
import dev.ssjvm.cli.online.OnlineConfig;
import dev.ssjvm.core.protocol.SaltPrefix;
import dev.ssjvm.core.url.ShadowsocksUrl;
import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.crypto.MethodKeys;
import dev.ssjvm.service.config.BalancerSettings;
import dev.ssjvm.service.config.CommonSettings;
import dev.ssjvm.service.config.LocalListener;
import dev.ssjvm.service.config.LocalSettings;
import dev.ssjvm.service.config.PluginSpec;
import dev.ssjvm.service.config.ServerEndpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Builds {@link LocalSettings} from an optional JSON config and the flags; flags win. Servers come
 * from {@code --server-url}, from {@code -s/-p/-k/-m}, from the config's {@code servers} list
 * (shadowsocks-rust) or from its top-level {@code server}/{@code server_port}/... keys, and from an
 * online config; listeners from {@link LocalListenersConfig}, the balancer from {@link BalancerConfig}.
 * Every key in the file is honoured, refused with
 * an error naming it, or (for the keys of ssserver in a file both commands share) skipped with a
 * notice.
 */
public final class LocalConfigLoader {
    private static final String COMMAND = "sslocal";
    /** ssserver's keys, which a file shared by both commands may hold. */
    private static final List<String> SERVER_KEYS = List.of(
            "port_password", "forbidden_ip", "handshake_timeout", "users", "outbound_bind_addr",
            "max_handshakes", "max_handshakes_per_ip");

    private LocalConfigLoader() {}

    /**
     * The settings, for a config without an online config (or with servers of its own besides it).
     *
     * @param notices receives one line per key of the file left to ssserver
     */
    public static LocalSettings load(LocalOptions flags, Consumer<String> notices) throws ConfigException {
        Loaded loaded = loadAll(flags, notices);
        if (loaded.servers().isEmpty()) {
            throw new ConfigException("the only servers are those of the online config " + loaded.online().describe()
                    + ", which this command does not load");
        }
        return loaded.settings(List.of());
    }

    /**
     * The config as read, before any online config is fetched.
     *
     * @param servers the servers given by the flags or the file; empty only when there is an online config
     * @param online the online config ({@code online_config} or {@code --online-config-url}), or null
     * @param balancer how several servers are checked
     */
    public record Loaded(List<ServerEndpoint> servers, List<LocalListener> listeners, CommonSettings common,
            OnlineConfig online, BalancerSettings balancer) {
        /** The settings with these servers of the online config after the configured ones. */
        public LocalSettings settings(List<ServerEndpoint> fromOnline) {
            List<ServerEndpoint> all = new ArrayList<>(servers);
            all.addAll(fromOnline);
            return new LocalSettings(all, listeners, common, balancer);
        }
    }

    /** As {@link #load}, leaving the online config to the caller. */
    public static Loaded loadAll(LocalOptions flags, Consumer<String> notices) throws ConfigException {
        ConfigObject config = flags.common.config == null ? ConfigObject.empty() : ConfigObject.read(flags.common.config);
        return loadAll(config, flags, notices);
    }

    /**
     * {@code --test-config}: reads the file as {@link #loadAll} does, binding and fetching nothing, and
     * returns every problem found (empty when it would start).
     */
    public static Problems check(LocalOptions flags) throws ConfigException {
        Problems problems = new Problems();
        ConfigObject config = ConfigObject.read(flags.common.config).checking(problems);
        problems.run(() -> loadAll(config, flags, notice -> { }));
        return problems;
    }

    private static Loaded loadAll(ConfigObject config, LocalOptions flags, Consumer<String> notices)
            throws ConfigException {
        for (String key : SERVER_KEYS) {
            config.skip(key, "is an ssserver setting", notices);
        }
        CommonSettings common = CommonConfig.read(flags.common, config);
        OnlineConfig online = onlineConfig(flags, config);
        List<ServerEndpoint> servers = servers(flags, config, notices, online != null);
        List<LocalListener> listeners = LocalListenersConfig.read(flags, config);
        BalancerSettings balancer = BalancerConfig.read(config);
        config.requireAllRead(COMMAND);
        return new Loaded(servers, listeners, common, online, balancer);
    }

    /** {@code online_config} (shadowsocks-rust's key) and the {@code --online-config-*} flags; null if neither. */
    private static OnlineConfig onlineConfig(LocalOptions flags, ConfigObject config) throws ConfigException {
        ConfigObject section = config.has("online_config") ? config.object("online_config").get() : null;
        String url = section == null ? null : section.string("config_url")
                .orElseThrow(() -> section.missing("config_url", "the https:// or ssconf:// URL of the document"));
        Duration interval = OnlineConfig.DEFAULT_INTERVAL;
        Path caFile = null;
        if (section != null) {
            interval = section.integer("update_interval", 1, Integer.MAX_VALUE).map(Duration::ofSeconds)
                    .orElse(interval);
            caFile = section.string("ca_file").map(Path::of).orElse(null);
        }
        if (flags.onlineConfigUpdateInterval != null) {
            interval = Duration.ofSeconds(Values.positive(flags.onlineConfigUpdateInterval,
                    "--online-config-update-interval"));
        }
        if (flags.onlineConfigCaFile != null) {
            caFile = flags.onlineConfigCaFile;
        }
        Values.Origin origin = section == null ? Origin.flag("--online-config-url") : Origin.key(section, "config_url");
        if (flags.onlineConfigUrl != null) {
            url = flags.onlineConfigUrl;
            origin = Origin.flag("--online-config-url");
        } else if (url == null) {
            if (flags.onlineConfigUpdateInterval != null || flags.onlineConfigCaFile != null) {
                throw new ConfigException("flags --online-config-update-interval and --online-config-ca-file need"
                        + " --online-config-url (or the config key online_config)");
            }
            return null;
        }
        String where = section != null && flags.onlineConfigCaFile == null ? config.file() + ": key '"
                + section.qualified("ca_file") + "'" : "flag --online-config-ca-file";
        if (caFile != null && !Files.isReadable(caFile)) {
            throw new ConfigException(where + ": cannot read " + caFile);
        }
        return new OnlineConfig(Values.parse(url, origin, OnlineConfig::parseUrl), interval, caFile);
    }

    private static List<ServerEndpoint> servers(LocalOptions flags, ConfigObject config, Consumer<String> notices,
            boolean online) throws ConfigException {
        CipherKind method = config.string("method").isPresent() ? config.orReport(
                () -> Values.method(config.string("method").get(), Origin.key(config, "method")),
                ServerConfigLoader.DEFAULT_METHOD) : ServerConfigLoader.DEFAULT_METHOD;
        if (flags.common.method != null) {
            method = Values.method(flags.common.method, Origin.flag("-m"));
        }
        PluginSpec plugin = localPlugin(config, CommonConfig.plugin(flags.common, config)); // entries may name their own
        List<ServerEndpoint> fromFile = new ArrayList<>();
        if (config.has("servers")) {
            for (ConfigObject entry : config.objects("servers").orElse(List.of())) {
                ServerEndpoint server = serversEntry(entry, method, plugin, notices);
                if (server != null) {
                    fromFile.add(server);
                }
            }
            if (fromFile.isEmpty() && !config.isChecking()) {
                throw new ConfigException(config.file() + ": no enabled server in 'servers'");
            }
        }
        List<String> hosts = config.stringOrList("server").orElse(null);
        Integer port = config.port("server_port").orElse(null);
        String password = config.string("password").orElse(null);
        String remarks = config.string("remarks").orElse(null);
        byte[] prefix = prefix(config);
        if (config.has("servers") && (hosts != null || port != null || password != null || prefix != null)) {
            throw new ConfigException(config.file() + ": servers are given two ways; use 'servers', or"
                    + " 'server' with 'server_port' and 'password'");
        }

        if (flags.serverUrls != null) {
            List<ServerEndpoint> servers = new ArrayList<>();
            for (String url : flags.serverUrls) {
                ShadowsocksUrl parsed = Values.parse(url, Origin.flag("--server-url"), ShadowsocksUrl::parse);
                check(config, "flag --server-url", parsed.method(), parsed.password());
                checkPrefix("flag --server-url: parameter 'prefix'", parsed.method(), parsed.prefix());
                servers.add(new ServerEndpoint(parsed.host(), parsed.port(), parsed.method(), parsed.password(),
                        parsed.plugin(), parsed.pluginOptions(), parsed.tag()).withPrefix(parsed.prefix()));
            }
            return servers;
        }
        if (flags.server == null && flags.serverPort == null && flags.common.password == null && !fromFile.isEmpty()) {
            return fromFile;
        }
        String where = config.file() + ": key 'password'";
        if (flags.server != null) {
            hosts = List.of(flags.server);
        }
        if (flags.serverPort != null) {
            if (flags.serverPort < 1 || flags.serverPort > 65535) {
                throw new ConfigException("flag -p: port must be 1-65535, got " + flags.serverPort);
            }
            port = flags.serverPort;
        }
        if (flags.common.password != null) {
            password = flags.common.password;
            where = "flag -k";
        }
        if (online && hosts == null && port == null && password == null && fromFile.isEmpty()) {
            if (prefix != null) {
                throw config.invalid("prefix", "there is no server of this file to take it (the online config's"
                        + " documents give their own)");
            }
            return List.of(); // every server comes from the online config
        }
        if (config.isChecking() && config.has("servers") && hosts == null && port == null && password == null) {
            return fromFile;
        }
        if (port == null && config.reported("server_port")) {
            port = 0; // check mode: its bad value is reported, read on
        }
        if (hosts == null || hosts.isEmpty() || port == null || password == null) {
            throw new ConfigException("no server: give --server-url ss://..., or -s HOST -p PORT -k PASSWORD"
                    + " (or the config keys server, server_port, password), or an online config");
        }
        check(config, where, method, password);
        if (prefix != null) {
            checkPrefix(config.file() + ": key 'prefix'", method, prefix);
        }
        // several addresses of one server ("server": ["a", "b"]) are used in turn, as several servers
        List<ServerEndpoint> servers = new ArrayList<>();
        for (String host : hosts) {
            servers.add(new ServerEndpoint(host, port, method, password, plugin == null ? null : plugin.program(),
                    plugin == null ? null : plugin.options(), remarks).withPrefix(prefix));
        }
        return servers;
    }

    /** One entry of {@code servers}; {@code null} when it is disabled. */
    private static ServerEndpoint serversEntry(ConfigObject entry, CipherKind method, PluginSpec inherited,
            Consumer<String> notices) throws ConfigException {
        boolean disabled = entry.bool("disabled").orElse(false);
        String host = entry.require(entry.string("server"), "server", null, "");
        int port = entry.require(entry.port("server_port"), "server_port", null, 0);
        String password = entry.require(entry.string("password"), "password", null, "");
        CipherKind entryMethod = entry.string("method").isPresent() ? entry.orReport(
                () -> Values.method(entry.string("method").get(), Origin.key(entry, "method")), null) : method;
        String remarks = entry.string("remarks").orElse(null);
        double tcpWeight = entry.decimal("tcp_weight", 0, 1).orElse(1.0);
        double udpWeight = entry.decimal("udp_weight", 0, 1).orElse(1.0);
        PluginSpec plugin = localPlugin(entry, CommonConfig.plugin(entry, inherited));
        entry.skip("users", "is an ssserver setting (a user connects with 'iPSK:uPSK' as its password)", notices);
        for (String key : List.of("mode", "timeout")) {
            if (entry.has(key)) {
                entry.report(entry.refused(key, "sslocal takes it for all servers; set it at the top level",
                        "move it to the top level of the file"));
            }
        }
        byte[] prefix = prefix(entry);
        if (disabled || entryMethod == null || entry.string("password").isEmpty()) {
            return null; // a bad method (check mode) is reported already: its key cannot be checked
        }
        check(entry, entry.file() + ": key '" + entry.qualified("password") + "'", entryMethod, password);
        checkPrefix(entry.file() + ": key '" + entry.qualified("prefix") + "'", entryMethod, prefix);
        return new ServerEndpoint(host, port, entryMethod, password, plugin == null ? null : plugin.program(),
                plugin == null ? null : plugin.options(), remarks).withPrefix(prefix).withWeights(tcpWeight, udpWeight);
    }

    /** A server's plugin, as a client runs it: options, but no arguments (a server entry has no place for them). */
    private static PluginSpec localPlugin(ConfigObject config, PluginSpec plugin) throws ConfigException {
        if (plugin != null && !plugin.args().isEmpty()) {
            throw config.refused("plugin_args", "sslocal passes a plugin its options only; put them in 'plugin_opts'");
        }
        return plugin;
    }

    /** Outline's {@code prefix}: a string, one character (U+0000-U+00FF) per byte; null when absent. */
    private static byte[] prefix(ConfigObject config) throws ConfigException {
        Optional<String> text = config.string("prefix");
        if (text.isEmpty() || text.get().isEmpty()) {
            return null;
        }
        return Values.parse(text.get(), Origin.key(config, "prefix"), SaltPrefix::fromText);
    }

    private static void checkPrefix(String where, CipherKind method, byte[] prefix) throws ConfigException {
        try {
            SaltPrefix.check(method, prefix);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(where + ": " + e.getMessage());
        }
    }

    private static void check(ConfigObject config, String where, CipherKind method, String password)
            throws ConfigException {
        try {
            MethodKeys.checkClient(method, password);
        } catch (IllegalArgumentException e) {
            config.report(new ConfigException(where + ": " + e.getMessage(), Values.keyFix(method)));
        }
    }

}
