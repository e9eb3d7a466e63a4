package dev.ssjvm.core.sip004;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ssjvm.core.protocol.ProtocolViolation;
import dev.ssjvm.core.protocol.ProxyRequest;
import dev.ssjvm.core.replay.BloomSaltFilter;
import dev.ssjvm.core.replay.SaltFilter;
import dev.ssjvm.crypto.Aead;
import dev.ssjvm.crypto.AeadFactory;
import dev.ssjvm.crypto.AeadVectors;
import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.crypto.Kdf;
import dev.ssjvm.crypto.NonceCounter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class Sip004TcpProtocolTest {
    private static final AeadFactory CRYPTO = AeadFactory.automatic();

    static Stream<AeadVectors.Vector> vectors() {
        return AeadVectors.load().stream();
    }

    /** Collects user events so tests can see violations. */
    static final class Events extends ChannelInboundHandlerAdapter {
        final List<Object> events = new ArrayList<>();

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            events.add(evt);
            ctx.fireUserEventTriggered(evt);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void serverDecodesTheLibsodiumAndOpenSslFirstChunk(AeadVectors.Vector v) {
        Sip004TcpProtocol protocol = new Sip004TcpProtocol(v.method(), v.get("password"), CRYPTO, SaltFilter.NONE);
        EmbeddedChannel server = new EmbeddedChannel(protocol.newCodec());
        byte[] stream = v.hex("first_chunk_stream");
        // deliver byte by byte: the decoder must cope with any split
        for (byte b : stream) {
            server.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        ProxyRequest request = server.readInbound();
        assertThat(request.target()).isEqualTo(InetSocketAddress.createUnresolved("example.com", 80));
        ByteBuf payload = server.readInbound();
        assertThat(payload.toString(java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n");
        payload.release();
        assertThat(server.finish()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(names = {"AES_128_GCM", "AES_192_GCM", "AES_256_GCM", "CHACHA20_IETF_POLY1305", "XCHACHA20_IETF_POLY1305"})
    void clientToServerAndBackRoundTrip(CipherKind kind) {
        // two processes, two filters: each side remembers its own salts and the peer's
        Sip004TcpProtocol local = new Sip004TcpProtocol(kind, "round trip", CRYPTO, new BloomSaltFilter(1000));
        Sip004TcpProtocol remote = new Sip004TcpProtocol(kind, "round trip", CRYPTO, new BloomSaltFilter(1000));
        InetSocketAddress target = InetSocketAddress.createUnresolved("target.test", 8080);
        EmbeddedChannel client = new EmbeddedChannel(local.newCodec(target));
        EmbeddedChannel server = new EmbeddedChannel(remote.newCodec());

        byte[] upload = AeadVectors.pattern(100_000, 1);
        client.writeOutbound(Unpooled.wrappedBuffer(upload, 0, 10));
        client.writeOutbound(Unpooled.wrappedBuffer(upload, 10, upload.length - 10));
        pump(client, server, new Random(7));
        ProxyRequest request = server.readInbound();
        assertThat(request.target()).isEqualTo(target);
        assertThat(drainInbound(server)).isEqualTo(upload);

        byte[] download = AeadVectors.pattern(50_000, 2);
        server.writeOutbound(Unpooled.wrappedBuffer(download));
        pump(server, client, new Random(8));
        assertThat(drainInbound(client)).isEqualTo(download);
        assertThat(client.finishAndReleaseAll()).isFalse();
        assertThat(server.finishAndReleaseAll()).isFalse();
    }

    @Test
    void emptyFirstWriteSendsTheHeaderAlone() {
        Sip004TcpProtocol protocol = new Sip004TcpProtocol(CipherKind.AES_256_GCM, "k", CRYPTO, SaltFilter.NONE);
        EmbeddedChannel client = new EmbeddedChannel(protocol.newCodec(InetSocketAddress.createUnresolved("a.b", 1)));
        EmbeddedChannel server = new EmbeddedChannel(protocol.newCodec());
        client.writeOutbound(Unpooled.EMPTY_BUFFER);
        pump(client, server, new Random(1));
        ProxyRequest request = server.readInbound();
        assertThat(request.target().getHostString()).isEqualTo("a.b");
        assertThat((Object) server.readInbound()).isNull();
        client.finishAndReleaseAll();
        server.finishAndReleaseAll();
    }

    @Test
    void randomGarbageOfManyLengthsIsDrainedSilently() {
        Sip004TcpProtocol protocol = new Sip004TcpProtocol(CipherKind.AES_256_GCM, "secret", CRYPTO, SaltFilter.NONE);
        Random random = new Random(3);
        for (int length : new int[] {1, 16, 31, 32, 33, 50, 51, 52, 64, 100, 1000, 16_500, 70_000}) {
            Events events = new Events();
            EmbeddedChannel server = new EmbeddedChannel(protocol.newCodec(), events);
            byte[] junk = new byte[length];
            random.nextBytes(junk);
            server.writeInbound(Unpooled.wrappedBuffer(junk));
            server.writeInbound(Unpooled.wrappedBuffer(junk)); // more of it after the failure
            assertThat((Object) server.readInbound()).as("length %d", length).isNull();
            assertThat(server.isOpen()).isTrue();
            assertThat((Object) server.readOutbound()).isNull();
            long violations = events.events.stream().filter(e -> e instanceof ProtocolViolation).count();
            assertThat(violations).as("length %d", length).isLessThanOrEqualTo(1);
            if (length >= 32 + 18) {
                assertThat(violations).as("length %d", length).isEqualTo(1);
            }
            server.finishAndReleaseAll();
        }
    }

    @Test
    void wrongPasswordIsAViolationAndNothingIsEmitted() {
        Sip004TcpProtocol client = new Sip004TcpProtocol(CipherKind.CHACHA20_IETF_POLY1305, "right", CRYPTO, SaltFilter.NONE);
        Sip004TcpProtocol server = new Sip004TcpProtocol(CipherKind.CHACHA20_IETF_POLY1305, "wrong", CRYPTO, SaltFilter.NONE);
        EmbeddedChannel c = new EmbeddedChannel(client.newCodec(InetSocketAddress.createUnresolved("x.y", 80)));
        Events events = new Events();
        EmbeddedChannel s = new EmbeddedChannel(server.newCodec(), events);
        c.writeOutbound(Unpooled.wrappedBuffer(new byte[] {1, 2, 3}));
        pump(c, s, new Random(2));
        assertThat((Object) s.readInbound()).isNull();
        assertThat(events.events).singleElement().isInstanceOf(ProtocolViolation.class);
        c.finishAndReleaseAll();
        s.finishAndReleaseAll();
    }

    @Test
    void lengthOverTheLimitIsAViolation() throws Exception {
        CipherKind kind = CipherKind.AES_128_GCM;
        byte[] stream = handcraftedStream(kind, "secret", 0x4000);
        Events events = new Events();
        EmbeddedChannel s = new EmbeddedChannel(
                new Sip004TcpProtocol(kind, "secret", CRYPTO, SaltFilter.NONE).newCodec(), events);
        s.writeInbound(Unpooled.wrappedBuffer(stream));
        assertThat((Object) s.readInbound()).isNull();
        assertThat(events.events).singleElement().extracting(e -> ((ProtocolViolation) e).reason())
                .asString().contains("0x3FFF");
        s.finishAndReleaseAll();
    }

    @Test
    void replayedSaltIsAViolation() {
        SaltFilter filter = new BloomSaltFilter(1000);
        Sip004TcpProtocol protocol = new Sip004TcpProtocol(CipherKind.AES_256_GCM, "secret", CRYPTO, filter);
        EmbeddedChannel c = new EmbeddedChannel(protocol.newCodec(InetSocketAddress.createUnresolved("x.y", 80)));
        c.writeOutbound(Unpooled.wrappedBuffer(new byte[] {1, 2, 3}));
        byte[] firstFlight = drainOutbound(c);
        // the client's own filter already holds its salt, so use a fresh server-side filter
        Sip004TcpProtocol serverSide = new Sip004TcpProtocol(CipherKind.AES_256_GCM, "secret", CRYPTO, new BloomSaltFilter(1000));
        EmbeddedChannel first = new EmbeddedChannel(serverSide.newCodec());
        first.writeInbound(Unpooled.wrappedBuffer(firstFlight));
        assertThat((Object) first.readInbound()).isInstanceOf(ProxyRequest.class);
        first.finishAndReleaseAll();

        Events events = new Events();
        EmbeddedChannel replay = new EmbeddedChannel(serverSide.newCodec(), events);
        replay.writeInbound(Unpooled.wrappedBuffer(firstFlight));
        assertThat((Object) replay.readInbound()).isNull();
        assertThat(events.events).singleElement().extracting(e -> ((ProtocolViolation) e).reason())
                .asString().contains("replayed");
        replay.finishAndReleaseAll();
        c.finishAndReleaseAll();
    }

    @Test
    void serverRejectsItsOwnResponseReflectedBack() {
        SaltFilter filter = new BloomSaltFilter(1000);
        Sip004TcpProtocol protocol = new Sip004TcpProtocol(CipherKind.AES_256_GCM, "secret", CRYPTO, filter);
        EmbeddedChannel server = new EmbeddedChannel(protocol.newCodec());
        server.writeOutbound(Unpooled.wrappedBuffer(new byte[] {1, 5, 5, 5, 5, 0, 80, 9, 9}));
        byte[] response = drainOutbound(server);
        Events events = new Events();
        EmbeddedChannel reflected = new EmbeddedChannel(protocol.newCodec(), events);
        reflected.writeInbound(Unpooled.wrappedBuffer(response));
        assertThat((Object) reflected.readInbound()).isNull();
        assertThat(events.events).singleElement().isInstanceOf(ProtocolViolation.class);
        server.finishAndReleaseAll();
        reflected.finishAndReleaseAll();
    }

    @Test
    void truncatedChunkAtEndOfStreamIsAViolation() {
        Sip004TcpProtocol protocol = new Sip004TcpProtocol(CipherKind.AES_256_GCM, "secret", CRYPTO, SaltFilter.NONE);
        EmbeddedChannel c = new EmbeddedChannel(protocol.newCodec(InetSocketAddress.createUnresolved("x.y", 80)));
        c.writeOutbound(Unpooled.wrappedBuffer(new byte[] {1, 2, 3}));
        c.writeOutbound(Unpooled.wrappedBuffer(new byte[1000]));
        byte[] flight = drainOutbound(c);
        Events events = new Events();
        EmbeddedChannel s = new EmbeddedChannel(protocol.newCodec(), events);
        s.writeInbound(Unpooled.wrappedBuffer(flight, 0, flight.length - 10));
        ProxyRequest request = s.readInbound();
        assertThat(request).isNotNull();
        ((ByteBuf) s.readInbound()).release();
        assertThat(events.events).isEmpty();
        s.pipeline().fireUserEventTriggered(io.netty.channel.socket.ChannelInputShutdownEvent.INSTANCE);
        assertThat(events.events).first().isInstanceOf(ProtocolViolation.class);
        assertThat((Object) s.readInbound()).isNull();
        c.finishAndReleaseAll();
        s.finishAndReleaseAll();
    }

    @Test
    void clientFailsOnATamperedResponse() {
        Sip004TcpProtocol protocol = new Sip004TcpProtocol(CipherKind.AES_128_GCM, "secret", CRYPTO, SaltFilter.NONE);
        EmbeddedChannel server = new EmbeddedChannel(protocol.newCodec());
        server.writeOutbound(Unpooled.wrappedBuffer(new byte[100]));
        byte[] response = drainOutbound(server);
        response[response.length - 1] ^= 1;
        EmbeddedChannel client = new EmbeddedChannel(protocol.newCodec(InetSocketAddress.createUnresolved("x.y", 1)));
        assertThatThrownBy(() -> client.writeInbound(Unpooled.wrappedBuffer(response)))
                .isInstanceOf(DecoderException.class).hasMessageContaining("wrong password");
        server.finishAndReleaseAll();
        client.close();
        client.releaseInbound();
    }

    /** A stream whose first length field says {@code length}, sealed correctly with the real key. */
    static byte[] handcraftedStream(CipherKind kind, String password, int length) {
        byte[] salt = new byte[kind.saltSize()];
        new Random(5).nextBytes(salt);
        Aead aead = CRYPTO.create(kind.aead(), Kdf.sessionSubkey(Kdf.evpBytesToKey(password, kind.keySize()), salt));
        NonceCounter nonce = new NonceCounter(kind.nonceSize());
        ByteBuffer out = ByteBuffer.allocate(salt.length + 2 + kind.tagSize() + 100);
        out.put(salt);
        aead.seal(nonce.current(), ByteBuffer.wrap(new byte[] {(byte) (length >> 8), (byte) length}), out);
        out.put(new byte[100]);
        return out.array();
    }

    /** Moves everything {@code from} wrote to {@code to}, in random-sized pieces. */
    static void pump(EmbeddedChannel from, EmbeddedChannel to, Random random) {
        byte[] all = drainOutbound(from);
        int at = 0;
        while (at < all.length) {
            int n = Math.min(all.length - at, 1 + random.nextInt(3000));
            to.writeInbound(Unpooled.wrappedBuffer(all, at, n));
            at += n;
        }
    }

    static byte[] drainOutbound(EmbeddedChannel channel) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuf buf;
        while ((buf = channel.readOutbound()) != null) {
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            out.writeBytes(bytes);
            buf.release();
        }
        return out.toByteArray();
    }

    static byte[] drainInbound(EmbeddedChannel channel) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Object msg;
        while ((msg = channel.readInbound()) != null) {
            ByteBuf buf = (ByteBuf) msg;
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            out.writeBytes(bytes);
            buf.release();
        }
        return out.toByteArray();
    }
}
