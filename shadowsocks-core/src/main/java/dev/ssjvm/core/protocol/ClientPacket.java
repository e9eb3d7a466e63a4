package dev.ssjvm.core.protocol;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;

/**
 * A decrypted client packet on the server: where it goes, what it carries, who sent it, and what the
 * protocol's session needs to decide on it.
 *
 * @param sessionKey the association the packet belongs to when the protocol names one (SIP022: the
 *     client session id); {@code null} when associations are keyed by the client's address
 * @param payload owned by whoever holds the packet; {@link #release()} it when done
 * @param user the user on a multi-user port; {@code null} otherwise
 * @param state the protocol's own per-packet state (SIP022: packet id and key), typed by the protocol
 * @param <S> the type of {@code state} ({@link Void} for a protocol with none)
 */
public record ClientPacket<S>(Object sessionKey, InetSocketAddress target, ByteBuf payload, String user, S state) {

    public void release() {
        payload.release();
    }
}
