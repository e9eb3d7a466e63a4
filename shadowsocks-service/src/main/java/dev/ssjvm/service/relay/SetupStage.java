package dev.ssjvm.service.relay;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.timeout.IdleStateEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Base of the handlers that set a connection up before it becomes a relay (the server's request
 * stage, the SOCKS and tunnel front ends): they own the bytes that arrive early, close on idleness and
 * errors, free what they hold when the connection dies, and decide what an early end of input means.
 */
public abstract class SetupStage extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(SetupStage.class);

    /**
     * How much a client may send before its outbound connection is ready; beyond it, reading pauses
     * until {@link Relay#start}. Reading goes on below it because pausing and resuming cost a system
     * call each with epoll, on every connection, while a request's first bytes are small.
     */
    static final int EARLY_DATA_LIMIT = 64 * 1024;

    /** What the client sent before the outbound connection was ready; handed to {@link Relay#start}. */
    protected final EarlyData early = new EarlyData();

    /** Takes the handlers of a finished setup out of a pipeline; those not in it are skipped. */
    public static void removeAll(ChannelPipeline pipeline, Class<?>... handlers) {
        for (Class<?> type : handlers) {
            @SuppressWarnings("unchecked")
            ChannelHandler handler = pipeline.get((Class<? extends ChannelHandler>) type);
            if (handler != null) {
                pipeline.remove(handler);
            }
        }
    }

    /** Keeps bytes that arrived before the relay started, pausing reading once the limit is reached. */
    protected final void keepEarly(ChannelHandlerContext ctx, ByteBuf buf) {
        early.add(buf);
        if (early.bytes() >= EARLY_DATA_LIMIT) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    /**
     * The client ended its input before the relay started. Remembering it (so the relay half-closes
     * the outbound side) is right once a request is under way; before that, closing is.
     */
    protected abstract void inputEnded(ChannelHandlerContext ctx);

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            inputEnded(ctx);
        } else if (evt instanceof IdleStateEvent) {
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        early.release();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("{}: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
