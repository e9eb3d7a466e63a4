package dev.ssjvm.service.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything {@code sslocal} needs, already validated.
 *
 * @param servers the remote servers; new connections go to the best of them (see the balancer)
 * @param listeners the local front ends
 * @param balancer how several servers are checked and chosen among
 */
public record LocalSettings(List<ServerEndpoint> servers, List<LocalListener> listeners, CommonSettings common,
        BalancerSettings balancer) {

    public LocalSettings {
        Objects.requireNonNull(balancer, "balancer");
        servers = List.copyOf(servers);
        listeners = List.copyOf(listeners);
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("no server configured");
        }
        if (listeners.isEmpty()) {
            throw new IllegalArgumentException("no local listener configured");
        }
    }

    public LocalSettings(List<ServerEndpoint> servers, List<LocalListener> listeners, CommonSettings common) {
        this(servers, listeners, common, BalancerSettings.defaults());
    }

    public LocalSettings withBalancer(BalancerSettings value) {
        return new LocalSettings(servers, listeners, common, value);
    }

    /** Settings with the defaults of {@link CommonSettings#defaults()}. */
    public static LocalSettings of(List<ServerEndpoint> servers, List<LocalListener> listeners) {
        return new LocalSettings(servers, listeners, CommonSettings.defaults());
    }

    public LocalSettings withCommon(CommonSettings value) {
        return new LocalSettings(servers, listeners, value, balancer);
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
                .map(l -> l.protocol().equals(LocalListener.SOCKS) ? l.withUsers(users) : l).toList(), common,
                balancer);
    }
}
