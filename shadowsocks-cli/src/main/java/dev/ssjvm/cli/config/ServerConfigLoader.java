package dev.ssjvm.cli.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ssjvm.admin.AdminSettings;
import dev.ssjvm.admin.PortTemplate;
import dev.ssjvm.cli.config.Values.Origin;
import dev.ssjvm.core.address.HostAndPort;
import dev.ssjvm.core.protocol.UserKey;
import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.crypto.MethodKeys;
import dev.ssjvm.service.acl.AclFile;
import dev.ssjvm.service.acl.IpRangeSet;
import dev.ssjvm.service.config.CommonSettings;
import dev.ssjvm.service.config.Mode;
import dev.ssjvm.service.config.PluginSpec;
import dev.ssjvm.service.config.PortSettings;
import dev.ssjvm.service.config.ServerSettings;
import dev.ssjvm.service.limits.Limits;
import dev.ssjvm.service.limits.PortLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Builds {@link ServerSettings} from an optional JSON config and the flags; flags win. Ports come from
 * exactly one of: {@code -p}/{@code -k} (or {@code server_port}/{@code password}), {@code servers}
 * (shadowsocks-rust, each entry may set its own method, mode, timeout and users), or
 * {@code port_password} (the original and libev). Every key in the file is honoured, refused with an
 * error naming it, or (for the keys of sslocal in a file both commands share) skipped with a notice.
 */
public final class ServerConfigLoader {
    static final CipherKind DEFAULT_METHOD = CipherKind.CHACHA20_IETF_POLY1305;
    private static final String COMMAND = "ssserver";
    /** sslocal's keys, which a file shared by both commands may hold. */
    private static final List<String> LOCAL_KEYS = List.of(
            "local_address", "local_port", "locals", "socks5_users", "tunnel_address");

    private ServerConfigLoader() {}

    /**
     * A server's settings, how it is operated, and what ports added at run time get (the listen
     * addresses and method of {@code -s} and {@code -m}, or the config's {@code server} and {@code method}).
     */
    public record ServerConfig(ServerSettings server, AdminSettings admin, PortTemplate template) {}

    /** The settings of ssserver (a manager address is where it reports); see {@link #load(ServerOptions, Consumer, AdminSettings.ManagerRole, boolean)}. */
    public static ServerConfig load(ServerOptions flags, Consumer<String> notices) throws ConfigException {
        return load(flags, notices, AdminSettings.ManagerRole.REPORTER, true);
    }

    /**
     * @param notices receives one line per key of the file left to sslocal
     * @param managerRole what a manager address is for in this command
     * @param portsRequired whether the configuration must name at least one port (ssmanager may start empty)
     */
    public static ServerConfig load(ServerOptions flags, Consumer<String> notices, AdminSettings.ManagerRole managerRole,
            boolean portsRequired) throws ConfigException {
        ConfigObject config = flags.common.config == null ? ConfigObject.empty() : ConfigObject.read(flags.common.config);
        return load(config, flags, notices, managerRole, portsRequired);
    }

    /**
     * {@code --test-config}: reads the file as {@link #load} does, binding nothing, and returns every
     * problem found (empty when it would start).
     */
    public static Problems check(ServerOptions flags, AdminSettings.ManagerRole managerRole, boolean portsRequired)
            throws ConfigException {
        Problems problems = new Problems();
        ConfigObject config = ConfigObject.read(flags.common.config).checking(problems);
        problems.run(() -> load(config, flags, notice -> { }, managerRole, portsRequired));
        return problems;
    }

