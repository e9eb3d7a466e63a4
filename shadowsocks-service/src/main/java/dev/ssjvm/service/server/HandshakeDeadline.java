package dev.ssjvm.service.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a new connection that has not become a relay within the handshake timeout, counted from
 * accept. It does not care why: no data, too little data, or bad data being drained all end at the
 * same moment, which is what makes the server's reaction independent of what a prober sends. Just
 * before closing it fires {@link #EXPIRED} down the pipeline, so the request stage can count it.
 */
final class HandshakeDeadline extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(HandshakeDeadline.class);

    /** The user event fired when the deadline passes, just before the connection is closed. */
    static final Object EXPIRED = new Object() {
        @Override
        public String toString() {
            return "handshake deadline expired";
        }
    };

    private final long timeoutNanos;
    private final Runnable onEnd;
    private boolean ended;
    private ScheduledFuture<?> timer;

    HandshakeDeadline(Duration timeout) {
        this(timeout, () -> {});
    }

    /**
     * @param onEnd run once when the handshake ends: the request authenticated, the relay took over, or
     *     the connection closed
     */
    HandshakeDeadline(Duration timeout, Runnable onEnd) {
        this.timeoutNanos = timeout.toNanos();
        this.onEnd = onEnd;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            arm(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        arm(ctx);
        ctx.fireChannelActive();
    }

    private void arm(ChannelHandlerContext ctx) {
        if (timer == null) {
            timer = ctx.executor().schedule(() -> {
                LOG.debug("{} no valid request within the handshake timeout, closing", ctx.channel().remoteAddress());
                ctx.fireUserEventTriggered(EXPIRED);
                ctx.close();
            }, timeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** The request authenticated: the connection no longer counts as one in the handshake. */
    void authenticated() {
        end();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (timer != null) {
            timer.cancel(false);
        }
        end(); // removed by Relay.start, or with the pipeline when the channel closes
    }

    private void end() {
        if (!ended) {
            ended = true;
            onEnd.run();
        }
    }
}
