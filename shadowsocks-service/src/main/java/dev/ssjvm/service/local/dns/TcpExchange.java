package dev.ssjvm.service.local.dns;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.io.IOException;

/**
 * One query over one TCP connection (RFC 1035 4.2.2: a two-byte length before each message), to a
 * resolver directly or through the server, whichever {@code connecting} leads to. The connection is
 * closed once the answer is in, or when the caller gives up on it.
 */
final class TcpExchange {
    private static final IOException CLOSED = new IOException("the resolver closed the connection without an answer");

    private TcpExchange() {}

    /** @param connecting a connection from the connector: reading paused, a server's codec maybe installed */
    static Future<byte[]> query(ChannelFuture connecting, byte[] query) {
        Channel channel = connecting.channel();
        Promise<byte[]> answer = channel.eventLoop().newPromise();
        answer.addListener(f -> channel.close());
        connecting.addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                answer.tryFailure(f.cause());
                return;
            }
            if (answer.isDone()) {
                return;
            }
            channel.pipeline()
                    .addLast("dns-frame", new LengthFieldBasedFrameDecoder(2 + 65535, 0, 2, 0, 2))
                    .addLast("dns-answer", new SimpleChannelInboundHandler<ByteBuf>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
                            answer.trySuccess(ByteBufUtil.getBytes(frame));
                        }

                        @Override
                        public void channelInactive(ChannelHandlerContext ctx) {
                            answer.tryFailure(CLOSED);
                        }

                        @Override
                        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                            answer.tryFailure(cause);
                        }
                    });
            ByteBuf out = channel.alloc().buffer(2 + query.length).writeShort(query.length).writeBytes(query);
            channel.writeAndFlush(out);
            channel.config().setAutoRead(true);
        });
        return answer;
    }
}
