package dev.ssjvm.service.testing;

import dev.ssjvm.service.acl.Acl;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * TEST ONLY, not the ACL file format: an {@link Acl} that bypasses the names ending in one of the given
 * domain suffixes (and, with {@link #bypassingAddresses}, the given addresses) and proxies everything
 * else. Stands in for the real ACL parser ({@code service.acl}) in front-end tests until both have landed.
 */
public final class BypassSuffixesAcl implements Acl {
    private final List<String> suffixes;
    private final Set<InetAddress> addresses;

    public BypassSuffixesAcl(String... suffixes) {
        this(List.of(suffixes), Set.of());
    }

    private BypassSuffixesAcl(List<String> suffixes, Set<InetAddress> addresses) {
        this.suffixes = suffixes;
        this.addresses = addresses;
    }

    /** The same names, and these IP literals bypassed too. */
    public BypassSuffixesAcl bypassingAddresses(String... ips) {
        Set<InetAddress> set = new HashSet<>();
        for (String ip : ips) {
            set.add(new InetSocketAddress(ip, 0).getAddress()); // IP literals: no lookup
        }
        return new BypassSuffixesAcl(suffixes, Set.copyOf(set));
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
        return addresses.contains(address) ? Route.BYPASS : Route.PROXY;
    }

    @Override
    public Route defaultRoute() {
        return Route.PROXY;
    }

    @Override
    public String toString() {
        return "bypass " + suffixes + " " + addresses;
    }
}
