package dev.ssjvm.core.udp;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCounted;
import java.net.InetSocketAddress;

/**
 * A decrypted client packet on the server: where it goes and what it carries.
 *
 * @param sessionId the association it belongs to when the protocol names one (SIP022 client session
 *     id); {@code null} when associations are keyed by the client's address (SIP004)
 * @param payload owned by whoever holds the packet; {@link #release()} it when done
 * @param user the user the packet came from on a multi-user port; {@code null} otherwise
 * @param protocolState whatever the protocol needs to remember about this packet (e.g. its packet id)
 */
public record ClientPacket(Object sessionId, InetSocketAddress target, ByteBuf payload, String user,
        Object protocolState)
        implements ReferenceCounted {

    @Override
    public int refCnt() {
        return payload.refCnt();
    }

    @Override
    public ClientPacket retain() {
        payload.retain();
        return this;
    }

    @Override
    public ClientPacket retain(int increment) {
        payload.retain(increment);
        return this;
    }

    @Override
    public ClientPacket touch() {
        payload.touch();
        return this;
    }

    @Override
    public ClientPacket touch(Object hint) {
        payload.touch(hint);
        return this;
    }

    @Override
    public boolean release() {
        return payload.release();
    }

    @Override
    public boolean release(int decrement) {
        return payload.release(decrement);
    }
}
