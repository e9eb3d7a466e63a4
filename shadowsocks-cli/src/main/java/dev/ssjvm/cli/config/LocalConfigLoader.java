package dev.ssjvm.cli.config;

import dev.ssjvm.cli.config.Values.Origin;
import dev.ssjvm.cli.online.OnlineConfig;
import dev.ssjvm.core.address.HostAndPort;
import dev.ssjvm.core.protocol.SaltPrefix;
import dev.ssjvm.core.url.ShadowsocksUrl;
import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.crypto.MethodKeys;
import dev.ssjvm.service.acl.Acl;
import dev.ssjvm.service.config.BalancerSettings;
import dev.ssjvm.service.config.CommonSettings;
import dev.ssjvm.service.config.LocalListener;
import dev.ssjvm.service.config.LocalSettings;
import dev.ssjvm.service.config.ServerEndpoint;
import dev.ssjvm.service.local.FrontEnds;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Builds {@link LocalSettings} from an optional JSON config and the flags; flags win. Servers come
 * from {@code --server-url}, from {@code -s/-p/-k/-m}, from the config's {@code servers} list
 * (shadowsocks-rust) or from its top-level {@code server}/{@code server_port}/... keys. Listeners come
 * from {@code -L} (tunnel), the config's {@code locals} list (shadowsocks-rust), or
 * {@code local_address}/{@code local_port} (SOCKS5). Every key in the file is honoured, refused with
 * an error naming it, or (for the keys of ssserver in a file both commands share) skipped with a
 * notice.
 */
