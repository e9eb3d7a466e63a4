package dev.ssjvm.service.acl;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Optional;

/**
 * An ACL file in the shadowsocks-libev / shadowsocks-rust format (read by {@link AclParser}), as a
 * local listener's {@link Acl} and as the server's outbound block list.
 *
 * <p>Local side, as shadowsocks-rust's sslocal decides: a name is routed by the name rules, where
 * {@code [proxy_list]} wins over {@code [bypass_list]}; an address by the address rules, where
 * {@code [bypass_list]} wins; what no rule matches takes the default ({@code [proxy_all]}, the
 * default, or {@code [bypass_all]}). A name no name rule matches is resolved and routed by its address
 * only when the list that departs from the default has address rules
 * ({@link #routesNamesByAddress()}), e.g. {@code [proxy_all]} with a {@code [bypass_list]} of CIDRs.
 *
 * <p>Server side, only {@code [outbound_block_list]} is used ({@link #outboundBlockList()}).
 */
public final class AclFile implements Acl {
    private final Path file;
    private final Route defaultRoute;
    private final RuleList bypass;
    private final RuleList proxy;
    private final RuleList outboundBlock;

    AclFile(Path file, Route defaultRoute, RuleList bypass, RuleList proxy, RuleList outboundBlock) {
        this.file = file;
        this.defaultRoute = defaultRoute;
        this.bypass = bypass;
        this.proxy = proxy;
        this.outboundBlock = outboundBlock;
    }

    /**
     * Reads and checks an ACL file.
     *
     * @throws AclException naming the file and line of a rule or section that cannot be used
     * @throws IOException if the file cannot be read
     */
    public static AclFile load(Path file) throws IOException {
        return AclParser.parse(file);
    }

    @Override
    public Optional<Route> matchName(String host) {
        String name = DomainRules.normalize(host);
        if (proxy.names().matchesNormalized(name)) {
            return Optional.of(Route.PROXY);
        }
        if (bypass.names().matchesNormalized(name)) {
            return Optional.of(Route.BYPASS);
        }
        return Optional.empty();
    }

    @Override
    public Route routeAddress(InetAddress address) {
        if (bypass.matchesAddress(address)) {
            return Route.BYPASS;
        }
        if (proxy.matchesAddress(address)) {
            return Route.PROXY;
        }
        return defaultRoute;
    }

    @Override
    public Route defaultRoute() {
        return defaultRoute;
    }

    @Override
    public boolean routesNamesByAddress() {
        return !(defaultRoute == Route.PROXY ? bypass : proxy).addresses().isEmpty();
    }

    /** {@code [bypass_list]} (or {@code [black_list]}). */
    public RuleList bypassList() {
        return bypass;
    }

    /** {@code [proxy_list]} (or {@code [white_list]}). */
    public RuleList proxyList() {
        return proxy;
    }

    /** {@code [outbound_block_list]}: the targets a server refuses. */
    public RuleList outboundBlockList() {
        return outboundBlock;
    }

    public Path file() {
        return file;
    }

    @Override
    public String toString() {
        return "ACL " + file + " (default " + defaultRoute.name().toLowerCase(java.util.Locale.ROOT)
                + "; bypass: " + bypass + "; proxy: " + proxy + ")";
    }
}
