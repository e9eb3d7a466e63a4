package dev.ssjvm.core.sip022;

import dev.ssjvm.crypto.Aead;
import dev.ssjvm.crypto.NonceCounter;
import dev.ssjvm.crypto.Scratch;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.ByteBuffer;
import javax.crypto.AEADBadTagException;

/** One direction of a chunked stream: an AEAD with the little-endian nonce counter of SIP004/SIP022. */
final class Sip022ChunkCipher {
    private final Aead aead;
    private final NonceCounter nonce;
    private final int tagSize;

    Sip022ChunkCipher(Aead aead) {
        this.aead = aead;
        this.nonce = new NonceCounter(aead.nonceSize());
        this.tagSize = aead.tagSize();
    }

    int tagSize() {
        return tagSize;
    }

    /** Seals all remaining bytes of {@code plain} at the writer index of {@code out}. */
    void seal(ByteBuffer plain, ByteBuf out) {
        int length = plain.remaining();
        int at = out.writerIndex();
        aead.seal(nonce.current(), plain, out.internalNioBuffer(at, length + tagSize));
        nonce.increment();
        out.writerIndex(at + length + tagSize);
    }

    /** Seals a small plaintext (a length, a header), through the thread's direct scratch buffer. */
    void seal(byte[] plain, ByteBuf out) {
        seal(Scratch.get().put(plain).flip(), out);
    }

    /** Seals a 2-byte big-endian length chunk. */
    void sealLength(int length, ByteBuf out) {
        seal(Scratch.get().putShort((short) length).flip(), out);
    }

    /** Seals {@code length} bytes from the reader index of {@code in}, which advances. */
    void seal(ByteBuf in, int length, ByteBuf out) {
        seal(in.nioBuffer(in.readerIndex(), length), out);
        in.skipBytes(length);
    }

    /**
     * Opens a chunk of {@code plainLength} bytes (plus tag) from the reader index of {@code in}, which
     * must hold all of it, into a new buffer the caller owns.
     */
    ByteBuf open(ByteBufAllocator alloc, ByteBuf in, int plainLength) throws AEADBadTagException {
        ByteBuf plain = alloc.directBuffer(Math.max(plainLength, 1));
        try {
            aead.open(nonce.current(), in.nioBuffer(in.readerIndex(), plainLength + tagSize),
                    plain.internalNioBuffer(0, plainLength));
        } catch (AEADBadTagException | RuntimeException e) {
            plain.release();
            throw e;
        }
        nonce.increment();
        plain.writerIndex(plainLength);
        in.skipBytes(plainLength + tagSize);
        return plain;
    }

    /** Opens a small fixed-size chunk (through the thread's direct scratch buffer) into an array. */
    byte[] openSmall(ByteBuf in, int plainLength) throws AEADBadTagException {
        ByteBuffer plain = Scratch.get();
        aead.open(nonce.current(), in.nioBuffer(in.readerIndex(), plainLength + tagSize), plain);
        nonce.increment();
        in.skipBytes(plainLength + tagSize);
        byte[] out = new byte[plainLength];
        plain.flip().get(out);
        return out;
    }
}