public final class LocalConfigLoader {
    private static final String COMMAND = "sslocal";
    /** The longest balancer interval or probe time, in seconds: a day. */
    private static final int MAX_INTERVAL = 86_400;
    /** ssserver's keys, which a file shared by both commands may hold. */
    private static final List<String> SERVER_KEYS = List.of(
            "port_password", "forbidden_ip", "handshake_timeout", "users", "outbound_bind_addr");

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
        for (String key : SERVER_KEYS) {
            config.skip(key, "is an ssserver setting", notices);
        }
        CommonSettings common = CommonConfig.read(flags.common, config);
        OnlineConfig online = onlineConfig(flags, config);
        List<ServerEndpoint> servers = servers(flags, config, notices, online != null);
        Map<String, String> users = socksUsers(flags, config);
        Acl acl = acl(flags, config);
        List<LocalListener> listeners = listeners(flags, config, users).stream()
                .map(l -> l.acl() == Acl.PROXY_ALL ? l.withAcl(acl) : l).toList();
        String usersFrom = flags.socksUsers != null ? "flag --socks-user" : config.file() + ": key 'socks5_users'";
        if (!users.isEmpty() && listeners.stream().noneMatch(l -> authenticates(l.protocol()))) {
            throw new ConfigException(usersFrom + ": there is no SOCKS or HTTP listener to authenticate for");
        }
        if (listeners.stream().anyMatch(l -> l.protocol().equals(LocalListener.HTTP) && l.users().equals(users))) {
            checkBasicNames(users, usersFrom);
        }
        BalancerSettings balancer = balancer(config);
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
        CipherKind method = config.string("method").isPresent()
                ? Values.method(config.string("method").get(), Origin.key(config, "method"))
                : ServerConfigLoader.DEFAULT_METHOD;
        if (flags.common.method != null) {
            method = Values.method(flags.common.method, Origin.flag("-m"));
        }
        List<ServerEndpoint> fromFile = new ArrayList<>();
        if (config.has("servers")) {
            for (ConfigObject entry : config.objects("servers").get()) {
                ServerEndpoint server = serversEntry(entry, method, notices);
                if (server != null) {
                    fromFile.add(server);
                }
            }
            if (fromFile.isEmpty()) {
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
                if (parsed.plugin() != null) {
                    throw new ConfigException("flag --server-url: SIP003 plugins are not supported yet");
                }
                check("flag --server-url", parsed.method(), parsed.password());
                checkPrefix("flag --server-url: parameter 'prefix'", parsed.method(), parsed.prefix());
                servers.add(new ServerEndpoint(parsed.host(), parsed.port(), parsed.method(), parsed.password(), null,
                        null, parsed.tag()).withPrefix(parsed.prefix()));
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
        if (hosts == null || hosts.isEmpty() || port == null || password == null) {
            throw new ConfigException("no server: give --server-url ss://..., or -s HOST -p PORT -k PASSWORD"
                    + " (or the config keys server, server_port, password), or an online config");
        }
        check(where, method, password);
        if (prefix != null) {
            checkPrefix(config.file() + ": key 'prefix'", method, prefix);
        }
        // several addresses of one server ("server": ["a", "b"]) are used in turn, as several servers
        List<ServerEndpoint> servers = new ArrayList<>();
        for (String host : hosts) {
            servers.add(new ServerEndpoint(host, port, method, password, null, null, remarks).withPrefix(prefix));
        }
        return servers;
    }

    /** One entry of {@code servers}; {@code null} when it is disabled. */
    private static ServerEndpoint serversEntry(ConfigObject entry, CipherKind method, Consumer<String> notices)
            throws ConfigException {
        boolean disabled = entry.bool("disabled").orElse(false);
        String host = entry.string("server").orElseThrow(() -> entry.missing("server", null));
        int port = entry.port("server_port").orElseThrow(() -> entry.missing("server_port", null));
        String password = entry.string("password").orElseThrow(() -> entry.missing("password", null));
        CipherKind entryMethod = entry.string("method").isPresent()
                ? Values.method(entry.string("method").get(), Origin.key(entry, "method")) : method;
        String remarks = entry.string("remarks").orElse(null);
        double tcpWeight = entry.decimal("tcp_weight", 0, 1).orElse(1.0);
        double udpWeight = entry.decimal("udp_weight", 0, 1).orElse(1.0);
        CommonConfig.refusePlugin(entry);
        entry.skip("users", "is an ssserver setting (a user connects with 'iPSK:uPSK' as its password)", notices);
        for (String key : List.of("mode", "timeout")) {
            if (entry.has(key)) {
                throw entry.refused(key, "sslocal takes it for all servers; set it at the top level");
            }
        }
        byte[] prefix = prefix(entry);
        if (disabled) {
            return null;
        }
        check(entry.file() + ": key '" + entry.qualified("password") + "'", entryMethod, password);
        checkPrefix(entry.file() + ": key '" + entry.qualified("prefix") + "'", entryMethod, prefix);
        return new ServerEndpoint(host, port, entryMethod, password, null, null, remarks).withPrefix(prefix)
                .withWeights(tcpWeight, udpWeight);
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

    /** The {@code balancer} object: how several servers are checked (shadowsocks-rust's keys, and the targets). */
    private static BalancerSettings balancer(ConfigObject config) throws ConfigException {
        BalancerSettings d = BalancerSettings.defaults();
        if (!config.has("balancer")) {
            return d;
        }
        ConfigObject b = config.object("balancer").get();
        int interval = b.integer("check_interval", 1, MAX_INTERVAL).orElse((int) d.checkInterval().toSeconds());
        Integer best = b.integer("check_best_interval", 1, MAX_INTERVAL).orElse(null);
        if (best != null && best > interval) {
            throw b.invalid("check_best_interval", "must be at most check_interval (" + interval + ")");
        }
        int rtt = b.integer("max_server_rtt", 1, MAX_INTERVAL).orElse((int) d.maxServerRtt().toSeconds());
        InetSocketAddress tcp = checkTarget(b, "tcp_check_target", d.tcpCheckTarget());
        InetSocketAddress udp = checkTarget(b, "udp_check_target", d.udpCheckTarget());
        return new BalancerSettings(Duration.ofSeconds(interval), best == null ? null : Duration.ofSeconds(best),
                Duration.ofSeconds(rtt), tcp, udp);
    }

    private static InetSocketAddress checkTarget(ConfigObject b, String key, InetSocketAddress otherwise)
            throws ConfigException {
        return b.string(key).isPresent() ? Values.parse(b.string(key).get(), Origin.key(b, key), HostAndPort::parse)
                : otherwise;
    }

    private static void check(String where, CipherKind method, String password) throws ConfigException {
        try {
            MethodKeys.checkClient(method, password);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(where + ": " + e.getMessage());
        }
    }

    private static List<LocalListener> listeners(LocalOptions flags, ConfigObject config, Map<String, String> users)
            throws ConfigException {
        String address = config.string("local_address").orElse("127.0.0.1");
        int port = config.port("local_port").orElse(1080);
        InetSocketAddress tunnelTarget = config.string("tunnel_address").isPresent()
                ? Values.parse(config.string("tunnel_address").get(), Origin.key(config, "tunnel_address"),
                        HostAndPort::parse)
                : null;
        List<LocalListener> fromFile = new ArrayList<>();
        if (config.has("locals")) {
            for (ConfigObject local : config.objects("locals").get()) {
                fromFile.add(localsEntry(local, users));
            }
            if (config.has("local_address") || config.has("local_port") || config.has("tunnel_address")) {
                throw new ConfigException(config.file() + ": listeners are given two ways; use 'locals', or"
                        + " 'local_address' with 'local_port'");
            }
        }
        if (flags.localAddress != null) {
            address = flags.localAddress;
        }
        if (flags.localPort != null) {
            if (flags.localPort < 1 || flags.localPort > 65535) {
                throw new ConfigException("flag -l: port must be 1-65535, got " + flags.localPort);
            }
            port = flags.localPort;
        }
        if (flags.tunnelTarget != null) {
            tunnelTarget = Values.parse(flags.tunnelTarget, Origin.flag("-L"), HostAndPort::parse);
        }
        boolean listenerFlags = flags.localAddress != null || flags.localPort != null || flags.tunnelTarget != null
                || flags.protocol != null || flags.localDns != null || flags.remoteDns != null;
        if (!fromFile.isEmpty() && !listenerFlags) {
            return fromFile;
        }
        String protocol = tunnelTarget != null ? LocalListener.TUNNEL : LocalListener.SOCKS;
        if (flags.protocol != null) {
            protocol = Values.parse(flags.protocol, Origin.flag("--protocol"), FrontEnds::named).protocol();
            if (protocol.equals(LocalListener.TUNNEL) && tunnelTarget == null) {
                throw new ConfigException("flag --protocol: a tunnel needs a target; give -L HOST:PORT");
            }
            if (!protocol.equals(LocalListener.TUNNEL) && tunnelTarget != null) {
                throw new ConfigException((flags.tunnelTarget != null ? "flag -L" : config.file()
                        + ": key 'tunnel_address'") + ": only a tunnel has a fixed target, not --protocol " + protocol);
            }
        }
        if (protocol.equals(LocalListener.TUNNEL)) {
            return List.of(LocalListener.tunnel(address, port, tunnelTarget));
        }
        if (flags.localDns != null || flags.remoteDns != null || protocol.equals(LocalListener.DNS)) {
            return List.of(dnsFromFlags(flags, protocol, address, port));
        }
        return List.of(new LocalListener(protocol, address, port, null, authenticates(protocol) ? users : Map.of()));
    }

    /** Whether listeners of {@code protocol} take users (SOCKS, HTTP); the name is already checked. */
    private static boolean authenticates(String protocol) {
        return FrontEnds.named(protocol).authenticates();
    }

    /** Basic authentication splits {@code user:password} at the first colon, so a name cannot hold one. */
    private static void checkBasicNames(Map<String, String> users, String where) throws ConfigException {
        for (String name : users.keySet()) {
            if (name.indexOf(':') >= 0) {
                throw new ConfigException(where + ": user '" + name + "': an HTTP proxy user's name cannot"
                        + " contain ':' (Basic authentication)");
            }
        }
    }

    /** The flag-given listener with {@code --protocol dns}: both resolvers from their flags. */
    private static LocalListener dnsFromFlags(LocalOptions flags, String protocol, String address, int port)
            throws ConfigException {
        if (!protocol.equals(LocalListener.DNS)) {
            throw new ConfigException("flag " + (flags.localDns != null ? "--local-dns-addr" : "--remote-dns-addr")
                    + ": only a DNS listener (--protocol dns) has resolvers, not --protocol " + protocol);
        }
        if (flags.localDns == null || flags.remoteDns == null) {
            throw new ConfigException("flag --protocol: a DNS listener needs --local-dns-addr IP[:PORT] and"
                    + " --remote-dns-addr HOST[:PORT]");
        }
        InetSocketAddress localDns = Values.parse(flags.localDns, Origin.flag("--local-dns-addr"),
                LocalConfigLoader::resolverAddress);
        if (localDns.isUnresolved()) {
            throw new ConfigException("flag --local-dns-addr: expected an IP address, got '" + flags.localDns + "'");
        }
        InetSocketAddress remoteDns = Values.parse(flags.remoteDns, Origin.flag("--remote-dns-addr"),
                LocalConfigLoader::resolverAddress);
        return new LocalListener(LocalListener.DNS, address, port, null, Map.of()).withDns(localDns, remoteDns);
    }

    /** {@code HOST:PORT}, {@code [IPv6]:PORT}, or a host or IPv6 address alone for port 53. */
    private static InetSocketAddress resolverAddress(String text) {
        String s = text.trim();
        boolean hasPort = s.startsWith("[") ? s.contains("]:")
                : s.indexOf(':') >= 0 && s.indexOf(':') == s.lastIndexOf(':'); // more colons: IPv6 alone
        return hasPort ? HostAndPort.parse(s) : HostAndPort.of(s, 53);
    }

    /** A DNS listener's resolver from rust's keys: {@code <prefix>_address} and {@code <prefix>_port} (53). */
    private static InetSocketAddress resolverIn(ConfigObject local, String prefix, boolean ipOnly)
            throws ConfigException {
        String key = prefix + "_address";
        int port = local.port(prefix + "_port").orElse(53);
        if (!local.has(key)) {
            if (local.has(prefix + "_port")) {
                throw local.missing(key, "'" + prefix + "_port' is given without it");
            }
            return null;
        }
        InetSocketAddress address = Values.parse(local.string(key).get(), Origin.key(local, key),
                host -> HostAndPort.of(host, port));
        if (ipOnly && address.isUnresolved()) {
            throw local.invalid(key, "expected an IP address, got '" + address.getHostString() + "'");
        }
        return address;
    }

    /** The ACL of {@code --acl} or the top-level key {@code acl}, for every listener without its own. */
    private static Acl acl(LocalOptions flags, ConfigObject config) throws ConfigException {
        Acl acl = config.string("acl").isPresent()
                ? Values.acl(config.string("acl").get(), Origin.key(config, "acl"), Path.of(config.file()))
                : Acl.PROXY_ALL;
        if (flags.acl != null) {
            acl = Values.acl(flags.acl, Origin.flag("--acl"), null);
        }
        return acl;
    }

    private static LocalListener localsEntry(ConfigObject local, Map<String, String> users) throws ConfigException {
        String protocol = local.string("protocol").orElse(LocalListener.SOCKS);
        Values.parse(protocol, Origin.key(local, "protocol"), FrontEnds::named);
        if (protocol.equals(LocalListener.REDIR)) {
            redirModes(local);
        }
        String address = local.string("local_address").orElse("127.0.0.1");
        int port = local.port("local_port").orElseThrow(() -> local.missing("local_port", null));
        InetSocketAddress target = null;
        if (local.has("forward_address") || local.has("forward_port") || protocol.equals(LocalListener.TUNNEL)) {
            String host = local.string("forward_address")
                    .orElseThrow(() -> local.missing("forward_address", "a tunnel needs a target"));
            int forwardPort = local.port("forward_port")
                    .orElseThrow(() -> local.missing("forward_port", "a tunnel needs a target"));
            target = HostAndPort.of(host, forwardPort);
        }
        InetSocketAddress localDns = resolverIn(local, "local_dns", true);
        InetSocketAddress remoteDns = resolverIn(local, "remote_dns", false);
        if (protocol.equals(LocalListener.DNS)) {
            if (localDns == null || remoteDns == null) {
                throw local.missing(localDns == null ? "local_dns_address" : "remote_dns_address",
                        "a DNS listener needs local_dns_address and remote_dns_address");
            }
            if (local.has("socks5_users")) {
                throw local.refused("socks5_users", "a DNS listener has no authentication");
            }
            if (target != null) {
                throw local.invalid("forward_address", "only a tunnel has a fixed target");
            }
            return new LocalListener(protocol, address, port, null, Map.of()).withDns(localDns, remoteDns);
        }
        if (localDns != null || remoteDns != null) {
            throw local.invalid(localDns != null ? "local_dns_address" : "remote_dns_address",
                    "only a DNS listener (\"protocol\": \"dns\") has resolvers");
        }
        Map<String, String> localUsers = local.has("socks5_users") ? socksUsersIn(local) : users;
        if (!authenticates(protocol)) {
            if (local.has("socks5_users")) {
                throw local.invalid("socks5_users", "a " + protocol + " listener has no authentication; users are"
                        + " for SOCKS and HTTP listeners");
            }
            localUsers = Map.of();
        }
        if (protocol.equals(LocalListener.HTTP) && local.has("socks5_users")) {
            checkBasicNames(localUsers, local.file() + ": key '" + local.qualified("socks5_users") + "'");
        }
        if (!protocol.equals(LocalListener.TUNNEL) && target != null) {
            throw local.invalid("forward_address", "only a tunnel has a fixed target");
        }
        LocalListener listener = new LocalListener(protocol, address, port, target, localUsers);
        if (local.string("acl").isPresent()) { // the entry's own ACL wins over the top-level one
            listener = listener.withAcl(Values.acl(local.string("acl").get(), Origin.key(local, "acl"),
                    Path.of(local.file())));
        }
        return listener;
    }

    /**
     * shadowsocks-rust's {@code tcp_redir} and {@code udp_redir}. One redir port takes TCP from TPROXY and
     * REDIRECT alike (each connection says which), so either TCP value is honoured; UDP has TPROXY only.
     */
    private static void redirModes(ConfigObject local) throws ConfigException {
        String tcp = local.string("tcp_redir").orElse("redirect");
        if (!tcp.equals("redirect") && !tcp.equals("tproxy")) {
            throw local.invalid("tcp_redir", "expected redirect or tproxy (Linux), got '" + tcp + "'");
        }
        String udp = local.string("udp_redir").orElse("tproxy");
        if (!udp.equals("tproxy")) {
            throw local.invalid("udp_redir", "UDP keeps its destination with tproxy only, got '" + udp + "'");
        }
    }

    private static Map<String, String> socksUsers(LocalOptions flags, ConfigObject config) throws ConfigException {
        Map<String, String> users = config.has("socks5_users") ? socksUsersIn(config) : Map.of();
        if (flags.socksUsers != null) {
            users = new LinkedHashMap<>();
            for (String pair : flags.socksUsers) {
                int colon = pair.indexOf(':');
                if (colon <= 0 || colon == pair.length() - 1) {
                    throw new ConfigException("flag --socks-user: expected USER:PASSWORD");
                }
                users.put(pair.substring(0, colon), pair.substring(colon + 1));
            }
        }
        for (Map.Entry<String, String> e : users.entrySet()) {
            if (e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 255
                    || e.getValue().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 255) {
                throw new ConfigException("SOCKS5 user '" + e.getKey() + "': RFC 1929 allows at most 255 bytes");
            }
        }
        return users;
    }

    private static Map<String, String> socksUsersIn(ConfigObject config) throws ConfigException {
        ConfigObject map = config.object("socks5_users").get();
        Map<String, String> users = new LinkedHashMap<>();
        for (var it = map.fields(); it.hasNext(); ) {
            var e = it.next();
            if (!e.getValue().isTextual()) {
                throw map.error(e.getKey(), "a password string");
            }
            users.put(e.getKey(), e.getValue().textValue());
        }
        return users;
    }
}
