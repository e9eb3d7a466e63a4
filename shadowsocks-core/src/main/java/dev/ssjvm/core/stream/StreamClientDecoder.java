package dev.ssjvm.core.stream;

import dev.ssjvm.core.replay.SaltFilter;
import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.crypto.StreamCiphers;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import java.util.List;
import org.bouncycastle.crypto.StreamCipher;

/** Client side of a stream-cipher connection: the server's IV, then its decrypted stream. */
final class StreamClientDecoder extends ByteToMessageDecoder {
    private final CipherKind kind;
    private final byte[] masterKey;
    private final SaltFilter ivFilter;
    private StreamCipher cipher;

    StreamClientDecoder(CipherKind kind, byte[] masterKey, SaltFilter ivFilter) {
        this.kind = kind;
        this.masterKey = masterKey;
        this.ivFilter = ivFilter;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (cipher == null) {
            if (in.readableBytes() < kind.saltSize()) {
                return;
            }
            byte[] iv = new byte[kind.saltSize()];
            in.readBytes(iv);
            if (iv.length > 0 && !ivFilter.checkAndAdd(iv)) {
                in.skipBytes(in.readableBytes());
                throw new CorruptedFrameException("server sent an IV seen before (replayed response)");
            }
            cipher = StreamCiphers.create(kind, masterKey, iv, false);
        }
        if (in.isReadable()) {
            out.add(StreamCrypt.process(cipher, ctx.alloc(), in, in.readableBytes()));
        }
    }
}
