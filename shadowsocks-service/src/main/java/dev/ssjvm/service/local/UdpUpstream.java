package dev.ssjvm.service.local;

import dev.ssjvm.core.address.HostAndPort;
import dev.ssjvm.core.udp.DatagramProtocol;
import dev.ssjvm.core.udp.ServerPacket;
import dev.ssjvm.service.transport.IdleTimeout;
import dev.ssjvm.service.transport.ServiceIo;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One local UDP association's way to the Shadowsocks server: its own socket, its own protocol session
 * (for SIP022, its own session id). Packets are sealed for the server; packets from the server are
 * opened and handed to {@code onReply}, which owns the payload. Anything else arriving on the socket is
 * dropped. Closes itself after the idle timeout and then runs {@code onClose}.
 */
final class UdpUpstream {
    private static final Logger LOG = LoggerFactory.getLogger(UdpUpstream.class);
    private static final int MAX_WAITING = 64;

    private final Channel channel;
    private final ArrayDeque<Object[]> waiting = new ArrayDeque<>();
    private DatagramProtocol.ClientSession session;
    private InetSocketAddress server;
    private boolean bound;
    private boolean closed;

    UdpUpstream(ServiceIo io, ServerConnector connector, EventLoop loop, Duration idleTimeout,
            Consumer<ServerPacket> onReply, Runnable onClose) {
        ChannelFuture bind = io.udpBootstrap(loop).handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline()
                        .addLast(new IdleTimeout(idleTimeout))
                        .addLast(new FromServer(onReply));
            }
        }).bind(0);
        this.channel = bind.channel();
        io.track(channel);
        channel.closeFuture().addListener(f -> {
            closed = true;
            releaseWaiting();
            onClose.run();
        });
        bind.addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                LOG.warn("udp: cannot open a socket towards the server: {}", f.cause().getMessage());
                close();
                return;
            }
            bound = true;
            flushWaiting();
        });
        connector.udpRemote(loop).addListener((Future<ServerConnector.UdpRemote> f) -> {
            if (!f.isSuccess()) {
                LOG.warn("udp: cannot resolve the server: {}", f.cause().getMessage());
                close();
                return;
            }
            server = f.getNow().address();
            session = f.getNow().protocol().newClientSession();
            flushWaiting();
        });
    }

    /** Seals {@code payload} for {@code target} and sends it to the server. Takes ownership of the payload. */
    void send(InetSocketAddress target, ByteBuf payload) {
        if (closed) {
            payload.release();
        } else if (bound && session != null) {
            sendNow(target, payload);
        } else if (waiting.size() < MAX_WAITING) {
            waiting.add(new Object[] {target, payload});
        } else {
            payload.release();
        }
    }

    private void sendNow(InetSocketAddress target, ByteBuf payload) {
        try {
            ByteBuf sealed = session.seal(channel.alloc(), target, payload);
            channel.writeAndFlush(new DatagramPacket(sealed, server), channel.voidPromise());
        } finally {
            payload.release();
        }
    }

    private void flushWaiting() {
        if (!bound || session == null) {
            return;
        }
        Object[] item;
        while ((item = waiting.poll()) != null) {
            sendNow((InetSocketAddress) item[0], (ByteBuf) item[1]);
        }
    }

    private void releaseWaiting() {
        Object[] item;
        while ((item = waiting.poll()) != null) {
            ((ByteBuf) item[1]).release();
        }
    }

    void close() {
        channel.close();
    }

    private final class FromServer extends SimpleChannelInboundHandler<DatagramPacket> {
        private final Consumer<ServerPacket> onReply;

        FromServer(Consumer<ServerPacket> onReply) {
            this.onReply = onReply;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            if (session == null || !HostAndPort.unmapped(packet.sender()).equals(server)) {
                return; // not from our server: ignore
            }
            ServerPacket opened = session.open(ctx.alloc(), packet.content());
            if (opened == null) {
                LOG.debug("udp: dropped a packet from the server that does not authenticate");
                return;
            }
            onReply.accept(opened);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent) {
                ctx.close();
            } else {
                ctx.fireUserEventTriggered(evt);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("udp: {}", cause.toString());
        }
    }
}
