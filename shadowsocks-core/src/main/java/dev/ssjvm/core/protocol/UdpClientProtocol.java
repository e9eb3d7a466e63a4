package dev.ssjvm.core.protocol;

import dev.ssjvm.crypto.CipherKind;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.net.InetSocketAddress;

/**
 * The UDP packet format a client uses towards one server, with its keys. Buffer ownership as in
 * {@link UdpServerProtocol}.
 */
public interface UdpClientProtocol {

    CipherKind cipher();

    /** State for one association with the server (for SIP022, its own session id). */
    Session newSession();

    /** Client-side state of one association. Used from one event loop only. */
    interface Session {
        /** Seals a payload for {@code target} into a packet for the server. */
        ByteBuf seal(ByteBufAllocator alloc, InetSocketAddress target, ByteBuf payload);

        /** Opens a packet from the server; {@code null} when it must be dropped. */
        ServerPacket open(ByteBufAllocator alloc, ByteBuf packet);
    }
}
