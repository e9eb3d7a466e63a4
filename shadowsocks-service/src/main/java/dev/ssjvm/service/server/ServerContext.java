package dev.ssjvm.service.server;

import dev.ssjvm.service.acl.IpRangeSet;
import dev.ssjvm.service.config.ServerSettings;
import dev.ssjvm.service.dns.DnsResolver;
import dev.ssjvm.service.relay.TrafficCounters;
import dev.ssjvm.service.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.resolver.NoopAddressResolverGroup;
import java.net.InetSocketAddress;

/** What every connection of one server shares: settings, DNS, the block list, outbound options. */
final class ServerContext {

    private final ServerSettings settings;
    private final DnsResolver resolver;
    private final Transport transport;
    private final InetSocketAddress outboundBind;
    private final TrafficCounters traffic;

    ServerContext(ServerSettings settings, DnsResolver resolver, Transport transport, TrafficCounters traffic) {
        this.settings = settings;
        this.resolver = resolver;
        this.transport = transport;
        this.traffic = traffic;
        this.outboundBind = settings.outboundBindAddress() == null
                ? null : new InetSocketAddress(settings.outboundBindAddress(), 0);
    }

    ServerSettings settings() {
        return settings;
    }

    DnsResolver resolver() {
        return resolver;
    }

    TrafficCounters traffic() {
        return traffic;
    }

    IpRangeSet forbidden() {
        return settings.forbidden();
    }

    /**
     * A bootstrap for a connection to a target, on the loop of the client connection.
     *
     * @param targetReads read sizes for the target, in whole chunks of the client's protocol
     */
    Bootstrap outbound(EventLoop loop, RecvByteBufAllocator targetReads) {
        Bootstrap b = new Bootstrap()
                .group(loop)
                .channel(transport.socketChannel())
                .resolver(NoopAddressResolverGroup.INSTANCE)
                .option(ChannelOption.RCVBUF_ALLOCATOR, targetReads)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                        (int) Math.min(settings.timeout().toMillis(), 30_000))
                .handler(new ChannelInboundHandlerAdapter());
        if (!settings.noDelay()) { // on by default; setting it again costs a system call per connection
            b.option(ChannelOption.TCP_NODELAY, false);
        }
        if (outboundBind != null) {
            b.localAddress(outboundBind);
        }
        return b;
    }
}
