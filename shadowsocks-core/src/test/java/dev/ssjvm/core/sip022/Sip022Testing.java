package dev.ssjvm.core.sip022;

import dev.ssjvm.core.protocol.TcpClientProtocol;
import dev.ssjvm.core.protocol.TcpServerProtocol;
import dev.ssjvm.core.protocol.UdpClientProtocol;
import dev.ssjvm.core.protocol.UserKey;
import dev.ssjvm.core.replay.SaltPool;
import dev.ssjvm.crypto.AeadFactory;
import dev.ssjvm.crypto.CipherKind;
import java.time.Clock;
import java.util.List;

/** The 2022 protocols as the tests build them: one role each, optionally with fixed entropy. */
final class Sip022Testing {
    private Sip022Testing() {}

    static Sip022Users users(CipherKind kind, List<UserKey> users) {
        return new Sip022Users(kind, !users.isEmpty(), users);
    }

    static TcpServerProtocol tcpServer(CipherKind kind, String password, List<UserKey> users, AeadFactory crypto,
            SaltPool pool, Clock clock) {
        return tcpServer(kind, password, users, crypto, pool, clock, Entropy.SECURE);
    }

    static TcpServerProtocol tcpServer(CipherKind kind, String password, List<UserKey> users, AeadFactory crypto,
            SaltPool pool, Clock clock, Entropy entropy) {
        return new Sip022TcpServerProtocol(kind, Sip022Credentials.server(kind, password).key(), users(kind, users),
                crypto, pool, clock, entropy);
    }

    static TcpClientProtocol tcpClient(CipherKind kind, String password, AeadFactory crypto, Clock clock) {
        return tcpClient(kind, password, crypto, clock, Entropy.SECURE);
    }

    static TcpClientProtocol tcpClient(CipherKind kind, String password, AeadFactory crypto, Clock clock,
            Entropy entropy) {
        return new Sip022TcpClientProtocol(Sip022Credentials.client(kind, password), crypto, clock, entropy);
    }

    static Sip022UdpServerProtocol udpServer(CipherKind kind, String password, List<UserKey> users, AeadFactory crypto,
            Clock clock) {
        return udpServer(kind, password, users, crypto, clock, Entropy.SECURE);
    }

    static Sip022UdpServerProtocol udpServer(CipherKind kind, String password, List<UserKey> users, AeadFactory crypto,
            Clock clock, Entropy entropy) {
        return Sip022UdpServerProtocol.create(kind, password, users(kind, users), crypto, clock, entropy);
    }

    static UdpClientProtocol udpClient(CipherKind kind, String password, AeadFactory crypto, Clock clock) {
        return udpClient(kind, password, crypto, clock, Entropy.SECURE);
    }

    static UdpClientProtocol udpClient(CipherKind kind, String password, AeadFactory crypto, Clock clock,
            Entropy entropy) {
        return Sip022UdpClientProtocol.create(kind, password, crypto, clock, entropy);
    }
}
