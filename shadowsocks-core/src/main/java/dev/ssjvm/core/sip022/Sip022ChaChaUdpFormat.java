package dev.ssjvm.core.sip022;

import dev.ssjvm.crypto.Aead;
import dev.ssjvm.crypto.AeadFactory;
import dev.ssjvm.crypto.CipherKind;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;
import javax.crypto.AEADBadTagException;

/**
 * The ChaCha packet: a random 24-byte nonce, then session id, packet id and body sealed together with
 * XChaCha20-Poly1305 (XChaCha8 for the ChaCha8 method) under the PSK itself. There is no block cipher
 * for a separate header, so the ids are only known once the whole packet is open, and a random nonce
 * that long is safe under one key for every session.
 */
final class Sip022ChaChaUdpFormat extends Sip022UdpFormat {
    private final Entropy entropy;

    Sip022ChaChaUdpFormat(CipherKind method, AeadFactory factory, Entropy entropy) {
        super(method, factory);
        this.entropy = entropy;
    }

    @Override
    Aead sessionCipher(byte[] key, long sessionId) {
        return factory.create(algorithm, key);
    }

    @Override
    Sealer sealer(long sessionId, byte[] key, List<byte[]> identityKeys) {
        return new ChaChaSealer(sessionId, sessionCipher(key, sessionId));
    }

    @Override
    Opener opener(byte[] psk, Sip022Users users, int minBody) {
        return new ChaChaOpener(psk, minBody);
    }

    private final class ChaChaSealer implements Sealer {
        private final long sessionId;
        private final Aead aead;
        private long nextPacketId;

        ChaChaSealer(long sessionId, Aead aead) {
            this.sessionId = sessionId;
            this.aead = aead;
        }

        @Override
        public ByteBuf seal(ByteBufAllocator alloc, ByteBuf body) {
            long packetId = nextPacketId++;
            int nonceSize = algorithm.nonceSize();
            ByteBuf out = alloc.directBuffer(nonceSize + IDS + body.readableBytes() + tagSize);
            ByteBuf plain = alloc.directBuffer(IDS + body.readableBytes());
            try {
                byte[] nonce = new byte[nonceSize];
                entropy.nextBytes(nonce);
                out.writeBytes(nonce);
                plain.writeLong(sessionId).writeLong(packetId);
                plain.writeBytes(body, body.readerIndex(), body.readableBytes());
                sealTail(aead, nonce, plain.nioBuffer(), out);
                return out;
            } catch (RuntimeException e) {
                out.release();
                throw e;
            } finally {
                plain.release();
            }
        }
    }

    private final class ChaChaOpener implements Opener {
        private final byte[] psk;
        private final int minBody;
        private Aead aead;

        ChaChaOpener(byte[] psk, int minBody) {
            this.psk = psk;
            this.minBody = minBody;
        }

        @Override
        public <S> Opened<S> open(ByteBufAllocator alloc, ByteBuf packet, SenderSessions<S> sessions)
                throws AEADBadTagException {
            int nonceSize = algorithm.nonceSize();
            if (packet.readableBytes() < nonceSize + IDS + tagSize + minBody) {
                return null;
            }
            if (aead == null) {
                aead = factory.create(algorithm, psk);
            }
            byte[] nonce = new byte[nonceSize];
            packet.getBytes(packet.readerIndex(), nonce);
            ByteBuf body = openTail(alloc, aead, nonce, packet, packet.readerIndex() + nonceSize);
            long sessionId = body.readLong();
            long packetId = body.readLong();
            S session = sessions.find(sessionId, packetId, psk);
            if (session == null) {
                body.release();
                return null;
            }
            return new Opened<>(sessionId, packetId, psk, null, session, body);
        }
    }
}
