package dev.ssjvm.service.dns;

import dev.ssjvm.service.transport.Transport;
import io.netty.channel.EventLoop;
import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.ResolvedAddressTypes;
import io.netty.resolver.dns.DefaultDnsCache;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.DnsServerAddressStreamProviders;
import io.netty.resolver.dns.SequentialDnsServerAddressStreamProvider;
import io.netty.util.concurrent.Future;
import java.io.Closeable;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Asynchronous DNS for a whole service, the counterpart of the original's asyncdns.py: one Netty
 * resolver per event loop (so a lookup completes on the loop of the connection that asked), one
 * cache shared by all of them, {@code /etc/hosts} first, then the configured or system name servers.
 */
public final class DnsResolver implements Closeable {
    private final DnsAddressResolverGroup group;

    /**
     * @param nameServers servers to ask instead of the system's ({@code /etc/resolv.conf}); empty for
     *     the system's
     * @param ipv6First prefer AAAA answers over A answers
     */
    public DnsResolver(Transport transport, List<InetSocketAddress> nameServers, boolean ipv6First) {
        DnsNameResolverBuilder builder = new DnsNameResolverBuilder()
                .datagramChannelType(transport.datagramChannel())
                .socketChannelType(transport.socketChannel())
                .resolveCache(new DefaultDnsCache())
                .resolvedAddressTypes(ipv6First ? ResolvedAddressTypes.IPV6_PREFERRED : ResolvedAddressTypes.IPV4_PREFERRED)
                .queryTimeoutMillis(5000)
                .nameServerProvider(nameServers.isEmpty()
                        ? DnsServerAddressStreamProviders.platformDefault()
                        : new SequentialDnsServerAddressStreamProvider(nameServers.toArray(new InetSocketAddress[0])));
        this.group = new DnsAddressResolverGroup(builder);
    }

    /** Resolves an unresolved address on {@code loop}; a resolved one completes at once. */
    public Future<InetSocketAddress> resolve(EventLoop loop, InetSocketAddress address) {
        AddressResolver<InetSocketAddress> resolver = group.getResolver(loop);
        return resolver.resolve(address);
    }

    /** For {@code Bootstrap.resolver(...)}, so outgoing connections to host names never block. */
    public AddressResolverGroup<InetSocketAddress> asGroup() {
        return group;
    }

    @Override
    public void close() {
        group.close();
    }
}
