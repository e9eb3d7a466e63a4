package dev.ssjvm.core.protocol;

import dev.ssjvm.crypto.CipherKind;
import io.netty.channel.ChannelHandler;
import java.net.InetSocketAddress;

/** The TCP framing a client uses towards one server, with its keys. */
public interface TcpClientProtocol {

    CipherKind cipher();

    /** As {@link TcpServerProtocol#maxChunkPayload()}: client reads are sized in whole chunks of it. */
    int maxChunkPayload();

    /**
     * The codec for one connection to the server, asking for {@code target}. The request header goes
     * out with the first write (an empty buffer sends it alone); inbound it emits the server's
     * decrypted payload as {@code ByteBuf}s and fails the channel on bad input.
     */
    ChannelHandler newCodec(InetSocketAddress target);
}
