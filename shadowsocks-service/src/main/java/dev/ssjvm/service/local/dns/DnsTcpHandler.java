package dev.ssjvm.service.local.dns;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.timeout.IdleStateEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One TCP client of the front end, after the length framing: every frame is a query, and several may
 * be outstanding at once; each answer goes back as soon as it is there, in whatever order (RFC 7766
 * 6.2.1.1), matched by the client through its id.
 */
final class DnsTcpHandler extends SimpleChannelInboundHandler<ByteBuf> {
    private static final Logger LOG = LoggerFactory.getLogger(DnsTcpHandler.class);

    /** Queries of one connection waiting for their answers before it stops reading. */
    static final int MAX_OUTSTANDING = 64;

    private final DnsForwarder forwarder;
    private int outstanding;

    DnsTcpHandler(DnsForwarder forwarder) {
        this.forwarder = forwarder;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
        byte[] query = ByteBufUtil.getBytes(frame);
        boolean answering = forwarder.answer(ctx.channel().eventLoop(), query, true, answer -> {
            if (outstanding-- == MAX_OUTSTANDING) {
                ctx.channel().config().setAutoRead(true);
            }
            if (ctx.channel().isActive()) {
                ctx.writeAndFlush(Unpooled.wrappedBuffer(answer), ctx.voidPromise());
            }
        });
        if (!answering) {
            ctx.close(); // not even a query header to answer: this is no DNS client
        } else if (++outstanding == MAX_OUTSTANDING) {
            ctx.channel().config().setAutoRead(false); // a client this far ahead waits for its answers
        }
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
        LOG.debug("dns: tcp client {}: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
