package dev.ssjvm.service.relay;

import dev.ssjvm.core.protocol.ProtocolViolation;
import dev.ssjvm.service.metrics.TrafficMeter;
import dev.ssjvm.service.transport.Transport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies everything read on its channel to the peer channel: one instance on each side of a relayed
 * connection.
 *
 * <ul>
 *   <li>Back-pressure: when the peer cannot take more, this channel stops reading until the peer
 *       drains ({@code autoRead} follows the peer's writability).
 *   <li>Pace: a {@link Throttle} (a bandwidth limit) pauses reading here for as long as it says,
 *       after forwarding what was read; nothing is dropped.
 *   <li>Half-close: end of input here becomes a shutdown of the peer's output once everything before
 *       it is flushed; a channel whose both directions are finished is closed.
 *   <li>Close: when this channel goes away the peer is flushed and closed.
 *   <li>A {@link ProtocolViolation} on this channel drops the peer at once and leaves this channel to
 *       drain until its idle timeout, so a prober learns nothing from the moment of the close.
 * </ul>
 *
 * <p>Buffers read here are handed to the peer's write, which releases them; if the peer is gone
 * they are released here.
 */
public final class RelayHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(RelayHandler.class);

    private final Channel peer;
    private final TrafficMeter meter;
    private final boolean fromClient;
    private final Throttle throttle;
    /** The handler on the peer channel (same event loop), set by {@link Relay#start}. */
    RelayHandler partner;
    /** Reading here is paused by the throttle until its timer runs. */
    private boolean throttled;
    private boolean draining;

    /**
     * @param meter told the size of every buffer read here
     * @param fromClient whether this side is the client's (its reads are "up"), or the target's
     * @param throttle paces the reads here
     */
    RelayHandler(Channel peer, TrafficMeter meter, boolean fromClient, Throttle throttle) {
        this.peer = peer;
        this.meter = meter;
        this.fromClient = fromClient;
        this.throttle = throttle;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!peer.isActive()) {
            ReferenceCountUtil.release(msg);
            return;
        }
        int bytes = msg instanceof ByteBuf buf ? buf.readableBytes() : 0;
        if (fromClient) {
            meter.up(bytes);
        } else {
            meter.down(bytes);
        }
        peer.write(msg, peer.voidPromise());
        if (!peer.isWritable()) {
            peer.flush();
            if (!peer.isWritable()) {
                ctx.channel().config().setAutoRead(false);
            }
        }
        if (throttle != Throttle.NONE) {
            // every read is paid for, also those of a read loop that goes on after reading was paused
            long pause = throttle.pauseNanos(bytes);
            if (pause > 0 && !throttled) {
                throttled = true;
                ctx.channel().config().setAutoRead(false);
                ctx.executor().schedule(() -> resume(ctx), pause, TimeUnit.NANOSECONDS);
            }
        }
    }

    /** The throttle's pause is over: read again, unless more was read meanwhile or the peer is still full. */
    private void resume(ChannelHandlerContext ctx) {
        long more = throttle.pauseNanos(0);
        if (more > 0 && ctx.channel().isActive()) {
            ctx.executor().schedule(() -> resume(ctx), more, TimeUnit.NANOSECONDS);
            return;
        }
        throttled = false;
        if (ctx.channel().isActive() && peer.isWritable()) {
            resumeReading(ctx.channel());
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        peer.flush();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // the peer may read again, unless its throttle holds it back (its timer resumes it then)
        if (ctx.channel().isWritable() && peer.isActive() && (partner == null || !partner.throttled)) {
            resumeReading(peer);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            // Nothing more can be read here. Without this, Netty's read-complete re-arms EPOLLIN on
            // the shut input and clears it again on the next wake-up: two epoll_ctl calls and a
            // wake-up per connection (strace, Connection: close load).
            ctx.channel().config().setAutoRead(false);
            if (draining) {
                ctx.close(); // nothing more can arrive, so there is nothing left to drain
                return;
            }
            shutdownOutputWhenFlushed(peer);
            if (ctx.channel() instanceof DuplexChannel duplex && duplex.isOutputShutdown()) {
                ctx.close();
            }
        } else if (evt instanceof ProtocolViolation violation) {
            draining = true;
            LOG.debug("{} sent bad data mid-stream ({}); dropping {}", ctx.channel().remoteAddress(),
                    violation.reason(), peer.remoteAddress());
            RelayHandler peerRelay = peer.pipeline().get(RelayHandler.class);
            if (peerRelay != null) {
                peer.pipeline().remove(peerRelay);
            }
            peer.close();
        } else if (evt instanceof IdleStateEvent) {
            LOG.debug("{} idle, closing", ctx.channel().remoteAddress());
            ctx.close();
            peer.close();
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!draining) {
            closeWhenFlushed(peer);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("{}: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
        closeWhenFlushed(peer);
    }

    /**
     * Flushes what is queued, then sends FIN; closes the channel if its input has ended too.
     *
     * <p>When the input has already ended, a close (which sends the FIN) does it all. Otherwise, once
     * the output is shut, half-closure is turned off so that the peer's FIN closes the channel: Netty
     * would otherwise shut the input of a socket the kernel has already closed, and build an exception
     * for the error, on every connection.
     */
    static void shutdownOutputWhenFlushed(Channel channel) {
        if (!channel.isActive()) {
            return;
        }
        channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) flushed -> {
            if (!flushed.isSuccess() || !(channel instanceof DuplexChannel duplex) || duplex.isInputShutdown()) {
                channel.close();
                return;
            }
            channel.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, false);
            Transport.shutdownOutput(duplex).addListener((ChannelFutureListener) shut -> {
                if (!shut.isSuccess() || duplex.isInputShutdown()) {
                    channel.close();
                }
            });
        });
    }

    /** Reading on again, unless the input has ended (there is nothing left to read then). */
    private static void resumeReading(Channel channel) {
        if (!(channel instanceof DuplexChannel duplex && duplex.isInputShutdown())) {
            channel.config().setAutoRead(true);
        }
    }

    static void closeWhenFlushed(Channel channel) {
        if (channel.isActive()) {
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else {
            channel.close();
        }
    }
}
