package dev.ssjvm.core.sip004;

import dev.ssjvm.core.replay.SaltFilter;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import java.util.List;
import javax.crypto.AEADBadTagException;

/** Client side of a SIP004 stream: decrypts the server's response chunks; bad input fails the channel. */
final class Sip004TcpClientDecoder extends ByteToMessageDecoder {
    private final Sip004ChunkReader reader;
    private final SaltFilter saltFilter;
    private boolean haveSalt;

    Sip004TcpClientDecoder(Sip004ChunkReader reader, SaltFilter saltFilter) {
        this.reader = reader;
        this.saltFilter = saltFilter;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        if (!haveSalt) {
            if (!reader.readSalt(in)) {
                return;
            }
            haveSalt = true;
            if (!saltFilter.checkAndAdd(reader.salt())) {
                throw new CorruptedFrameException("server sent a salt seen before (replayed response)");
            }
        }
        try {
            ByteBuf chunk;
            while ((chunk = reader.readChunk(ctx.alloc(), in)) != null) {
                out.add(chunk);
            }
        } catch (AEADBadTagException e) {
            throw new DecoderException("cannot authenticate the server's response: wrong password or method?", e);
        }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        decode(ctx, in, out);
        if (in.isReadable() || (haveSalt && !reader.atChunkBoundary(in))) {
            in.skipBytes(in.readableBytes());
            throw new CorruptedFrameException("server's response ends inside a chunk");
        }
    }
}
