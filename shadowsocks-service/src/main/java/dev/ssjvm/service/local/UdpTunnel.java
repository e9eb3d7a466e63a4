package dev.ssjvm.service.local;

import dev.ssjvm.service.transport.ServiceIo;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * UDP in tunnel mode ({@code -u -L host:port}, as {@code ss-tunnel -u}): every local client (by source
 * address) gets an association with the server; its datagrams go to the fixed target, and replies come
 * back to it bare, without an address. A local DNS forwarder is the classic use.
 */
final class UdpTunnel extends SimpleChannelInboundHandler<DatagramPacket> {
    private static final Logger LOG = LoggerFactory.getLogger(UdpTunnel.class);

    private final ServiceIo io;
    private final ServerConnector connector;
    private final InetSocketAddress target;
    private final Duration idleTimeout;
    private final int maxAssociations;
    private final Map<InetSocketAddress, UdpUpstream> associations = new LinkedHashMap<>(16, 0.75f, true);

    UdpTunnel(ServiceIo io, ServerConnector connector, InetSocketAddress target, Duration idleTimeout, int maxAssociations) {
        this.io = io;
        this.connector = connector;
        this.target = target;
        this.idleTimeout = idleTimeout;
        this.maxAssociations = maxAssociations;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        InetSocketAddress client = packet.sender();
        UdpUpstream upstream = associations.get(client);
        if (upstream == null) {
            if (associations.size() >= maxAssociations) {
                Iterator<UdpUpstream> eldest = associations.values().iterator();
                UdpUpstream evicted = eldest.next();
                eldest.remove();
                evicted.close();
            }
            UdpUpstream[] created = new UdpUpstream[1];
            created[0] = new UdpUpstream(io, connector, ctx.channel().eventLoop(), idleTimeout,
                    reply -> {
                        reply.payload().touch("udp tunnel reply");
                        ctx.writeAndFlush(new DatagramPacket(reply.payload(), client), ctx.voidPromise());
                    },
                    () -> associations.remove(client, created[0]));
            upstream = created[0];
            associations.put(client, upstream);
            LOG.debug("udp tunnel: new association for {}", client);
        }
        upstream.send(target, packet.content().retain());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        for (UdpUpstream upstream : associations.values().toArray(new UdpUpstream[0])) {
            upstream.close();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("udp tunnel: {}", cause.toString());
    }
}