    private static ServerConfig load(ConfigObject config, ServerOptions flags, Consumer<String> notices,
            AdminSettings.ManagerRole managerRole, boolean portsRequired) throws ConfigException {
        for (String key : LOCAL_KEYS) {
            config.skip(key, "is an sslocal setting", notices);
        }
        CommonSettings common = CommonConfig.read(flags.common, config);

        List<String> hosts = config.stringOrList("server").orElse(List.of("0.0.0.0"));
        if (flags.hosts != null) {
            hosts = flags.hosts;
        }
        CipherKind method = config.string("method").isPresent() ? config.orReport(
                () -> Values.method(config.string("method").get(), Origin.key(config, "method")), DEFAULT_METHOD)
                : DEFAULT_METHOD;
        if (flags.common.method != null) {
            method = Values.method(flags.common.method, Origin.flag("-m"));
        }

        String remarks = config.string("remarks").orElse(null);
        PluginSpec plugin = CommonConfig.plugin(flags.common, config); // a servers entry may name its own
        List<PortSettings> ports = ports(flags, config, hosts, method, portsRequired).stream()
                .map(p -> p.remarks() == null ? p.withRemarks(remarks) : p)
                .map(p -> p.plugin() == null ? p.withPlugin(plugin) : p).toList();
        Set<Integer> numbers = new HashSet<>();
        for (PortSettings port : ports) {
            if (port.port() != 0 && !numbers.add(port.port())) {
                config.report(new ConfigException(config.file() + ": port " + port.port() + " is configured twice",
                        "give each port once"));
            }
        }

        ServerSettings.Builder b = ServerSettings.builder().ports(ports).common(common);
        int handshake = config.integer("handshake_timeout", 1, 3600)
                .orElse((int) ServerSettings.DEFAULT_HANDSHAKE_TIMEOUT.toSeconds());
        if (flags.handshakeTimeout != null) {
            handshake = Values.positive(flags.handshakeTimeout, "--handshake-timeout");
        }
        b.handshakeTimeout(Duration.ofSeconds(handshake));
        int maxHandshakes = config.integer("max_handshakes", 1, 1_000_000)
                .orElse(ServerSettings.DEFAULT_MAX_HANDSHAKES);
        if (flags.maxHandshakes != null) {
            maxHandshakes = Values.positive(flags.maxHandshakes, "--max-handshakes");
        }
        int maxHandshakesPerIp = config.integer("max_handshakes_per_ip", 1, 1_000_000)
                .orElse(ServerSettings.DEFAULT_MAX_HANDSHAKES_PER_IP);
        if (flags.maxHandshakesPerIp != null) {
            maxHandshakesPerIp = Values.positive(flags.maxHandshakesPerIp, "--max-handshakes-per-ip");
        }
        b.maxHandshakes(maxHandshakes, maxHandshakesPerIp);
        IpRangeSet defaultForbidden = IpRangeSet.parse(IpRangeSet.DEFAULT_FORBIDDEN);
        IpRangeSet forbidden = config.has("forbidden_ip") ? config.orReport(() -> Values.ipRanges(
                String.join(",", config.stringOrList("forbidden_ip").orElse(List.of())),
                Origin.key(config, "forbidden_ip")), defaultForbidden) : defaultForbidden;
        if (flags.forbiddenIp != null) {
            forbidden = Values.ipRanges(flags.forbiddenIp, Origin.flag("--forbidden-ip"));
        }
        b.forbidden(forbidden);
        String bind = config.string("outbound_bind_addr").orElse(null);
        if (flags.outboundBind != null) {
            bind = flags.outboundBind;
        }
        b.outboundBindAddress(bind);
        b.acl(config.orReport(() -> acl(flags, config, notices), null));
        AdminSettings admin = AdminConfig.read(flags, config, managerRole);
        refuseLibevOnlyFlags(flags);
        config.requireAllRead(COMMAND);
        return new ServerConfig(b.build(), admin, new PortTemplate(hosts, method, plugin));
    }

