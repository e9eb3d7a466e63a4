package dev.ssjvm.core.sip022;

import dev.ssjvm.crypto.Aead;
import dev.ssjvm.crypto.AeadAlgorithm;
import dev.ssjvm.crypto.AeadFactory;
import dev.ssjvm.crypto.CipherKind;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.ByteBuffer;
import java.util.List;
import javax.crypto.AEADBadTagException;

/**
 * How a SIP022 UDP packet wraps its {@link Sip022UdpBody body}, which depends on the method and not on
 * who sends it: {@link Sip022AesUdpFormat} and {@link Sip022ChaChaUdpFormat}, each written once and
 * used by both roles. Sealers and openers hold ciphers that are not thread-safe; each belongs to one
 * session, or to a server protocol on its event loop.
 */
abstract sealed class Sip022UdpFormat permits Sip022AesUdpFormat, Sip022ChaChaUdpFormat {
    /** Session id and packet id: the AES separate header, or the start of a ChaCha plaintext. */
    static final int IDS = 16;

    final AeadFactory factory;
    final AeadAlgorithm algorithm;
    final int tagSize;

    Sip022UdpFormat(CipherKind method, AeadFactory factory) {
        this.factory = factory;
        this.algorithm = method.udpAead();
        this.tagSize = method.tagSize();
    }

    static Sip022UdpFormat of(CipherKind method, AeadFactory factory, Entropy entropy) {
        return method.aead() == AeadAlgorithm.AES_GCM ? new Sip022AesUdpFormat(method, factory)
                : new Sip022ChaChaUdpFormat(method, factory, entropy);
    }

    /** The AEAD the packets of one session are sealed under, from that session's key. */
    abstract Aead sessionCipher(byte[] key, long sessionId);

    /**
     * The sealer of one of our sessions.
     *
     * @param key the PSK, a user's on a multi-user port
     * @param identityKeys the iPSKs to put identity headers under, first hop first (AES only; the
     *     credentials refuse them for ChaCha methods)
     */
    abstract Sealer sealer(long sessionId, byte[] key, List<byte[]> identityKeys);

    /**
     * An opener of the other side's packets.
     *
     * @param psk the PSK, or the identity key on a multi-user port
     * @param users the port's users when the packets carry identity headers; a single-key table
     *     otherwise
     * @param minBody the shortest body of the packets' direction
     */
    abstract Opener opener(byte[] psk, Sip022Users users, int minBody);

    /** Seals bodies into packets of one session, numbering them from 0. */
    interface Sealer {
        /** A new packet holding {@code body}, which is not released. */
        ByteBuf seal(ByteBufAllocator alloc, ByteBuf body);
    }

    /** Authenticates and decrypts packets, leaving the body to the role. */
    interface Opener {
        /**
         * Opens {@code packet} (not released).
         *
         * @return the ids and the body, or {@code null} when {@code packet} is too short, names an
         *     unknown user, or {@code sessions} refuses it
         * @throws AEADBadTagException when authentication fails
         */
        <S> Opened<S> open(ByteBufAllocator alloc, ByteBuf packet, SenderSessions<S> sessions)
                throws AEADBadTagException;
    }

    /**
     * What the receiving role knows of the sender's sessions. The opener asks as soon as it has the ids:
     * AES before decrypting the body, ChaCha after, since its ids are sealed with it.
     *
     * @param <S> the receiver's state of one sender session
     */
    interface SenderSessions<S> {
        /** The state of the session the ids name, new if unknown; {@code null} drops the packet. */
        S find(long sessionId, long packetId, byte[] key);

        /** The AEAD of that session's bodies (AES only: ChaCha opens everything under the PSK). */
        Aead cipher(S session);
    }

    /**
     * An authenticated packet whose body has not been read yet.
     *
     * @param key the PSK the packet was sealed under: the user's on a multi-user port
     * @param user the user's name on a multi-user port; {@code null} otherwise
     * @param body from after the ids to the end, owned by the receiver
     */
    record Opened<S>(long sessionId, long packetId, byte[] key, String user, S session, ByteBuf body) {}

    /** Seals what remains of {@code plain} at the writer index of {@code out}. */
    final void sealTail(Aead aead, byte[] nonce, ByteBuffer plain, ByteBuf out) {
        int length = plain.remaining();
        aead.seal(nonce, plain, out.internalNioBuffer(out.writerIndex(), length + tagSize));
        out.writerIndex(out.writerIndex() + length + tagSize);
    }

    /** Opens {@code packet} from {@code offset} to its end into a new buffer. */
    final ByteBuf openTail(ByteBufAllocator alloc, Aead aead, byte[] nonce, ByteBuf packet, int offset)
            throws AEADBadTagException {
        int sealed = packet.writerIndex() - offset;
        int plainLength = sealed - tagSize;
        if (plainLength < 0) {
            throw new AEADBadTagException("too short");
        }
        ByteBuf plain = alloc.directBuffer(Math.max(plainLength, 1));
        try {
            aead.open(nonce, packet.nioBuffer(offset, sealed), plain.internalNioBuffer(0, plainLength));
        } catch (AEADBadTagException | RuntimeException e) {
            plain.release();
            throw e;
        }
        plain.writerIndex(plainLength);
        return plain;
    }
}
