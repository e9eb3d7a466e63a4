package dev.ssjvm.core.protocol;

import dev.ssjvm.crypto.CipherKind;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.net.InetSocketAddress;

/**
 * The UDP packet format of one server port with its keys: the UDP counterpart of
 * {@link TcpServerProtocol}. The relay only sees addresses and plaintext payloads, and keeps one
 * {@link Session} per association.
 *
 * <p>Buffer ownership: methods read the packet they are given without releasing it; every buffer they
 * return is new and owned by the caller.
 *
 * @param <S> the per-packet state this protocol's sessions decide on (see {@link ClientPacket#state()})
 */
public interface UdpServerProtocol<S> {

    CipherKind cipher();

    /**
     * Authenticates and decrypts a packet from a client.
     *
     * @return the packet, or {@code null} when it must be dropped (failed authentication, bad framing,
     *     malformed address, replay); never throws for bad input
     */
    ClientPacket<S> open(ByteBufAllocator alloc, ByteBuf packet);

    /** State for one client association, made from its first packet (which it accepts). */
    Session<S> newSession(ClientPacket<S> first);

    /** Server-side state of one association. Used from one event loop only. */
    interface Session<S> {
        /**
         * Whether a later packet of this association may be relayed (false for a replay, or for a
         * packet of another user claiming this association).
         */
        boolean accept(ClientPacket<S> packet);

        /** Seals a payload from {@code source} for the client. */
        ByteBuf sealReply(ByteBufAllocator alloc, InetSocketAddress source, ByteBuf payload);
    }
}
