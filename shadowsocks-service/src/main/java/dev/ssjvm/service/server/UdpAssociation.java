package dev.ssjvm.service.server;

import dev.ssjvm.core.address.HostAndPort;
import dev.ssjvm.core.udp.ClientPacket;
import dev.ssjvm.core.udp.DatagramProtocol;
import dev.ssjvm.service.relay.TrafficCounters;
import dev.ssjvm.service.transport.IdleTimeout;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's UDP association on the server: an outbound socket of its own (bound on the wildcard
 * address, so it reaches IPv4 and IPv6 targets) through which the client's packets go out and every
 * reply comes back, sealed for the client. It closes itself after {@code udp_timeout} without traffic.
 */
final class UdpAssociation {
    private static final Logger LOG = LoggerFactory.getLogger(UdpAssociation.class);
    /** Packets held while the outbound socket is being bound (a few milliseconds at most). */
    private static final int MAX_WAITING = 64;

    private final UdpRelay relay;
    private final Object key;
    private final DatagramProtocol.ServerSession session;
    private final Channel outbound;
    private final ArrayDeque<DatagramPacket> waiting = new ArrayDeque<>();
    private final TrafficCounters.Counter traffic;
    private InetSocketAddress client;
    private boolean bound;
    private boolean closed;

    UdpAssociation(UdpRelay relay, Object key, InetSocketAddress client, DatagramProtocol.ServerSession session,
            TrafficCounters.Counter traffic) {
        this.relay = relay;
        this.traffic = traffic;
        this.key = key;
        this.client = client;
        this.session = session;
        ChannelFuture bind = relay.io().udpBootstrap(relay.listener().eventLoop())
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline()
                                .addLast(new IdleTimeout(relay.idleTimeout()))
                                .addLast(new Replies());
                    }
                })
                .bind(0);
        this.outbound = bind.channel();
        relay.io().track(outbound);
        outbound.closeFuture().addListener(f -> {
            closed = true;
            relay.forget(this);
            releaseWaiting();
        });
        bind.addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                LOG.warn("udp: cannot open an outbound socket: {}", f.cause().getMessage());
                close();
                return;
            }
            bound = true;
            DatagramPacket p;
            while ((p = waiting.poll()) != null) {
                outbound.write(p, outbound.voidPromise());
            }
            outbound.flush();
        });
    }

    Object key() {
        return key;
    }

    DatagramProtocol.ServerSession session() {
        return session;
    }

    void clientAddress(InetSocketAddress address) {
        client = address;
    }

    /** Resolves the packet's target if needed, checks it, and sends the payload. Takes ownership. */
    void send(ClientPacket packet) {
        InetSocketAddress target = packet.target();
        if (!target.isUnresolved()) {
            sendResolved(target, packet.payload());
            return;
        }
        relay.io().resolver().resolve(outbound.eventLoop(), target).addListener((Future<InetSocketAddress> f) -> {
            if (f.isSuccess()) {
                sendResolved(f.getNow(), packet.payload());
            } else {
                LOG.debug("udp: cannot resolve {}: {}", target.getHostString(), f.cause().getMessage());
                relay.countDrop();
                packet.release();
            }
        });
    }

    private void sendResolved(InetSocketAddress target, ByteBuf payload) {
        if (closed || relay.isForbidden(target)) {
            relay.countDrop();
            payload.release();
            return;
        }
        traffic.addUp(payload.readableBytes());
        DatagramPacket datagram = new DatagramPacket(payload, target);
        if (bound) {
            outbound.writeAndFlush(datagram, outbound.voidPromise());
        } else if (waiting.size() < MAX_WAITING) {
            waiting.add(datagram);
        } else {
            relay.countDrop();
            datagram.release();
        }
    }

    void close() {
        outbound.close();
    }

    private void releaseWaiting() {
        DatagramPacket p;
        while ((p = waiting.poll()) != null) {
            p.release();
        }
    }

    /** Replies from targets: sealed with the source address and sent to the client. */
    private final class Replies extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket reply) {
            traffic.addDown(reply.content().readableBytes());
            ByteBuf sealed = session.sealReply(ctx.alloc(), HostAndPort.unmapped(reply.sender()), reply.content());
            relay.reply(new DatagramPacket(sealed, client));
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent) {
                LOG.debug("udp: association of {} idle, closing", HostAndPort.format(client));
                ctx.close();
            } else {
                ctx.fireUserEventTriggered(evt);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // ICMP port unreachable and friends: the association lives on
            LOG.debug("udp: {}", cause.toString());
        }
    }
}