    private static List<PortSettings> ports(ServerOptions flags, ConfigObject config, List<String> hosts,
            CipherKind method, boolean required) throws ConfigException {
        boolean fromFlags = flags.port != null || flags.common.password != null;
        int sources = (config.has("servers") ? 1 : 0) + (config.has("port_password") ? 1 : 0)
                + (config.has("server_port") || config.has("password") || config.has("users") || fromFlags ? 1 : 0);
        if (sources > 1) {
            throw new ConfigException(config.file() + ": ports are given more than one way; use one of 'servers', "
                    + "'port_password', or 'server_port' with 'password' (or -p with -k)",
                    "keep one of these ways and remove the keys of the others");
        }
        List<PortSettings> ports = new ArrayList<>();
        if (config.has("servers")) {
            for (ConfigObject entry : config.objects("servers").orElse(List.of())) {
                PortSettings port = serversEntry(entry, hosts, method);
                if (port != null) {
                    ports.add(port);
                }
            }
            if (ports.isEmpty() && required && !config.isChecking()) {
                throw new ConfigException(config.file() + ": no enabled server in 'servers'");
            }
        } else if (config.has("port_password")) {
            ConfigObject map = config.object("port_password").orElse(ConfigObject.empty());
            for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                int port = Values.parse(e.getKey(), Origin.key(config, "port_password"),
                        k -> HostAndPort.parsePort(k, "port_password key " + k));
                String password;
                CipherKind portMethod = method;
                String where = "port_password." + e.getKey();
                if (e.getValue().isTextual()) {
                    password = e.getValue().textValue();
                } else if (e.getValue().isObject()) {
                    ConfigObject entry = map.childObject(e.getKey());
                    password = entry.string("password").orElseThrow(() -> entry.missing("password", null));
                    if (entry.string("method").isPresent()) {
                        portMethod = Values.method(entry.string("method").get(), Origin.key(entry, "method"));
                    }
                    where = entry.qualified("password");
                } else {
                    throw map.error(e.getKey(), "a password string or an object with password and method");
                }
                checkKeys(config, config.file() + ": key '" + where + "'", portMethod, password, List.of());
                ports.add(new PortSettings(hosts, port, portMethod, password, List.of(), null, null, null, PortLimits.NONE));
            }
            if (ports.isEmpty() && required) {
                throw new ConfigException(config.file() + ": 'port_password' is empty");
            }
        } else {
            Integer port = config.port("server_port").orElse(null);
            String password = config.string("password").orElse(null);
            String where = config.file() + ": key 'password'";
            if (flags.port != null) {
                if (flags.port < 1 || flags.port > 65535) {
                    throw new ConfigException("flag -p: port must be 1-65535, got " + flags.port);
                }
                port = flags.port;
            }
            if (flags.common.password != null) {
                password = flags.common.password;
                where = "flag -k";
            }
            if (port == null && password == null && !required) {
                return ports; // ssmanager without initial ports: they come by manager commands
            }
            if (port == null && config.reported("server_port")) {
                port = 0; // check mode: its bad value is reported, read on
            }
            if (port == null) {
                config.report(new ConfigException("no port to listen on: give -p PORT or the config key server_port"
                        + (flags.common.config == null ? "" : " in " + config.file()), "add 'server_port'"));
                return ports;
            }
            if (password == null) {
                config.report(new ConfigException("no password: give -k PASSWORD or the config key password"
                        + (flags.common.config == null ? "" : " in " + config.file()), "add 'password'"));
                return ports;
            }
            Users users = users(config);
            checkKeys(config, where, method, password, users.keys());
            ports.add(new PortSettings(hosts, port, method, password, users.keys(), null, null, null, users.limits()));
        }
        return ports;
    }

    /**
     * Flags of libev's ss-server that ss-manager passes on when it has them itself, and that we cannot
     * honour: each is refused with what to do instead, rather than accepted and ignored.
     */
    private static void refuseLibevOnlyFlags(ServerOptions flags) throws ConfigException {
        if (flags.nofile != null) {
            throw new ConfigException("flag -n: raising the open-file limit is not supported; raise it before starting"
                    + " (ulimit -n, or LimitNOFILE= under systemd)");
        }
        if (flags.runAs != null) {
            throw new ConfigException("flag -a: switching to another user is not supported; start the service as that"
                    + " user (systemd: User=)");
        }
        if (flags.iface != null) {
            throw new ConfigException("flag -i: binding to a network interface is not supported; give that interface's"
                    + " address to -s (listening) or -b (outbound connections)");
        }
        if (flags.mtu != null) {
            throw new ConfigException("flag --mtu: capping UDP packet sizes is not supported; datagrams are relayed"
                    + " whole, up to 64 KiB");
        }
    }

    /**
     * The ACL file of {@code --acl} or the key {@code acl}: its {@code [outbound_block_list]} is the
     * server's. Its other lists are sslocal's (a file both share); libev's and rust's servers would
     * take them as lists of client addresses to refuse, we leave them to sslocal and say so.
     */
    private static AclFile acl(ServerOptions flags, ConfigObject config, Consumer<String> notices)
            throws ConfigException {
        AclFile acl = config.string("acl").isPresent()
                ? Values.acl(config.string("acl").get(), Origin.key(config, "acl"), Path.of(config.file())) : null;
        if (flags.acl != null) {
            acl = Values.acl(flags.acl, Origin.flag("--acl"), null);
        }
        if (acl != null && !(acl.bypassList().isEmpty() && acl.proxyList().isEmpty())) {
            notices.accept(acl.file() + ": [bypass_list] and [proxy_list] are sslocal's; ssserver uses only"
                    + " [outbound_block_list]");
        }
        return acl;
    }

    /** One entry of {@code servers}; {@code null} when it is disabled. */
    private static PortSettings serversEntry(ConfigObject entry, List<String> hosts, CipherKind method)
            throws ConfigException {
        boolean disabled = entry.bool("disabled").orElse(false);
        List<String> entryHosts = entry.stringOrList("server").orElse(hosts);
        int port = entry.require(entry.port("server_port"), "server_port", null, 0);
        String password = entry.require(entry.string("password"), "password", null, "");
        CipherKind entryMethod = entry.string("method").isPresent() ? entry.orReport(
                () -> Values.method(entry.string("method").get(), Origin.key(entry, "method")), null) : method;
        Mode mode = entry.string("mode").isPresent() ? entry.orReport(
                () -> Values.mode(entry.string("mode").get(), Origin.key(entry, "mode")), null) : null;
        Duration timeout = entry.integer("timeout", 1, CommonConfig.MAX_TIMEOUT).map(Duration::ofSeconds).orElse(null);
        String remarks = entry.string("remarks").orElse(null);
        PluginSpec plugin = CommonConfig.plugin(entry, null);
        Users users = users(entry);
        if (disabled || entryMethod == null || entry.string("password").isEmpty()) {
            return null; // a bad method (check mode) is reported already: its key cannot be checked
        }
        checkKeys(entry, entry.file() + ": key '" + entry.qualified("password") + "'", entryMethod, password,
                users.keys());
        return new PortSettings(entryHosts, port, entryMethod, password, users.keys(), mode, timeout, remarks,
                users.limits(), plugin);
    }

    /** The users of a port and the limits of the port and of each user. */
    record Users(List<UserKey> keys, PortLimits limits) {}

    /**
     * SIP023 users of a multi-user port, {@code "users": [{"name": ..., "password": <uPSK>, "limits": {...}}]},
     * and the port's own {@code limits}.
     */
    static Users users(ConfigObject config) throws ConfigException {
        List<UserKey> users = new ArrayList<>();
        Map<String, Limits> userLimits = new HashMap<>();
        if (config.has("users")) {
            List<ConfigObject> entries = config.objects("users").orElse(List.of());
            if (entries.isEmpty() && !config.reported("users")) {
                config.report(config.invalid("users", "is empty; remove it for a single-key port, or list the users",
                        "remove 'users', or list the users"));
            }
            for (ConfigObject user : entries) {
                String name = user.require(user.string("name"), "name", null, "");
                String password = user.require(user.string("password"), "password",
                        "each user needs its own key (uPSK)", "");
                if (user.string("name").isPresent() && user.string("password").isPresent()) {
                    users.add(new UserKey(name, password)); // check mode: not one whose problem is reported
                }
                Limits limits = LimitsConfig.read(user);
                if (!limits.isNone()) {
                    userLimits.put(name, limits);
                }
            }
        }
        return new Users(users, new PortLimits(LimitsConfig.read(config), userLimits));
    }

    /** The one check that keys fit the method: reported against where the password came from. */
    private static void checkKeys(ConfigObject config, String where, CipherKind method, String password,
            List<UserKey> users) throws ConfigException {
        try {
            MethodKeys.checkServer(method, password, UserKey.byName(users));
        } catch (IllegalArgumentException e) {
            config.report(new ConfigException(where + ": " + e.getMessage(), Values.keyFix(method)));
        }
    }
}
