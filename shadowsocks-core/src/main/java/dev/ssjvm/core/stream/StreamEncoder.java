package dev.ssjvm.core.stream;

import dev.ssjvm.core.replay.SaltFilter;
import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.crypto.StreamCiphers;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import org.bouncycastle.crypto.StreamCipher;

/**
 * Encrypts one direction of a stream-cipher connection: a random IV first, then the one continuous
 * cipher stream. A client encoder carries the request header (the target address), which goes in
 * front of the first write; an empty write sends the header alone.
 */
final class StreamEncoder extends MessageToByteEncoder<ByteBuf> {
    private final CipherKind kind;
    private final byte[] masterKey;
    private final SaltFilter ivFilter;
    private byte[] pendingHeader;
    private StreamCipher cipher;

    StreamEncoder(CipherKind kind, byte[] masterKey, SaltFilter ivFilter, byte[] header) {
        super(ByteBuf.class, false);
        this.kind = kind;
        this.masterKey = masterKey;
        this.ivFilter = ivFilter;
        this.pendingHeader = header;
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, ByteBuf msg, boolean preferDirect) {
        int size = msg.readableBytes() + (pendingHeader == null ? 0 : pendingHeader.length)
                + (cipher == null ? kind.saltSize() : 0);
        return ctx.alloc().heapBuffer(Math.max(size, 1));
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, ByteBuf msg, ByteBuf out) {
        if (cipher == null) {
            byte[] iv = StreamCrypt.freshIv(kind, ivFilter);
            cipher = StreamCiphers.create(kind, masterKey, iv, true);
            out.writeBytes(iv);
        }
        if (pendingHeader != null) {
            byte[] header = pendingHeader;
            pendingHeader = null;
            StreamCrypt.process(cipher, Unpooled.wrappedBuffer(header), header.length, out);
        }
        StreamCrypt.process(cipher, msg, msg.readableBytes(), out);
    }
}
