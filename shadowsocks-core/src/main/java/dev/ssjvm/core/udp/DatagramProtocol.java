package dev.ssjvm.core.udp;

import dev.ssjvm.crypto.CipherKind;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * One Shadowsocks UDP packet format with its keys: the UDP counterpart of {@code StreamProtocol}.
 * The relays only see addresses and plaintext payloads, and keep one session object per association.
 *
 * <p>Buffer ownership: methods read the packet they are given without releasing it; every buffer they
 * return is new and owned by the caller.
 */
public interface DatagramProtocol {

    CipherKind cipher();

    /**
     * Server side: authenticates and decrypts a packet from a client.
     *
     * @return the packet, or {@code null} when it must be dropped (failed authentication, bad framing,
     *     malformed address); never throws for bad input
     */
    ClientPacket openFromClient(ByteBufAllocator alloc, ByteBuf packet);

    /** Server side: state for one client association, made from its first packet. */
    ServerSession newServerSession(ClientPacket first);

    /** Client side: state for one association with the server. */
    ClientSession newClientSession();

    /** Server-side state of one association. Used from one event loop only. */
    interface ServerSession {
        /**
         * Whether a packet of this association may be relayed (false for a replay). The first packet
         * has already been accepted by {@link #newServerSession}.
         */
        boolean accept(ClientPacket packet);

        /** Seals a payload from {@code source} for the client. */
        ByteBuf sealReply(ByteBufAllocator alloc, java.net.InetSocketAddress source, ByteBuf payload);
    }

    /** Client-side state of one association. Used from one event loop only. */
    interface ClientSession {
        /** Seals a payload for {@code target} into a packet for the server. */
        ByteBuf seal(ByteBufAllocator alloc, java.net.InetSocketAddress target, ByteBuf payload);

        /** Opens a packet from the server; {@code null} when it must be dropped. */
        ServerPacket open(ByteBufAllocator alloc, ByteBuf packet);
    }
}
