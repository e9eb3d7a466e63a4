package dev.ssjvm.core.sip022;

import dev.ssjvm.crypto.Aead;
import dev.ssjvm.crypto.AesBlock;
import dev.ssjvm.crypto.AeadFactory;
import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.crypto.Sip022Keys;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import javax.crypto.AEADBadTagException;

/**
 * The AES packet: {@code AES(psk, session id || packet id)} as a separate header, then (SIP023) one
 * identity header per iPSK, then the body sealed with AES-GCM under {@code subkey(psk, session id)}
 * with the last 12 bytes of the plain separate header as nonce. The separate header lets a receiver
 * pick the session's key, and refuse replays, before it decrypts anything else.
 */
final class Sip022AesUdpFormat extends Sip022UdpFormat {

    Sip022AesUdpFormat(CipherKind method, AeadFactory factory) {
        super(method, factory);
    }

    @Override
    Aead sessionCipher(byte[] key, long sessionId) {
        byte[] salt = ByteBuffer.allocate(8).putLong(sessionId).array();
        return factory.create(algorithm, Sip022Keys.sessionSubkey(key, salt));
    }

    @Override
    Sealer sealer(long sessionId, byte[] key, List<byte[]> identityKeys) {
        return new AesSealer(sessionId, key, identityKeys);
    }

    @Override
    Opener opener(byte[] psk, Sip022Users users, int minBody) {
        return new AesOpener(psk, users, minBody);
    }

    private static byte[] bodyNonce(byte[] separate) {
        return Arrays.copyOfRange(separate, 4, IDS);
    }

    private final class AesSealer implements Sealer {
        private final long sessionId;
        private final Aead aead;
        private final AesBlock headerBlock;
        // identity header i: the hash of the next key on the way, XORed with the separate header, under iPSK i
        private final AesBlock[] identityBlocks;
        private final byte[][] nextKeyHashes;
        private long nextPacketId;

        AesSealer(long sessionId, byte[] key, List<byte[]> identityKeys) {
            this.sessionId = sessionId;
            this.aead = sessionCipher(key, sessionId);
            this.headerBlock = new AesBlock(identityKeys.isEmpty() ? key : identityKeys.get(0));
            int hops = identityKeys.size();
            this.identityBlocks = new AesBlock[hops];
            this.nextKeyHashes = new byte[hops][];
            for (int i = 0; i < hops; i++) {
                identityBlocks[i] = new AesBlock(identityKeys.get(i));
                nextKeyHashes[i] = Sip022Keys.pskHash(i + 1 < hops ? identityKeys.get(i + 1) : key);
            }
        }

        @Override
        public ByteBuf seal(ByteBufAllocator alloc, ByteBuf body) {
            byte[] separate = ByteBuffer.allocate(IDS).putLong(sessionId).putLong(nextPacketId++).array();
            int headers = IDS + identityBlocks.length * AesBlock.SIZE;
            ByteBuf out = alloc.directBuffer(headers + body.readableBytes() + tagSize);
            try {
                byte[] block = new byte[AesBlock.SIZE];
                headerBlock.encrypt(separate, 0, block, 0);
                out.writeBytes(block);
                for (int i = 0; i < identityBlocks.length; i++) {
                    byte[] identity = nextKeyHashes[i].clone();
                    for (int j = 0; j < identity.length; j++) {
                        identity[j] ^= separate[j];
                    }
                    identityBlocks[i].encrypt(identity, 0, block, 0);
                    out.writeBytes(block);
                }
                sealTail(aead, bodyNonce(separate), body.nioBuffer(), out);
                return out;
            } catch (RuntimeException e) {
                out.release();
                throw e;
            }
        }
    }

    private final class AesOpener implements Opener {
        private final byte[] psk;
        private final Sip022Users users;
        private final int minBody;
        private AesBlock headerBlock;

        AesOpener(byte[] psk, Sip022Users users, int minBody) {
            this.psk = psk;
            this.users = users;
            this.minBody = minBody;
        }

        @Override
        public <S> Opened<S> open(ByteBufAllocator alloc, ByteBuf packet, SenderSessions<S> sessions)
                throws AEADBadTagException {
            int identity = users.multiUser() ? AesBlock.SIZE : 0;
            int start = packet.readerIndex();
            if (packet.readableBytes() < IDS + identity + tagSize + minBody) {
                return null;
            }
            if (headerBlock == null) {
                headerBlock = new AesBlock(psk);
            }
            byte[] separate = new byte[IDS];
            packet.getBytes(start, separate);
            headerBlock.decrypt(separate, 0, separate, 0);
            byte[] key = psk;
            String user = null;
            if (identity > 0) {
                Sip022Users.User found = identify(packet, start + IDS, separate);
                if (found == null) {
                    return null;
                }
                key = found.psk();
                user = found.name();
            }
            long sessionId = ByteBuffer.wrap(separate).getLong(0);
            long packetId = ByteBuffer.wrap(separate).getLong(8);
            S session = sessions.find(sessionId, packetId, key);
            if (session == null) {
                return null;
            }
            ByteBuf body = openTail(alloc, sessions.cipher(session), bodyNonce(separate), packet,
                    start + IDS + identity);
            return new Opened<>(sessionId, packetId, key, user, session, body);
        }

        /** SIP023: the user whose PSK hash, XORed with the plain separate header, the identity header holds. */
        private Sip022Users.User identify(ByteBuf packet, int at, byte[] separate) {
            byte[] hash = new byte[AesBlock.SIZE];
            packet.getBytes(at, hash);
            headerBlock.decrypt(hash, 0, hash, 0);
            for (int i = 0; i < hash.length; i++) {
                hash[i] ^= separate[i];
            }
            return users.find(hash);
        }
    }
}
