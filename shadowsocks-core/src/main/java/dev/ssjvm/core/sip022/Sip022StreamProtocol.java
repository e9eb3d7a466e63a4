package dev.ssjvm.core.sip022;

import dev.ssjvm.core.replay.SaltPool;
import dev.ssjvm.core.tcp.StreamProtocol;
import dev.ssjvm.crypto.AeadFactory;
import dev.ssjvm.crypto.CipherKind;
import io.netty.channel.ChannelHandler;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.MessageToByteEncoder;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;

/**
 * SIP022 TCP (the 2022 edition) with SIP023 identity headers: a server protocol for one port (one key,
 * or an identity key and a table of users), or a client protocol for one server.
 */
public final class Sip022StreamProtocol implements StreamProtocol {
    private final CipherKind method;
    private final Sip022Credentials credentials;
    private final Sip022Users users;
    private final AeadFactory factory;
    private final SaltPool saltPool;
    private final Clock clock;
    private final boolean server;
    private final Entropy entropy;

    private Sip022StreamProtocol(CipherKind method, Sip022Credentials credentials, Sip022Users users,
            AeadFactory factory, SaltPool saltPool, Clock clock, boolean server, Entropy entropy) {
        this.entropy = entropy;
        this.method = method;
        this.credentials = credentials;
        this.users = users;
        this.factory = factory;
        this.saltPool = saltPool;
        this.clock = clock;
        this.server = server;
    }

    /**
     * @param password the port's PSK, or its identity PSK when {@code users} is not empty
     * @throws IllegalArgumentException for malformed keys, or users on a method without identity headers
     */
    public static Sip022StreamProtocol server(CipherKind method, String password, List<Sip022Users.UserKey> users,
            AeadFactory factory, SaltPool saltPool, Clock clock) {
        return server(method, password, users, factory, saltPool, clock, Entropy.SECURE);
    }

    static Sip022StreamProtocol server(CipherKind method, String password, List<Sip022Users.UserKey> users,
            AeadFactory factory, SaltPool saltPool, Clock clock, Entropy entropy) {
        requireFamily(method);
        if (!users.isEmpty() && !Sip022Credentials.supportsIdentityHeaders(method)) {
            throw new IllegalArgumentException("several users on one port need an AES 2022 method (" + method
                    + " has no identity headers)");
        }
        return new Sip022StreamProtocol(method, Sip022Credentials.server(method, password),
                new Sip022Users(method, users), factory, saltPool, clock, true, entropy);
    }

    /** @param password the PSK, or {@code iPSK:...:uPSK} with identity headers */
    public static Sip022StreamProtocol client(CipherKind method, String password, AeadFactory factory, Clock clock) {
        return client(method, password, factory, clock, Entropy.SECURE);
    }

    static Sip022StreamProtocol client(CipherKind method, String password, AeadFactory factory, Clock clock,
            Entropy entropy) {
        requireFamily(method);
        return new Sip022StreamProtocol(method, Sip022Credentials.client(method, password),
                new Sip022Users(method, List.of()), factory, null, clock, false, entropy);
    }

    private static void requireFamily(CipherKind method) {
        if (method.family() != CipherKind.Family.AEAD_2022) {
            throw new IllegalArgumentException(method + " is not a 2022 method");
        }
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
    public ChannelHandler newServerCodec() {
        if (!server) {
            throw new IllegalStateException("a client protocol has no server codec");
        }
        Sip022Session session = new Sip022Session();
        return new Codec(new Sip022ServerDecoder(method, credentials.key(), users, factory, saltPool, clock, session),
                new Sip022ServerEncoder(method, factory, clock, session, entropy));
    }

    @Override
    public ChannelHandler newClientCodec(InetSocketAddress target) {
        if (server) {
            throw new IllegalStateException("a server protocol has no client codec");
        }
        Sip022Session session = new Sip022Session();
        return new Codec(new Sip022ClientDecoder(credentials, factory, clock, session),
                new Sip022ClientEncoder(credentials, factory, clock, session, target, entropy));
    }

    /** Decoder and encoder of one connection, installed as one pipeline entry. */
    private static final class Codec
            extends CombinedChannelDuplexHandler<ByteToMessageDecoder, MessageToByteEncoder<?>> {
        Codec(ByteToMessageDecoder decoder, MessageToByteEncoder<?> encoder) {
            super(decoder, encoder);
        }
    }
}
