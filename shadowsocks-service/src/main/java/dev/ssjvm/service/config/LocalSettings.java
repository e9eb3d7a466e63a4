package dev.ssjvm.service.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Everything {@code sslocal} needs, already validated.
 *
 * @param servers the remote servers; connections go to them in turn
 * @param listeners the local front ends
 */
public record LocalSettings(List<ServerEndpoint> servers, List<LocalListener> listeners, CommonSettings common) {

    public LocalSettings {
        servers = List.copyOf(servers);
        listeners = List.copyOf(listeners);
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("no server configured");
        }
        if (listeners.isEmpty()) {
            throw new IllegalArgumentException("no local listener configured");
        }
    }

    /** Settings with the defaults of {@link CommonSettings#defaults()}. */
    public static LocalSettings of(List<ServerEndpoint> servers, List<LocalListener> listeners) {
        return new LocalSettings(servers, listeners, CommonSettings.defaults());
    }

    public LocalSettings withCommon(CommonSettings value) {
        return new LocalSettings(servers, listeners, value);
    }

    public LocalSettings withMode(Mode value) {
        return withCommon(common.withMode(value));
    }

    public LocalSettings withUdpTimeout(Duration value) {
        return withCommon(common.withUdpTimeout(value));
    }

    /** Puts the same authentication on every SOCKS listener. */
    public LocalSettings withSocksUsers(Map<String, String> users) {
        return new LocalSettings(servers, listeners.stream()
                .map(l -> l.protocol().equals(LocalListener.SOCKS) ? l.withUsers(users) : l).toList(), common);
    }
}
