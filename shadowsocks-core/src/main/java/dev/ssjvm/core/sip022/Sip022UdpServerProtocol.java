package dev.ssjvm.core.sip022;

import dev.ssjvm.core.protocol.ClientPacket;
import dev.ssjvm.core.protocol.UdpServerProtocol;
import dev.ssjvm.crypto.Aead;
import dev.ssjvm.crypto.AeadFactory;
import dev.ssjvm.crypto.CipherKind;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.CorruptedFrameException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.AEADBadTagException;

/**
 * SIP022 UDP on a server port, with SIP023 identity headers on a multi-user port. Opening is
 * stateless apart from a cache of client session ciphers (AES methods derive one per session, which
 * is too slow to do per packet); replay checks belong to each {@link Sip022UdpServerSession}, which
 * sees a packet only once it has been fully validated. Used from one event loop.
 */
final class Sip022UdpServerProtocol implements UdpServerProtocol<Sip022UdpServerProtocol.PacketState> {
    private static final int SESSION_CIPHER_CACHE = 1024;

    private final CipherKind method;
    private final Sip022UdpFormat format;
    private final Sip022UdpFormat.Opener opener;
    private final SessionCiphers ciphers = new SessionCiphers();
    private final Clock clock;
    private final Entropy entropy;

    private Sip022UdpServerProtocol(CipherKind method, byte[] psk, Sip022Users users, AeadFactory factory,
            Clock clock, Entropy entropy) {
        this.method = method;
        this.format = Sip022UdpFormat.of(method, factory, entropy);
        this.opener = format.opener(psk, users, Sip022UdpBody.MIN_CLIENT);
        this.clock = clock;
        this.entropy = entropy;
    }

    /**
     * @param password the port's PSK, or its identity PSK on a multi-user port
     * @param users the port's users, shared with its TCP protocol
     * @throws IllegalArgumentException for a malformed key
     */
    static Sip022UdpServerProtocol create(CipherKind method, String password, Sip022Users users,
            AeadFactory factory, Clock clock) {
        return create(method, password, users, factory, clock, Entropy.SECURE);
    }

    static Sip022UdpServerProtocol create(CipherKind method, String password, Sip022Users users,
            AeadFactory factory, Clock clock, Entropy entropy) {
        return new Sip022UdpServerProtocol(method, Sip022Credentials.server(method, password).key(), users, factory,
                clock, entropy);
    }

    @Override
    public CipherKind cipher() {
        return method;
    }

    @Override
    public ClientPacket<PacketState> open(ByteBufAllocator alloc, ByteBuf packet) {
        try {
            Sip022UdpFormat.Opened<SessionKey> opened = opener.open(alloc, packet, ciphers);
            if (opened == null) {
                return null;
            }
            InetSocketAddress target = Sip022UdpBody.readClient(opened.body(), clock);
            if (target == null) {
                opened.body().release();
                return null;
            }
            return new ClientPacket<>(opened.sessionId(), target, opened.body(), opened.user(),
                    new PacketState(opened.sessionId(), opened.packetId(), opened.key()));
        } catch (AEADBadTagException | CorruptedFrameException | IndexOutOfBoundsException e) {
            return null;
        }
    }

    @Override
    public UdpServerProtocol.Session<PacketState> newSession(ClientPacket<PacketState> first) {
        return new Sip022UdpServerSession(first.state(), format, clock, entropy);
    }

    /**
     * What a client packet's session decides on: the packet id, which goes through the session's
     * replay window, and the key it was sealed under, which must be the session's user's.
     */
    record PacketState(long sessionId, long packetId, byte[] key) {}

    /** A session cipher is named by its session id and the PSK it hangs from (users differ in PSK). */
    private record SessionKey(long sessionId, ByteBuffer psk) {}

    /**
     * Client sessions as the opener sees them: any id is welcome (the session's window decides
     * later), and each has its cipher in a least-recently-used cache.
     */
    private final class SessionCiphers implements Sip022UdpFormat.SenderSessions<SessionKey> {
        private final Map<SessionKey, Aead> cache = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<SessionKey, Aead> eldest) {
                return size() > SESSION_CIPHER_CACHE;
            }
        };

        @Override
        public SessionKey find(long sessionId, long packetId, byte[] key) {
            return new SessionKey(sessionId, ByteBuffer.wrap(key));
        }

        @Override
        public Aead cipher(SessionKey session) {
            return cache.computeIfAbsent(session, k -> format.sessionCipher(k.psk().array(), k.sessionId()));
        }
    }
}
