package dev.ssjvm.core.sip022;

import dev.ssjvm.core.address.SocksAddressCodec;
import dev.ssjvm.core.replay.PacketWindow;
import dev.ssjvm.core.udp.ClientPacket;
import dev.ssjvm.core.udp.DatagramProtocol;
import dev.ssjvm.core.udp.ServerPacket;
import dev.ssjvm.crypto.Aead;
import dev.ssjvm.crypto.AeadAlgorithm;
import dev.ssjvm.crypto.AeadFactory;
import dev.ssjvm.crypto.AesBlock;
import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.crypto.Sip022Keys;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.CorruptedFrameException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.AEADBadTagException;

/**
 * SIP022 UDP with SIP023 identity headers.
 *
 * <ul>
 *   <li>AES methods: {@code AES(psk, session id || packet id)}, then (multi-user) identity headers,
 *       then the body sealed with AES-GCM under {@code subkey(psk, session id)} with the last 12
 *       bytes of the separate header as nonce.
 *   <li>ChaCha methods: a random 24-byte nonce, then everything (session id, packet id, body) sealed
 *       with XChaCha-Poly1305 under the PSK itself.
 * </ul>
 *
 * <p>Bodies carry a type (0 from clients, 1 from servers), a timestamp (30 s window), padding and the
 * SOCKS address; server bodies also name the client session. Packet ids go through a sliding window
 * per session, updated only once a packet has been fully validated. The server side of one instance is
 * used from one event loop (it caches session ciphers); client sessions each own their ciphers.
 */
public final class Sip022DatagramProtocol implements DatagramProtocol {
    private static final int SESSION_CIPHER_CACHE = 1024;

