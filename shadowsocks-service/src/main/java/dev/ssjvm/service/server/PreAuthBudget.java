package dev.ssjvm.service.server;

import dev.ssjvm.core.protocol.ProtocolViolation;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * A hard bound on what a connection without a complete request can make the server hold: past
 * {@link #MAX_BYTES} received without the request being decoded, the rest of its input is dropped here
 * (so the decoder's cumulation stops growing) and a {@link ProtocolViolation} sends the connection to
 * the same drain as bad input. The request stage removes this handler once the request is decoded.
 */
final class PreAuthBudget extends ChannelInboundHandlerAdapter {
    /**
     * The largest request header is SIP022's: salt, fixed header and a variable header of up to 64 KiB,
     * each with its tag; a real client's request fits well inside this.
     */
    static final int MAX_BYTES = 96 * 1024;

    private final int max;
    private final Runnable onOver;
    private long received;
    private boolean over;

    /** @param onOver run once when the budget is spent (counted and, now and then, logged) */
    PreAuthBudget(Runnable onOver) {
        this(MAX_BYTES, onOver);
    }

    PreAuthBudget(int max, Runnable onOver) {
        this.max = max;
        this.onOver = onOver;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (over) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof ByteBuf buf) {
            received += buf.readableBytes();
        }
        ctx.fireChannelRead(msg);
        if (!ctx.isRemoved() && received > max) { // removed: the request came within this read
            over = true;
            onOver.run();
            ctx.fireUserEventTriggered(new ProtocolViolation(ProtocolViolation.Kind.MALFORMED,
                    "more than " + max / 1024 + " KiB without a complete request"));
        }
    }
}
