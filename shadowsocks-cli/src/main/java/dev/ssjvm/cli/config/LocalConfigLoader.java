package dev.ssjvm.cli.config;

import dev.ssjvm.cli.config.Values.Origin;
import dev.ssjvm.core.address.HostAndPort;
import dev.ssjvm.core.url.ShadowsocksUrl;
import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.crypto.MethodKeys;
import dev.ssjvm.service.acl.Acl;
import dev.ssjvm.service.config.CommonSettings;
import dev.ssjvm.service.config.LocalListener;
import dev.ssjvm.service.config.LocalSettings;
import dev.ssjvm.service.config.ServerEndpoint;
import dev.ssjvm.service.local.FrontEnds;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    /** ssserver's keys, which a file shared by both commands may hold. */
    private static final List<String> SERVER_KEYS = List.of(
            "port_password", "forbidden_ip", "handshake_timeout", "users", "outbound_bind_addr");

    private LocalConfigLoader() {}

    /** @param notices receives one line per key of the file left to ssserver */
    public static LocalSettings load(LocalOptions flags, Consumer<String> notices) throws ConfigException {
        ConfigObject config = flags.common.config == null ? ConfigObject.empty() : ConfigObject.read(flags.common.config);
        for (String key : SERVER_KEYS) {
            config.skip(key, "is an ssserver setting", notices);
        }
        CommonSettings common = CommonConfig.read(flags.common, config);
        List<ServerEndpoint> servers = servers(flags, config, notices);
        Map<String, String> users = socksUsers(flags, config);
        Acl acl = acl(flags, config);
        List<LocalListener> listeners = listeners(flags, config, users).stream()
                .map(l -> l.acl() == Acl.PROXY_ALL ? l.withAcl(acl) : l).toList();
        if (!users.isEmpty() && listeners.stream().noneMatch(l -> l.protocol().equals(LocalListener.SOCKS))) {
            throw new ConfigException((flags.socksUsers != null ? "flag --socks-user" : config.file()
                    + ": key 'socks5_users'") + ": there is no SOCKS listener to authenticate for");
        }
        config.requireAllRead(COMMAND);
        return new LocalSettings(servers, listeners, common);
    }

    private static List<ServerEndpoint> servers(LocalOptions flags, ConfigObject config, Consumer<String> notices)
            throws ConfigException {
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
        if (config.has("servers") && (hosts != null || port != null || password != null)) {
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
                servers.add(new ServerEndpoint(parsed.host(), parsed.port(), parsed.method(), parsed.password(), null,
                        null, parsed.tag()));
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
        if (hosts == null || hosts.isEmpty() || port == null || password == null) {
            throw new ConfigException("no server: give --server-url ss://..., or -s HOST -p PORT -k PASSWORD"
                    + " (or the config keys server, server_port, password)");
        }
        check(where, method, password);
        // several addresses of one server ("server": ["a", "b"]) are used in turn, as several servers
        List<ServerEndpoint> servers = new ArrayList<>();
        for (String host : hosts) {
            servers.add(new ServerEndpoint(host, port, method, password, null, null, remarks));
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
        CommonConfig.refusePlugin(entry);
        entry.skip("users", "is an ssserver setting (a user connects with 'iPSK:uPSK' as its password)", notices);
        for (String key : List.of("mode", "timeout")) {
            if (entry.has(key)) {
                throw entry.refused(key, "sslocal takes it for all servers; set it at the top level");
            }
        }
        if (disabled) {
            return null;
        }
        check(entry.file() + ": key '" + entry.qualified("password") + "'", entryMethod, password);
        return new ServerEndpoint(host, port, entryMethod, password, null, null, remarks);
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
                || flags.protocol != null;
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
        return List.of(new LocalListener(protocol, address, port, null, users));
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
        Map<String, String> localUsers = local.has("socks5_users") ? socksUsersIn(local) : users;
        if (protocol.equals(LocalListener.TUNNEL)) {
            localUsers = Map.of();
        } else if (target != null) {
            throw local.invalid("forward_address", "only a tunnel has a fixed target");
        }
        LocalListener listener = new LocalListener(protocol, address, port, target, localUsers);
        if (local.string("acl").isPresent()) { // the entry's own ACL wins over the top-level one
            listener = listener.withAcl(Values.acl(local.string("acl").get(), Origin.key(local, "acl"),
                    Path.of(local.file())));
        }
        return listener;
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
