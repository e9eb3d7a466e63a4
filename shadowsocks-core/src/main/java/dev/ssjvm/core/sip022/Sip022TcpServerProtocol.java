package dev.ssjvm.core.sip022;

import dev.ssjvm.core.protocol.TcpServerProtocol;
import dev.ssjvm.core.replay.SaltPool;
import dev.ssjvm.crypto.AeadFactory;
import dev.ssjvm.crypto.CipherKind;
import io.netty.channel.ChannelHandler;
import java.time.Clock;

/**
 * SIP022 TCP on a server port (the 2022 edition), with SIP023 identity headers on a multi-user port:
 * the port's keys, users and replay state, which both halves of each connection's codec read.
 *
 * @param psk the port's PSK, or its identity PSK on a multi-user port
 * @param users the port's users, shared with its UDP protocol
 */
record Sip022TcpServerProtocol(CipherKind method, byte[] psk, Sip022Users users, AeadFactory factory,
        SaltPool saltPool, Clock clock, Entropy entropy) implements TcpServerProtocol {

    /** @throws IllegalArgumentException for a malformed key */
    static Sip022TcpServerProtocol create(CipherKind method, String password, Sip022Users users,
            AeadFactory factory, SaltPool saltPool, Clock clock) {
        return new Sip022TcpServerProtocol(method, Sip022Credentials.server(method, password).key(), users, factory,
                saltPool, clock, Entropy.SECURE);
    }

    @Override
    public CipherKind cipher() {
        return method;
    }

    @Override
    public int maxChunkPayload() {
        return Sip022.MAX_CHUNK;
    }

    @Override
    public ChannelHandler newCodec() {
        Sip022TcpSession session = new Sip022TcpSession();
        return new Sip022.Codec(new Sip022TcpServerDecoder(this, session), new Sip022TcpServerEncoder(this, session));
    }
}
