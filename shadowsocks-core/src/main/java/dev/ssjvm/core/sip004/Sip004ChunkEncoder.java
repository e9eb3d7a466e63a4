package dev.ssjvm.core.sip004;

import dev.ssjvm.core.protocol.SaltPrefix;
import dev.ssjvm.core.replay.SaltFilter;
import dev.ssjvm.crypto.Aead;
import dev.ssjvm.crypto.AeadFactory;
import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.crypto.Kdf;
import dev.ssjvm.crypto.NonceCounter;
import dev.ssjvm.crypto.Scratch;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import java.nio.ByteBuffer;

/**
 * Encrypts outgoing plaintext as a SIP004 stream: a random salt first, then chunks of at most
 * 0x3FFF payload bytes. Everything one write produces (salt, all length and payload chunks) goes into
 * a single buffer sized exactly up front, so a large read costs one allocation.
 *
 * <p>A client encoder may have a salt prefix (Outline's), which replaces the start of its salt.
 *
 * <p>A client encoder carries the request header (the target address), which is prepended to the
 * first write; writing an empty buffer sends the header alone.
 */
final class Sip004ChunkEncoder extends MessageToByteEncoder<ByteBuf> {

    private final CipherKind kind;
    private final byte[] masterKey;
    private final AeadFactory factory;
    private final SaltFilter saltFilter;
    private final int tagSize;
    private final byte[] saltPrefix;
    private byte[] pendingHeader;
    private Aead aead;
    private NonceCounter nonce;
    private byte[] salt;

    Sip004ChunkEncoder(CipherKind kind, byte[] masterKey, AeadFactory factory, SaltFilter saltFilter, byte[] header,
            byte[] saltPrefix) {
        super(ByteBuf.class, true);
        this.kind = kind;
        this.masterKey = masterKey;
        this.factory = factory;
        this.saltFilter = saltFilter;
        this.tagSize = kind.tagSize();
        this.pendingHeader = header;
        this.saltPrefix = saltPrefix;
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, ByteBuf msg, boolean preferDirect) {
        int plain = msg.readableBytes() + (pendingHeader == null ? 0 : pendingHeader.length);
        return ctx.alloc().directBuffer(Math.max(1, sealedSize(plain) + (salt == null ? kind.saltSize() : 0)));
    }

    private int sealedSize(int plain) {
        int chunks = (plain + Sip004ChunkReader.MAX_PAYLOAD - 1) / Sip004ChunkReader.MAX_PAYLOAD;
        return plain + chunks * (2 + 2 * tagSize);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, ByteBuf msg, ByteBuf out) {
        if (salt == null) {
            startSession(out);
        }
        if (pendingHeader != null) {
            byte[] header = pendingHeader;
            pendingHeader = null;
            int firstLength = Math.min(Sip004ChunkReader.MAX_PAYLOAD, header.length + msg.readableBytes());
            ByteBuf first = ctx.alloc().directBuffer(firstLength);
            try {
                first.writeBytes(header);
                first.writeBytes(msg, firstLength - header.length);
                sealChunk(first, firstLength, out);
            } finally {
                first.release();
            }
        }
        while (msg.isReadable()) {
            sealChunk(msg, Math.min(Sip004ChunkReader.MAX_PAYLOAD, msg.readableBytes()), out);
        }
    }

    private void startSession(ByteBuf out) {
        byte[] fresh = new byte[kind.saltSize()];
        do {
            SaltPrefix.fill(fresh, saltPrefix);
        } while (!saltFilter.checkAndAdd(fresh)); // our own salts must never come back as a request
        salt = fresh;
        aead = factory.create(kind.aead(), Kdf.sessionSubkey(masterKey, salt));
        nonce = new NonceCounter(kind.nonceSize());
        out.writeBytes(salt);
    }

    private void sealChunk(ByteBuf in, int length, ByteBuf out) {
        ByteBuffer lengthPlain = Scratch.get();
        lengthPlain.putShort((short) length).flip();
        int at = out.writerIndex();
        aead.seal(nonce.current(), lengthPlain, out.internalNioBuffer(at, 2 + tagSize));
        nonce.increment();
        at += 2 + tagSize;
        aead.seal(nonce.current(), in.nioBuffer(in.readerIndex(), length), out.internalNioBuffer(at, length + tagSize));
        nonce.increment();
        out.writerIndex(at + length + tagSize);
        in.skipBytes(length);
    }
}
