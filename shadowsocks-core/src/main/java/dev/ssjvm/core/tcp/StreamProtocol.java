package dev.ssjvm.core.tcp;

import dev.ssjvm.crypto.CipherKind;
import io.netty.channel.ChannelHandler;
import java.net.InetSocketAddress;

/**
 * One Shadowsocks TCP framing with its keys: the seam between the protocol and the relay. The relay
 * only sees plaintext and {@link ProxyRequest}s; which cipher family, key or user is behind a
 * connection stays in here.
 */
public interface StreamProtocol {

    CipherKind cipher();

    /**
     * The most plaintext one chunk carries: 0x3FFF for SIP004, 0xFFFF for SIP022. Reads of plaintext
     * in multiples of it waste no chunks.
     */
    int maxChunkPayload();

    /**
     * The codec for one connection accepted by a server. Inbound it emits one {@link ProxyRequest},
     * then the client's payload as {@code ByteBuf}s; outbound it takes {@code ByteBuf}s and encrypts
     * them. Input that fails authentication or framing is never answered: the codec discards it and
     * everything after it, and fires a {@link ProtocolViolation} user event.
     */
    ChannelHandler newServerCodec();

    /**
     * The codec for one connection from a client to the server, asking for {@code target}. The
     * request header goes out with the first write (an empty buffer sends it alone); inbound it
     * emits the server's decrypted payload as {@code ByteBuf}s and fails the channel on bad input.
     */
    ChannelHandler newClientCodec(InetSocketAddress target);
}
