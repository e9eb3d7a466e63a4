package dev.ssjvm.service.config;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything {@code sslocal} needs, already validated.
 *
 * @param servers the remote servers; connections go to them in turn
 * @param listeners the local front ends (SOCKS5, tunnels)
 * @param socksUsers username to password for RFC 1929 authentication; empty for no authentication
 * @param udpTimeout idle time after which a UDP association is dropped
 * @param udpMaxAssociations UDP associations kept per tunnel; the least recently used goes first
 */
public record LocalSettings(
        List<ServerEndpoint> servers,
        List<LocalListener> listeners,
        Mode mode,
        Duration timeout,
        Map<String, String> socksUsers,
        List<InetSocketAddress> nameServers,
        boolean ipv6First,
        boolean noDelay,
        String cryptoBackend,
        String transport,
        int workerThreads,
        Duration udpTimeout,
        int udpMaxAssociations) {

    public LocalSettings {
        servers = List.copyOf(servers);
        listeners = List.copyOf(listeners);
        socksUsers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(socksUsers));
        nameServers = List.copyOf(nameServers);
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("no server configured");
        }
        if (listeners.isEmpty()) {
            throw new IllegalArgumentException("no local listener configured");
        }
    }

    /** Settings with the defaults: TCP only, 300 s timeout, no SOCKS authentication. */
    public static LocalSettings of(List<ServerEndpoint> servers, List<LocalListener> listeners) {
        return new LocalSettings(servers, listeners, Mode.TCP_ONLY, ServerSettings.DEFAULT_TIMEOUT, Map.of(), List.of(),
                false, true, null, "auto", 0, ServerSettings.DEFAULT_TIMEOUT, ServerSettings.DEFAULT_UDP_MAX_ASSOCIATIONS);
    }

    public LocalSettings withSocksUsers(Map<String, String> users) {
        return new LocalSettings(servers, listeners, mode, timeout, users, nameServers, ipv6First, noDelay,
                cryptoBackend, transport, workerThreads, udpTimeout, udpMaxAssociations);
    }

    public LocalSettings withMode(Mode value) {
        return new LocalSettings(servers, listeners, value, timeout, socksUsers, nameServers, ipv6First, noDelay,
                cryptoBackend, transport, workerThreads, udpTimeout, udpMaxAssociations);
    }

    public LocalSettings withUdpTimeout(Duration value) {
        return new LocalSettings(servers, listeners, mode, timeout, socksUsers, nameServers, ipv6First, noDelay,
                cryptoBackend, transport, workerThreads, value, udpMaxAssociations);
    }
}
