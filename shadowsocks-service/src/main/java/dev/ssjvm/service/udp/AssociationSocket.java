package dev.ssjvm.service.udp;

import dev.ssjvm.service.transport.IdleTimeout;
import dev.ssjvm.service.transport.ServiceIo;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.timeout.IdleStateEvent;
import java.time.Duration;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The socket of one UDP association: the server's towards targets, or the client's towards its
 * server. Bound on the wildcard address (so it reaches IPv4 and IPv6 peers) on the given event loop,
 * it closes itself after the idle timeout without traffic either way. Packets sent while it is being
 * bound (a few milliseconds) wait in a short queue.
 */
public final class AssociationSocket {
    private static final Logger LOG = LoggerFactory.getLogger(AssociationSocket.class);
    /** Packets held while the socket is being bound. */
    static final int MAX_WAITING = 64;

    /** What arrives on the socket. The packet is released after {@link #received} returns. */
    public interface Receiver {
        void received(ChannelHandlerContext ctx, DatagramPacket packet);
    }

    private final Channel channel;
    private final BatchedWriter writer;
    private final ArrayDeque<DatagramPacket> waiting = new ArrayDeque<>();
    private boolean bound;
    private boolean closed;

    /** @param onClose run once, on the loop, when the socket has closed (idle, failed or closed) */
    public AssociationSocket(ServiceIo io, EventLoop loop, Duration idleTimeout, Receiver receiver, Runnable onClose) {
        ChannelFuture bind = io.udpBootstrap(loop).handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new IdleTimeout(idleTimeout)).addLast(new Inbound(receiver));
            }
        }).bind(0);
        this.channel = bind.channel();
        this.writer = new BatchedWriter(channel);
        channel.closeFuture().addListener(f -> {
            closed = true;
            releaseWaiting();
            onClose.run();
        });
        bind.addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                if (!closed) { // closed before the bind finished (evicted, shut down) is no failure
                    LOG.warn("udp: cannot open an association socket: {}", f.cause().getMessage());
                }
                close();
                return;
            }
            bound = true;
            DatagramPacket p;
            while ((p = waiting.poll()) != null) {
                channel.write(p, channel.voidPromise());
            }
            channel.flush();
        });
    }

    /**
     * Sends a packet, or queues it until the socket is bound. Takes ownership.
     *
     * @return false if it was dropped: the socket is closed, or the queue is full
     */
    public boolean send(DatagramPacket packet) {
        if (closed) {
            packet.release();
            return false;
        }
        if (bound) {
            writer.write(packet);
            return true;
        }
        if (waiting.size() < MAX_WAITING) {
            waiting.add(packet);
            return true;
        }
        packet.release();
        return false;
    }

    public Channel channel() {
        return channel;
    }

    public void close() {
        Datagrams.close(channel);
    }

    private void releaseWaiting() {
        DatagramPacket p;
        while ((p = waiting.poll()) != null) {
            p.release();
        }
    }

    private static final class Inbound extends SimpleChannelInboundHandler<DatagramPacket> {
        private final Receiver receiver;

        Inbound(Receiver receiver) {
            this.receiver = receiver;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            receiver.received(ctx, packet);
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
            // ICMP port unreachable and friends: the association lives on
            LOG.debug("udp: {}", cause.toString());
        }
    }
}
