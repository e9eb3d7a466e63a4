package dev.ssjvm.core.sip022;

import dev.ssjvm.core.protocol.ServerPacket;
import dev.ssjvm.core.protocol.UdpClientProtocol;
import dev.ssjvm.core.replay.PacketWindow;
import dev.ssjvm.crypto.Aead;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.CorruptedFrameException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.AEADBadTagException;

/**
 * One client session: our session id and packet counter, and the server sessions answering it. A
 * server can start answering from a new session id (after a restart, for one), so the last few are
 * kept, each with its own replay window.
 */
final class Sip022UdpClientSession implements UdpClientProtocol.Session {
    private static final int SERVER_SESSIONS = 3;

    private final long sessionId;
    private final Clock clock;
    private final Sip022UdpFormat.Sealer sealer;
    private final Sip022UdpFormat.Opener opener;
    private final ServerSessions servers;

    Sip022UdpClientSession(Sip022Credentials credentials, Sip022Users noUsers, Sip022UdpFormat format, Clock clock,
            Entropy entropy) {
        this.sessionId = entropy.nextLong();
        this.clock = clock;
        this.sealer = format.sealer(sessionId, credentials.key(), credentials.identityKeys());
        this.opener = format.opener(credentials.key(), noUsers, Sip022UdpBody.MIN_SERVER);
        this.servers = new ServerSessions(format, credentials.key());
    }

    @Override
    public ByteBuf seal(ByteBufAllocator alloc, InetSocketAddress target, ByteBuf payload) {
        ByteBuf body = Sip022UdpBody.client(alloc, clock, target, payload);
        try {
            return sealer.seal(alloc, body);
        } finally {
            body.release();
        }
    }

    @Override
    public ServerPacket open(ByteBufAllocator alloc, ByteBuf packet) {
        try {
            Sip022UdpFormat.Opened<ServerSession> opened = opener.open(alloc, packet, servers);
            if (opened == null) {
                return null;
            }
            InetSocketAddress source = Sip022UdpBody.readServer(opened.body(), clock, sessionId);
            if (source == null) {
                opened.body().release();
                return null;
            }
            servers.accept(opened.session(), opened.packetId());
            return new ServerPacket(source, opened.body());
        } catch (AEADBadTagException | CorruptedFrameException | IndexOutOfBoundsException e) {
            return null;
        }
    }

    /** What we know of one server session: its replay window and the cipher of its packets. */
    private static final class ServerSession {
        final long id;
        final PacketWindow window = new PacketWindow();
        Aead cipher;

        ServerSession(long id) {
            this.id = id;
        }
    }

    /**
     * The server sessions answering us, most recent last. A packet of a known session must be fresh in
     * its window; one of an unknown session is only kept once it has been fully validated.
     */
    private static final class ServerSessions implements Sip022UdpFormat.SenderSessions<ServerSession> {
        private final Sip022UdpFormat format;
        private final byte[] psk;
        private final Map<Long, ServerSession> known = new LinkedHashMap<>(4, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, ServerSession> eldest) {
                return size() > SERVER_SESSIONS;
            }
        };

        ServerSessions(Sip022UdpFormat format, byte[] psk) {
            this.format = format;
            this.psk = psk;
        }

        @Override
        public ServerSession find(long serverSessionId, long packetId, byte[] key) {
            ServerSession session = known.get(serverSessionId);
            if (session == null) {
                return new ServerSession(serverSessionId);
            }
            return session.window.isFresh(packetId) ? session : null;
        }

        @Override
        public Aead cipher(ServerSession session) {
            if (session.cipher == null) {
                session.cipher = format.sessionCipher(psk, session.id);
            }
            return session.cipher;
        }

        /** Records a fully validated packet, and its session if new. */
        void accept(ServerSession session, long packetId) {
            known.put(session.id, session);
            session.window.accept(packetId);
        }
    }
}
