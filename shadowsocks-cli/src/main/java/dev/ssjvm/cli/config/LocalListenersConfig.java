package dev.ssjvm.cli.config;

import dev.ssjvm.cli.config.Values.Origin;
import dev.ssjvm.core.address.HostAndPort;
import dev.ssjvm.service.acl.Acl;
import dev.ssjvm.service.config.LocalListener;
import dev.ssjvm.service.local.FrontEnds;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The listeners of {@code sslocal}: from {@code -L} (tunnel) or {@code --protocol}, the config's
 * {@code locals} list (shadowsocks-rust), or {@code local_address}/{@code local_port}; with their users
 * ({@code socks5_users}, {@code --socks-user}), ACL ({@code acl}, {@code --acl}) and the keys of their
 * protocol (DNS resolvers, redir modes). The flags win.
 */
final class LocalListenersConfig {
    private LocalListenersConfig() {}

    static List<LocalListener> read(LocalOptions flags, ConfigObject config) throws ConfigException {
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
        return listeners;
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
            for (ConfigObject local : config.objects("locals").orElse(List.of())) {
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
                LocalListenersConfig::resolverAddress);
        if (localDns.isUnresolved()) {
            throw new ConfigException("flag --local-dns-addr: expected an IP address, got '" + flags.localDns + "'");
        }
        InetSocketAddress remoteDns = Values.parse(flags.remoteDns, Origin.flag("--remote-dns-addr"),
                LocalListenersConfig::resolverAddress);
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
        ConfigObject map = config.object("socks5_users").orElse(ConfigObject.empty());
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
