package dev.ssjvm.core.sip004;

import dev.ssjvm.crypto.Aead;
import dev.ssjvm.crypto.AeadFactory;
import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.crypto.Kdf;
import dev.ssjvm.crypto.NonceCounter;
import dev.ssjvm.crypto.Scratch;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.CorruptedFrameException;
import java.nio.ByteBuffer;
import javax.crypto.AEADBadTagException;

/**
 * Reads a SIP004 stream: the salt, then chunks of [sealed 2-byte length][sealed payload]. Not a
 * handler: the server and client decoders drive it from their own state machines.
 */
final class Sip004ChunkReader {
    static final int MAX_PAYLOAD = 0x3FFF;

    private final CipherKind kind;
    private final byte[] masterKey;
    private final AeadFactory factory;
    private final int tagSize;
    private Aead aead;
    private NonceCounter nonce;
    private byte[] salt;
    private int payloadLength = -1;

    Sip004ChunkReader(CipherKind kind, byte[] masterKey, AeadFactory factory) {
        this.kind = kind;
        this.masterKey = masterKey;
        this.factory = factory;
        this.tagSize = kind.tagSize();
    }

    /** Reads the salt and derives the session subkey; {@code false} while fewer bytes have come. */
    boolean readSalt(ByteBuf in) {
        if (in.readableBytes() < kind.saltSize()) {
            return false;
        }
        salt = new byte[kind.saltSize()];
        in.readBytes(salt);
        aead = factory.create(kind.aead(), Kdf.sessionSubkey(masterKey, salt));
        nonce = new NonceCounter(kind.nonceSize());
        return true;
    }

    byte[] salt() {
        return salt;
    }

    /**
     * Decrypts the next chunk.
     *
     * @return the payload (the caller owns it), or {@code null} until the whole chunk has arrived
     * @throws AEADBadTagException on a wrong key or tampered bytes
     * @throws CorruptedFrameException on a length over 0x3FFF
     */
    ByteBuf readChunk(ByteBufAllocator alloc, ByteBuf in) throws AEADBadTagException {
        if (payloadLength < 0) {
            if (in.readableBytes() < 2 + tagSize) {
                return null;
            }
            ByteBuffer lengthPlain = Scratch.get();
            aead.open(nonce.current(), in.nioBuffer(in.readerIndex(), 2 + tagSize), lengthPlain);
            nonce.increment();
            in.skipBytes(2 + tagSize);
            int length = lengthPlain.getShort(0) & 0xFFFF;
            if (length > MAX_PAYLOAD) {
                throw new CorruptedFrameException("chunk length " + length + " is over 0x3FFF");
            }
            payloadLength = length;
        }
        if (in.readableBytes() < payloadLength + tagSize) {
            return null;
        }
        ByteBuf payload = alloc.directBuffer(Math.max(payloadLength, 1));
        try {
            aead.open(nonce.current(), in.nioBuffer(in.readerIndex(), payloadLength + tagSize),
                    payload.internalNioBuffer(0, payloadLength));
        } catch (AEADBadTagException | RuntimeException e) {
            payload.release();
            throw e;
        }
        nonce.increment();
        payload.writerIndex(payloadLength);
        in.skipBytes(payloadLength + tagSize);
        payloadLength = -1;
        return payload;
    }

    /** True when no partial chunk is pending, i.e. the stream may legitimately end here. */
    boolean atChunkBoundary(ByteBuf in) {
        return payloadLength < 0 && !in.isReadable();
    }
}
