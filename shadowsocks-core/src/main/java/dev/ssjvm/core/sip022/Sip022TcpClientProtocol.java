package dev.ssjvm.core.sip022;

import dev.ssjvm.core.protocol.TcpClientProtocol;
import dev.ssjvm.crypto.AeadFactory;
import dev.ssjvm.crypto.CipherKind;
import io.netty.channel.ChannelHandler;
import java.net.InetSocketAddress;
import java.time.Clock;

/**
 * SIP022 TCP towards one server, with identity headers when the password is {@code iPSK:...:uPSK}: the
 * keys both halves of each connection's codec read.
 */
record Sip022TcpClientProtocol(Sip022Credentials credentials, AeadFactory factory, Clock clock, Entropy entropy)
        implements TcpClientProtocol {

    /**
     * @param password the PSK, or {@code iPSK:...:uPSK} with identity headers
     * @throws IllegalArgumentException for malformed keys
     */
    static Sip022TcpClientProtocol create(CipherKind method, String password, AeadFactory factory,
            Clock clock) {
        return new Sip022TcpClientProtocol(Sip022Credentials.client(method, password), factory, clock, Entropy.SECURE);
    }

    @Override
    public CipherKind cipher() {
        return credentials.method();
    }

    @Override
    public int maxChunkPayload() {
        return Sip022.MAX_CHUNK;
    }

    @Override
    public ChannelHandler newCodec(InetSocketAddress target) {
        Sip022TcpSession session = new Sip022TcpSession();
        return new Sip022.Codec(new Sip022TcpClientDecoder(this, session),
                new Sip022TcpClientEncoder(this, session, target));
    }
}