    private final CipherKind method;
    private final Sip022Credentials credentials;
    private final Sip022Users users;
    private final AeadFactory factory;
    private final Clock clock;
    private final boolean aes;
    private final AeadAlgorithm udpAlgorithm;
    private final Map<SessionKey, Aead> serverSideCiphers = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<SessionKey, Aead> eldest) {
            return size() > SESSION_CIPHER_CACHE;
        }
    };
    private final Entropy entropy;
    private AesBlock serverHeaderBlock;
    private Aead serverChaCha;

    /** A session cipher is named by its session id and the PSK it hangs from (users differ in PSK). */
    private record SessionKey(long sessionId, ByteBuffer psk) {}

    /** What the server remembers of an accepted client packet until its session decides. */
    private record PacketState(long packetId, byte[] key, String user) {}

    private Sip022DatagramProtocol(CipherKind method, Sip022Credentials credentials, Sip022Users users,
            AeadFactory factory, Clock clock, Entropy entropy) {
        this.entropy = entropy;
        this.method = method;
        this.credentials = credentials;
        this.users = users;
        this.factory = factory;
        this.clock = clock;
        this.aes = method.algorithm() == AeadAlgorithm.AES_GCM;
        this.udpAlgorithm = method.udpAlgorithm();
    }

    public static Sip022DatagramProtocol server(CipherKind method, String password, List<Sip022Users.UserKey> users,
            AeadFactory factory, Clock clock) {
        return server(method, password, users, factory, clock, Entropy.SECURE);
    }

    static Sip022DatagramProtocol server(CipherKind method, String password, List<Sip022Users.UserKey> users,
            AeadFactory factory, Clock clock, Entropy entropy) {
        if (!users.isEmpty() && !Sip022Credentials.supportsIdentityHeaders(method)) {
            throw new IllegalArgumentException("several users on one port need an AES 2022 method");
        }
        return new Sip022DatagramProtocol(method, Sip022Credentials.server(method, password),
                new Sip022Users(method, users), factory, clock, entropy);
    }

    public static Sip022DatagramProtocol client(CipherKind method, String password, AeadFactory factory, Clock clock) {
        return client(method, password, factory, clock, Entropy.SECURE);
    }

    static Sip022DatagramProtocol client(CipherKind method, String password, AeadFactory factory, Clock clock,
            Entropy entropy) {
        return new Sip022DatagramProtocol(method, Sip022Credentials.client(method, password),
                new Sip022Users(method, List.of()), factory, clock, entropy);
    }

    @Override
    public CipherKind cipher() {
        return method;
    }

    // ---- server side ----

    @Override
    public ClientPacket openFromClient(ByteBufAllocator alloc, ByteBuf packet) {
        try {
            return aes ? openAesFromClient(alloc, packet) : openChaChaFromClient(alloc, packet);
        } catch (AEADBadTagException | CorruptedFrameException | IndexOutOfBoundsException e) {
            return null;
        }
    }

    private ClientPacket openAesFromClient(ByteBufAllocator alloc, ByteBuf packet) throws AEADBadTagException {
        int identity = users.isEmpty() ? 0 : AesBlock.SIZE;
        int start = packet.readerIndex();
        if (packet.readableBytes() < AesBlock.SIZE + identity + method.tagSize() + 1 + 8 + 2) {
            return null;
        }
        if (serverHeaderBlock == null) {
            serverHeaderBlock = new AesBlock(credentials.key());
        }
        byte[] separate = new byte[AesBlock.SIZE];
        packet.getBytes(start, separate);
        serverHeaderBlock.decrypt(separate, 0, separate, 0);
        byte[] key = credentials.key();
        String user = null;
        if (identity > 0) {
            byte[] hash = new byte[AesBlock.SIZE];
            packet.getBytes(start + AesBlock.SIZE, hash);
            serverHeaderBlock.decrypt(hash, 0, hash, 0);
            for (int i = 0; i < hash.length; i++) {
                hash[i] ^= separate[i];
            }
            Sip022Users.User found = users.find(hash);
            if (found == null) {
                return null;
            }
            key = found.psk();
            user = found.name();
        }
        long sessionId = ByteBuffer.wrap(separate).getLong(0);
        long packetId = ByteBuffer.wrap(separate).getLong(8);
        Aead aead = serverSideCiphers.computeIfAbsent(new SessionKey(sessionId, ByteBuffer.wrap(key)),
                k -> factory.create(udpAlgorithm, Sip022Keys.sessionSubkey(k.psk().array(), longBytes(k.sessionId()))));
        int bodyStart = start + AesBlock.SIZE + identity;
        ByteBuf body = open(alloc, aead, Arrays.copyOfRange(separate, 4, 16), packet, bodyStart);
        return readClientBody(body, sessionId, packetId, key, user);
    }

    private ClientPacket openChaChaFromClient(ByteBufAllocator alloc, ByteBuf packet) throws AEADBadTagException {
        int nonceSize = udpAlgorithm.nonceSize();
        if (packet.readableBytes() < nonceSize + 16 + method.tagSize() + 1 + 8 + 2) {
            return null;
        }
        if (serverChaCha == null) {
            serverChaCha = factory.create(udpAlgorithm, credentials.key());
        }
        byte[] nonce = new byte[nonceSize];
        packet.getBytes(packet.readerIndex(), nonce);
        ByteBuf body = open(alloc, serverChaCha, nonce, packet, packet.readerIndex() + nonceSize);
        long sessionId = body.readLong();
        long packetId = body.readLong();
        return readClientBody(body, sessionId, packetId, credentials.key(), null);
    }

    /** Checks type and timestamp, skips padding, reads the address; releases {@code body} on failure. */
    private ClientPacket readClientBody(ByteBuf body, long sessionId, long packetId, byte[] key, String user) {
        try {
            InetSocketAddress target = readBodyHeader(body, Sip022.TYPE_CLIENT, -1);
            return new ClientPacket(sessionId, target, body, user, new PacketState(packetId, key, user));
        } catch (RuntimeException e) {
            body.release();
            throw e instanceof IndexOutOfBoundsException ? new CorruptedFrameException(e) : e;
        }
    }

    /**
     * Reads type, timestamp, (for server packets) the client session id, padding and the address.
     *
     * @param clientSessionId the id a server packet must name, or -1 for client packets
     */
    private InetSocketAddress readBodyHeader(ByteBuf body, int type, long clientSessionId) {
        if (body.readUnsignedByte() != type) {
            throw new CorruptedFrameException("wrong packet type");
        }
        if (!Sip022.timestampFresh(clock, body.readLong())) {
            throw new CorruptedFrameException("stale timestamp");
        }
        if (clientSessionId != -1 && body.readLong() != clientSessionId) {
            throw new CorruptedFrameException("packet for another client session");
        }
        int padding = body.readUnsignedShort();
        body.skipBytes(padding);
        InetSocketAddress address = SocksAddressCodec.decode(body);
        if (address == null) {
            throw new CorruptedFrameException("truncated address");
        }
        return address;
    }

    @Override
    public ServerSession newServerSession(ClientPacket first) {
        PacketState state = (PacketState) first.protocolState();
        ServerSideSession session = new ServerSideSession((Long) first.sessionId(), state.key());
        session.window.accept(state.packetId());
        return session;
    }

    /** The server half of one client session: its packet-id window and our server session. */
    private final class ServerSideSession implements ServerSession {
        private final long clientSessionId;
        private final byte[] key;
        private final long serverSessionId;
        private final PacketWindow window = new PacketWindow();
        private final Aead sealer;
        private final AesBlock headerBlock;
        private long nextPacketId;

        ServerSideSession(long clientSessionId, byte[] key) {
            this.clientSessionId = clientSessionId;
            this.key = key;
            long id;
            do {
                id = entropy.nextLong();
            } while (id == clientSessionId);
            this.serverSessionId = id;
            this.sealer = aes ? factory.create(udpAlgorithm, Sip022Keys.sessionSubkey(key, longBytes(id)))
                    : factory.create(udpAlgorithm, key);
            this.headerBlock = aes ? new AesBlock(key) : null;
        }

        @Override
        public boolean accept(ClientPacket packet) {
            PacketState state = (PacketState) packet.protocolState();
            if (!Arrays.equals(state.key(), key) || !window.isFresh(state.packetId())) {
                return false; // a replay, or another user claiming this session id
            }
            window.accept(state.packetId());
            return true;
        }

        @Override
        public ByteBuf sealReply(ByteBufAllocator alloc, InetSocketAddress source, ByteBuf payload) {
            ByteBuf body = alloc.directBuffer(1 + 8 + 8 + 2 + SocksAddressCodec.MAX_LENGTH + payload.readableBytes());
            try {
                body.writeByte(Sip022.TYPE_SERVER).writeLong(Sip022.now(clock)).writeLong(clientSessionId).writeShort(0);
                SocksAddressCodec.encode(source, body);
                body.writeBytes(payload, payload.readerIndex(), payload.readableBytes());
                return seal(alloc, sealer, headerBlock, serverSessionId, nextPacketId++, List.of(), null, body);
            } finally {
                body.release();
            }
        }
    }

    // ---- client side ----

    @Override
    public ClientSession newClientSession() {
        return new ClientSideSession();
    }

    /** One client session: our session id and packet counter, and the server sessions answering it. */
    private final class ClientSideSession implements ClientSession {
        private static final int SERVER_SESSIONS = 3;

        private final long sessionId = entropy.nextLong();
        private final Aead sealer;
        private final AesBlock firstHeaderBlock;
        private final List<byte[]> identityKeys = credentials.identityKeys();
        private final Map<Long, ServerSessionState> servers = new LinkedHashMap<>(4, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, ServerSessionState> eldest) {
                return size() > SERVER_SESSIONS;
            }
        };
        private AesBlock responseHeaderBlock;
        private Aead responseChaCha;
        private long nextPacketId;

        private final class ServerSessionState {
            final PacketWindow window = new PacketWindow();
            final Aead opener;

            ServerSessionState(long serverSessionId) {
                opener = aes ? factory.create(udpAlgorithm, Sip022Keys.sessionSubkey(credentials.key(),
                        longBytes(serverSessionId))) : null;
            }
        }

        ClientSideSession() {
            this.sealer = aes ? factory.create(udpAlgorithm, Sip022Keys.sessionSubkey(credentials.key(), longBytes(sessionId)))
                    : factory.create(udpAlgorithm, credentials.key());
            this.firstHeaderBlock = aes ? new AesBlock(identityKeys.isEmpty() ? credentials.key() : identityKeys.get(0))
                    : null;
        }

        @Override
        public ByteBuf seal(ByteBufAllocator alloc, InetSocketAddress target, ByteBuf payload) {
            ByteBuf body = alloc.directBuffer(1 + 8 + 2 + SocksAddressCodec.MAX_LENGTH + payload.readableBytes());
            try {
                body.writeByte(Sip022.TYPE_CLIENT).writeLong(Sip022.now(clock)).writeShort(0);
                SocksAddressCodec.encode(target, body);
                body.writeBytes(payload, payload.readerIndex(), payload.readableBytes());
                return Sip022DatagramProtocol.this.seal(alloc, sealer, firstHeaderBlock, sessionId, nextPacketId++,
                        identityKeys, credentials.key(), body);
            } finally {
                body.release();
            }
        }

        @Override
        public ServerPacket open(ByteBufAllocator alloc, ByteBuf packet) {
            try {
                return aes ? openAes(alloc, packet) : openChaCha(alloc, packet);
            } catch (AEADBadTagException | CorruptedFrameException | IndexOutOfBoundsException e) {
                return null;
            }
        }

        private ServerPacket openAes(ByteBufAllocator alloc, ByteBuf packet) throws AEADBadTagException {
            if (packet.readableBytes() < AesBlock.SIZE + method.tagSize() + 1 + 8 + 8 + 2) {
                return null;
            }
            if (responseHeaderBlock == null) {
                responseHeaderBlock = new AesBlock(credentials.key());
            }
            byte[] separate = new byte[AesBlock.SIZE];
            packet.getBytes(packet.readerIndex(), separate);
            responseHeaderBlock.decrypt(separate, 0, separate, 0);
            long serverSessionId = ByteBuffer.wrap(separate).getLong(0);
            long packetId = ByteBuffer.wrap(separate).getLong(8);
            ServerSessionState server = servers.get(serverSessionId);
            if (server != null && !server.window.isFresh(packetId)) {
                return null;
            }
            ServerSessionState state = server != null ? server : new ServerSessionState(serverSessionId);
            ByteBuf body = Sip022DatagramProtocol.this.open(alloc, state.opener, Arrays.copyOfRange(separate, 4, 16),
                    packet, packet.readerIndex() + AesBlock.SIZE);
            return finish(body, serverSessionId, packetId, state);
        }

        private ServerPacket openChaCha(ByteBufAllocator alloc, ByteBuf packet) throws AEADBadTagException {
            int nonceSize = udpAlgorithm.nonceSize();
            if (packet.readableBytes() < nonceSize + 16 + method.tagSize() + 1 + 8 + 8 + 2) {
                return null;
            }
            if (responseChaCha == null) {
                responseChaCha = factory.create(udpAlgorithm, credentials.key());
            }
            byte[] nonce = new byte[nonceSize];
            packet.getBytes(packet.readerIndex(), nonce);
            ByteBuf body = Sip022DatagramProtocol.this.open(alloc, responseChaCha, nonce, packet,
                    packet.readerIndex() + nonceSize);
            long serverSessionId = body.readLong();
            long packetId = body.readLong();
            ServerSessionState server = servers.get(serverSessionId);
            if (server != null && !server.window.isFresh(packetId)) {
                body.release();
                return null;
            }
            return finish(body, serverSessionId, packetId, server != null ? server : new ServerSessionState(serverSessionId));
        }

        private ServerPacket finish(ByteBuf body, long serverSessionId, long packetId, ServerSessionState state) {
            InetSocketAddress source;
            try {
                source = readBodyHeader(body, Sip022.TYPE_SERVER, sessionId);
            } catch (RuntimeException e) {
                body.release();
                throw e instanceof IndexOutOfBoundsException ? new CorruptedFrameException(e) : e;
            }
            servers.put(serverSessionId, state);
            state.window.accept(packetId);
            return new ServerPacket(source, body);
        }
    }

    // ---- shared framing ----

    /**
     * Seals one packet. AES: the encrypted separate header, identity headers, then the body sealed with
     * {@code aead}. ChaCha: a random nonce, then session id, packet id and body sealed together.
     */
    private ByteBuf seal(ByteBufAllocator alloc, Aead aead, AesBlock headerBlock, long sessionId, long packetId,
            List<byte[]> identityKeys, byte[] userKey, ByteBuf body) {
        int tag = method.tagSize();
        if (!aes) {
            int nonceSize = udpAlgorithm.nonceSize();
            ByteBuf out = alloc.directBuffer(nonceSize + 16 + body.readableBytes() + tag);
            byte[] nonce = new byte[nonceSize];
            entropy.nextBytes(nonce);
            out.writeBytes(nonce);
            ByteBuf plain = alloc.directBuffer(16 + body.readableBytes());
            try {
                plain.writeLong(sessionId).writeLong(packetId).writeBytes(body, body.readerIndex(), body.readableBytes());
                aead.seal(nonce, plain.nioBuffer(), out.internalNioBuffer(out.writerIndex(), plain.readableBytes() + tag));
                out.writerIndex(out.writerIndex() + plain.readableBytes() + tag);
            } finally {
                plain.release();
            }
            return out;
        }
        byte[] separate = ByteBuffer.allocate(16).putLong(sessionId).putLong(packetId).array();
        ByteBuf out = alloc.directBuffer(16 + identityKeys.size() * 16 + body.readableBytes() + tag);
        byte[] block = new byte[AesBlock.SIZE];
        headerBlock.encrypt(separate, 0, block, 0);
        out.writeBytes(block);
        for (int i = 0; i < identityKeys.size(); i++) {
            byte[] next = i + 1 < identityKeys.size() ? identityKeys.get(i + 1) : userKey;
            byte[] hash = Sip022Keys.pskHash(next);
            for (int j = 0; j < hash.length; j++) {
                hash[j] ^= separate[j];
            }
            new AesBlock(identityKeys.get(i)).encrypt(hash, 0, block, 0);
            out.writeBytes(block);
        }
        int length = body.readableBytes();
        aead.seal(Arrays.copyOfRange(separate, 4, 16), body.nioBuffer(), out.internalNioBuffer(out.writerIndex(), length + tag));
        out.writerIndex(out.writerIndex() + length + tag);
        return out;
    }

    /** Opens the sealed part of a packet, from {@code offset} to its end, into a new buffer. */
    private ByteBuf open(ByteBufAllocator alloc, Aead aead, byte[] nonce, ByteBuf packet, int offset)
            throws AEADBadTagException {
        int sealed = packet.writerIndex() - offset;
        int plainLength = sealed - method.tagSize();
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

    private static byte[] longBytes(long value) {
        return ByteBuffer.allocate(8).putLong(value).array();
    }
}
