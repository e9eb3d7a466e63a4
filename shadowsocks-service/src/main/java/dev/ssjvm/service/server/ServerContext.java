package dev.ssjvm.service.server;

import dev.ssjvm.core.protocol.ProtocolContext;
import dev.ssjvm.service.config.ServerSettings;
import dev.ssjvm.service.metrics.ServerMetrics;
import dev.ssjvm.service.outbound.OutboundPolicy;
import dev.ssjvm.service.transport.ServiceIo;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.resolver.NoopAddressResolverGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * What every port of one server shares: the settings, the event loops and resolver, the crypto and
 * replay state, the outbound policy, and where metrics go. The settings change on reload; what is
 * read from them per connection (handshake and UDP timeouts) follows at once.
 */
final class ServerContext {
    private final ServiceIo io;
    private final ProtocolContext protocols;
    private final OutboundPolicy outbound;
    private final ServerMetrics metrics;
    private volatile ServerSettings settings;
    private volatile InetSocketAddress outboundBind;
    private final HandshakeSlots handshakes = new HandshakeSlots();
    private final CapWarnings capWarnings = new CapWarnings();

    ServerContext(ServerSettings settings, ServiceIo io, ProtocolContext protocols, OutboundPolicy outbound,
            ServerMetrics metrics) {
        this.io = io;
        this.protocols = protocols;
        this.outbound = outbound;
        this.metrics = metrics;
        settings(settings);
    }

    ServerSettings settings() {
        return settings;
    }

    /** Takes reloaded settings (see {@link ShadowsocksServer#apply} for what follows them). */
    void settings(ServerSettings value) {
        settings = value;
        outboundBind = value.outboundBindAddress() == null ? null : new InetSocketAddress(value.outboundBindAddress(), 0);
    }

    /** The connections of every port still in the handshake, counted against the limits. */
    HandshakeSlots handshakes() {
        return handshakes;
    }

    /** The rate-limited warnings of the handshake caps refusing connections. */
    CapWarnings capWarnings() {
        return capWarnings;
    }

    ServiceIo io() {
        return io;
    }

    ProtocolContext protocols() {
        return protocols;
    }

    OutboundPolicy outbound() {
        return outbound;
    }

    ServerMetrics metrics() {
        return metrics;
    }

    /**
     * A bootstrap for a connection to a target, on the loop of the client connection.
     *
     * @param targetReads read sizes for the target, in whole chunks of the client's protocol
     * @param timeout the port's idle timeout; connecting may take as long, up to 30 s
     * @param target the address it will connect to (its family picks the socket's)
     */
    Bootstrap connectToTarget(EventLoop loop, RecvByteBufAllocator targetReads, Duration timeout, InetAddress target) {
        InetSocketAddress bind = outboundBind;
        Bootstrap b = new Bootstrap()
                .group(loop)
                .channelFactory(io.transport().socketChannelTo(target, bind == null ? null : bind.getAddress()))
                .resolver(NoopAddressResolverGroup.INSTANCE)
                .option(ChannelOption.RCVBUF_ALLOCATOR, targetReads)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(timeout.toMillis(), 30_000))
                .handler(new ChannelInboundHandlerAdapter());
        if (!settings.common().noDelay()) { // on by default; setting it again costs a system call per connection
            b.option(ChannelOption.TCP_NODELAY, false);
        }
        if (bind != null) {
            b.localAddress(bind);
        }
        return b;
    }
}
