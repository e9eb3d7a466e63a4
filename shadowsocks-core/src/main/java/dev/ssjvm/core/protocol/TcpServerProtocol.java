package dev.ssjvm.core.protocol;

import dev.ssjvm.crypto.CipherKind;
import io.netty.channel.ChannelHandler;

/**
 * The TCP framing of one server port with its keys: the seam between the protocol and the relay. The
 * relay only sees plaintext and {@link ProxyRequest}s; which method family, key or user is behind a
 * connection stays in here.
 */
public interface TcpServerProtocol {

    CipherKind cipher();

    /**
     * The most plaintext one chunk carries (0x3FFF for SIP004, 0xFFFF for SIP022). Reads of plaintext
     * in multiples of it waste no chunks.
     */
    int maxChunkPayload();

    /**
     * The codec for one accepted connection. Inbound it emits one {@link ProxyRequest}, then the
     * client's payload as {@code ByteBuf}s; outbound it takes {@code ByteBuf}s and encrypts them. Input
     * that fails authentication or framing is never answered: the codec discards it and everything
     * after it, and fires a {@link ProtocolViolation} user event.
     */
    ChannelHandler newCodec();
}
