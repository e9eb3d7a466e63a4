package dev.ssjvm.core.sip022;

import dev.ssjvm.core.protocol.UdpClientProtocol;
import dev.ssjvm.crypto.AeadFactory;
import dev.ssjvm.crypto.CipherKind;
import java.time.Clock;

/**
 * SIP022 UDP towards one server, with identity headers when the password is {@code iPSK:...:uPSK}.
 * Holds only keys: every {@link Sip022UdpClientSession} owns its ciphers, so sessions may live on
 * different event loops.
 */
final class Sip022UdpClientProtocol implements UdpClientProtocol {
    private final Sip022Credentials credentials;
    private final Sip022Users noUsers;
    private final Sip022UdpFormat format;
    private final Clock clock;
    private final Entropy entropy;

    private Sip022UdpClientProtocol(Sip022Credentials credentials, AeadFactory factory, Clock clock, Entropy entropy) {
        this.credentials = credentials;
        this.noUsers = Sip022Users.singleKey(credentials.method());
        this.format = Sip022UdpFormat.of(credentials.method(), factory, entropy);
        this.clock = clock;
        this.entropy = entropy;
    }

    /**
     * @param password the PSK, or {@code iPSK:...:uPSK} with identity headers
     * @throws IllegalArgumentException for malformed keys
     */
    static Sip022UdpClientProtocol create(CipherKind method, String password, AeadFactory factory,
            Clock clock) {
        return create(method, password, factory, clock, Entropy.SECURE);
    }

    static Sip022UdpClientProtocol create(CipherKind method, String password, AeadFactory factory, Clock clock,
            Entropy entropy) {
        return new Sip022UdpClientProtocol(Sip022Credentials.client(method, password), factory, clock, entropy);
    }

    @Override
    public CipherKind cipher() {
        return credentials.method();
    }

    @Override
    public UdpClientProtocol.Session newSession() {
        return new Sip022UdpClientSession(credentials, noUsers, format, clock, entropy);
    }
}
