package dev.ssjvm.core.sip022;

import dev.ssjvm.core.protocol.ClientPacket;
import dev.ssjvm.core.protocol.UdpServerProtocol;
import dev.ssjvm.core.replay.PacketWindow;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;

/**
 * The server half of one client session: the replay window of the client's packet ids, and a server
 * session of our own (a fresh id, sealed under the client's user key) that the replies go out in.
 */
final class Sip022UdpServerSession implements UdpServerProtocol.Session<Sip022UdpServerProtocol.PacketState> {
    private final long clientSessionId;
    private final byte[] key;
    private final Clock clock;
    private final PacketWindow window = new PacketWindow();
    private final Sip022UdpFormat.Sealer sealer;

    /** A session for {@code first}, which it accepts. */
    Sip022UdpServerSession(Sip022UdpServerProtocol.PacketState first, Sip022UdpFormat format, Clock clock,
            Entropy entropy) {
        this.clientSessionId = first.sessionId();
        this.key = first.key();
        this.clock = clock;
        long id;
        do {
            id = entropy.nextLong();
        } while (id == clientSessionId);
        this.sealer = format.sealer(id, key, List.of());
        window.accept(first.packetId());
    }

    @Override
    public boolean accept(ClientPacket<Sip022UdpServerProtocol.PacketState> packet) {
        Sip022UdpServerProtocol.PacketState p = packet.state();
        if (!Arrays.equals(p.key(), key) || !window.isFresh(p.packetId())) {
            return false; // a replay, or another user claiming this session id
        }
        window.accept(p.packetId());
        return true;
    }

    @Override
    public ByteBuf sealReply(ByteBufAllocator alloc, InetSocketAddress source, ByteBuf payload) {
        ByteBuf body = Sip022UdpBody.server(alloc, clock, clientSessionId, source, payload);
        try {
            return sealer.seal(alloc, body);
        } finally {
            body.release();
        }
    }
}
