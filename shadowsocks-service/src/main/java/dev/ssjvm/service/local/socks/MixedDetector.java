package dev.ssjvm.service.local.socks;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import java.util.function.Consumer;

/**
 * The first handler of a mixed port: the first byte tells SOCKS (4 or 5, the version byte) from
 * anything else, which is taken to be HTTP (a method name). It installs that protocol's handlers after
 * itself and removes itself; the bytes it held go on to them.
 */
final class MixedDetector extends ByteToMessageDecoder {
    private final Consumer<ChannelPipeline> socks;
    private final Consumer<ChannelPipeline> http;

    /** @param http installs the HTTP handlers, or {@code null} when HTTP is not served (the connection closes) */
    MixedDetector(Consumer<ChannelPipeline> socks, Consumer<ChannelPipeline> http) {
        this.socks = socks;
        this.http = http;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (!in.isReadable()) {
            return;
        }
        byte first = in.getByte(in.readerIndex());
        if (first == 4 || first == 5) {
            socks.accept(ctx.pipeline());
        } else if (http != null) {
            http.accept(ctx.pipeline());
        } else {
            in.skipBytes(in.readableBytes());
            ctx.close();
            return;
        }
        ctx.pipeline().remove(this);
    }
}
