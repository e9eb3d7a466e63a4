package dev.ssjvm.service.testing;

import dev.ssjvm.service.acl.Acl;
import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * TEST ONLY, not the ACL file format: an {@link Acl} that bypasses the names ending in one of the given
 * domain suffixes and proxies everything else (addresses included). Stands in for the real ACL parser
 * ({@code service.acl}) in front-end tests until both have landed.
 */
public final class BypassSuffixesAcl implements Acl {
    private final List<String> suffixes;

    public BypassSuffixesAcl(String... suffixes) {
        this.suffixes = List.of(suffixes);
    }

    @Override
    public Optional<Route> matchName(String host) {
        String name = host.toLowerCase(Locale.ROOT);
        for (String suffix : suffixes) {
            if (name.equals(suffix) || name.endsWith("." + suffix)) {
                return Optional.of(Route.BYPASS);
            }
        }
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
        return "bypass " + suffixes;
    }
}
