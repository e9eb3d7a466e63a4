package dev.ssjvm.service.acl;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * Which targets of a local listener go through the Shadowsocks server and which are connected
 * directly from {@code sslocal} (bypassed). Names are matched by their own rules; an address by the
 * address rules; what no rule matches takes the default route.
 */
public interface Acl {

    /** Where a connection to a target goes. */
    enum Route { PROXY, BYPASS }

    /** Every target through the server: a listener without an ACL. */
    Acl PROXY_ALL = new Acl() {
        @Override
        public Optional<Route> matchName(String host) {
            return Optional.empty();
        }

        @Override
        public Route routeAddress(InetAddress address) {
            return Route.PROXY;
        }

        @Override
        public Route defaultRoute() {
            return Route.PROXY;
        }

        @Override
        public String toString() {
            return "proxy all";
        }
    };

    /** The route a name rule gives {@code host}, or empty when no name rule matches it. */
    Optional<Route> matchName(String host);

    /** The route for a target given as (or resolved to) an address: its rules, else the default. */
    Route routeAddress(InetAddress address);

    /** The route of what no rule matches ({@code [proxy_all]} or {@code [bypass_all]}). */
    Route defaultRoute();

    /**
     * Whether a name that no name rule matches should be resolved and routed by its address, because
     * an address rule could give it another route than the default. When false such a name takes
     * the default without a lookup.
     */
    default boolean routesNamesByAddress() {
        return false;
    }

    /**
     * The route for {@code target} as far as it can be told without a lookup: an address by the
     * address rules, a name by the name rules or else {@code null} (the caller may resolve the name
     * and ask {@link #routeAddress}).
     */
    default Route routeWithoutLookup(InetSocketAddress target) {
        if (target.isUnresolved()) {
            return matchName(target.getHostString()).orElse(null);
        }
        return routeAddress(target.getAddress());
    }
}
