package dev.ssjvm.core.sip022;

import dev.ssjvm.core.protocol.TcpClientProtocol;
import dev.ssjvm.core.protocol.TcpServerProtocol;
import dev.ssjvm.core.protocol.UdpClientProtocol;
import dev.ssjvm.core.protocol.UserKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ssjvm.core.replay.SaltPool;
import dev.ssjvm.core.protocol.ProtocolViolation;
import dev.ssjvm.core.protocol.ProxyRequest;
import dev.ssjvm.crypto.AeadFactory;
import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.crypto.Sip022Keys;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class Sip022ProtocolTest {
    private static final AeadFactory CRYPTO = AeadFactory.automatic();
    private static final Clock NOW = Clock.fixed(Instant.parse("2026-11-25T12:00:00Z"), ZoneOffset.UTC);
    private static final InetSocketAddress TARGET = InetSocketAddress.createUnresolved("target.test", 80);

    static final class Events extends ChannelInboundHandlerAdapter {
        final List<Object> events = new ArrayList<>();

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            events.add(evt);
        }
    }

    private static String key(CipherKind kind) {
        return Sip022Keys.generatePsk(kind);
    }

    private static byte[] firstFlight(TcpClientProtocol client, byte[] payload) {
        EmbeddedChannel c = new EmbeddedChannel(client.newCodec(TARGET));
        c.writeOutbound(Unpooled.wrappedBuffer(payload));
        byte[] out = Sip022VectorsTest.drain(c);
        c.finishAndReleaseAll();
        return out;
    }

    @ParameterizedTest
    @EnumSource(names = {"BLAKE3_AES_128_GCM", "BLAKE3_AES_256_GCM", "BLAKE3_CHACHA20_POLY1305", "BLAKE3_CHACHA8_POLY1305"})
    void bigTransfersBothWays(CipherKind kind) {
        String psk = key(kind);
        TcpClientProtocol client = Sip022Testing.tcpClient(kind, psk, CRYPTO, NOW);
        TcpServerProtocol server = Sip022Testing.tcpServer(kind, psk, List.of(), CRYPTO, new SaltPool(NOW, 100), NOW);
        EmbeddedChannel c = new EmbeddedChannel(client.newCodec(TARGET));
        EmbeddedChannel s = new EmbeddedChannel(server.newCodec());
        byte[] up = new byte[300_000];
        new Random(1).nextBytes(up);
        c.writeOutbound(Unpooled.wrappedBuffer(up)); // more than fits in the header chunk
        s.writeInbound(Unpooled.wrappedBuffer(Sip022VectorsTest.drain(c)));
        assertThat(((ProxyRequest) s.readInbound()).target()).isEqualTo(TARGET);
        assertThat(Sip022VectorsTest.readAll(s)).isEqualTo(up);
        byte[] down = new byte[200_000];
        new Random(2).nextBytes(down);
        s.writeOutbound(Unpooled.wrappedBuffer(down, 0, 10));
        s.writeOutbound(Unpooled.wrappedBuffer(down, 10, down.length - 10));
        c.writeInbound(Unpooled.wrappedBuffer(Sip022VectorsTest.drain(s)));
        assertThat(Sip022VectorsTest.readAll(c)).isEqualTo(down);
        c.finishAndReleaseAll();
        s.finishAndReleaseAll();
    }

    @Test
    void emptyFirstWriteIsPaddedAndAccepted() {
        CipherKind kind = CipherKind.BLAKE3_AES_128_GCM;
        String psk = key(kind);
        byte[] flight = firstFlight(Sip022Testing.tcpClient(kind, psk, CRYPTO, NOW), new byte[0]);
        assertThat(flight.length).as("salt, two sealed headers, address and at least one byte of padding")
                .isGreaterThan(16 + 27 + 2 + 13 + 2 + 16);
        EmbeddedChannel s = new EmbeddedChannel(
                Sip022Testing.tcpServer(kind, psk, List.of(), CRYPTO, new SaltPool(NOW, 10), NOW).newCodec());
        s.writeInbound(Unpooled.wrappedBuffer(flight));
        assertThat(((ProxyRequest) s.readInbound()).target()).isEqualTo(TARGET);
        assertThat((Object) s.readInbound()).isNull();
        s.finishAndReleaseAll();
    }

    @Test
    void clockSkewOf29SecondsIsAcceptedAnd31Refused() {
        CipherKind kind = CipherKind.BLAKE3_AES_256_GCM;
        String psk = key(kind);
        SaltPool pool = new SaltPool(NOW, 100);
        for (int skew : new int[] {-31, -29, 29, 31}) {
            Clock clientClock = Clock.offset(NOW, Duration.ofSeconds(skew));
            byte[] flight = firstFlight(Sip022Testing.tcpClient(kind, psk, CRYPTO, clientClock), new byte[] {1});
            Events events = new Events();
            EmbeddedChannel s = new EmbeddedChannel(
                    Sip022Testing.tcpServer(kind, psk, List.of(), CRYPTO, pool, NOW).newCodec(), events);
            s.writeInbound(Unpooled.wrappedBuffer(flight));
            Object first = s.readInbound();
            if (Math.abs(skew) <= 30) {
                assertThat(first).as("skew %d", skew).isInstanceOf(ProxyRequest.class);
            } else {
                assertThat(first).as("skew %d", skew).isNull();
                assertThat(events.events).singleElement().asString().contains("timestamp");
            }
            s.finishAndReleaseAll();
        }
    }

    @Test
    void replayedFirstFlightIsAViolation() {
        CipherKind kind = CipherKind.BLAKE3_CHACHA20_POLY1305;
        String psk = key(kind);
        SaltPool pool = new SaltPool(NOW, 100);
        byte[] flight = firstFlight(Sip022Testing.tcpClient(kind, psk, CRYPTO, NOW), new byte[] {1, 2});
        for (int attempt = 0; attempt < 2; attempt++) {
            Events events = new Events();
            EmbeddedChannel s = new EmbeddedChannel(
                    Sip022Testing.tcpServer(kind, psk, List.of(), CRYPTO, pool, NOW).newCodec(), events);
            s.writeInbound(Unpooled.wrappedBuffer(flight));
            if (attempt == 0) {
                assertThat((Object) s.readInbound()).isInstanceOf(ProxyRequest.class);
            } else {
                assertThat((Object) s.readInbound()).isNull();
                assertThat(events.events).singleElement().asString().contains("replayed salt");
            }
            s.finishAndReleaseAll();
        }
    }

    @Test
    void unknownUserWrongKeyAndGarbageAreViolations() {
        CipherKind kind = CipherKind.BLAKE3_AES_128_GCM;
        String ipsk = key(kind);
        String alice = key(kind);
        TcpServerProtocol server = Sip022Testing.tcpServer(kind, ipsk, List.of(new UserKey("alice", alice)),
                CRYPTO, new SaltPool(NOW, 100), NOW);
        byte[] stranger = firstFlight(Sip022Testing.tcpClient(kind, ipsk + ":" + key(kind), CRYPTO, NOW), new byte[] {1});
        byte[] noIdentity = firstFlight(Sip022Testing.tcpClient(kind, ipsk, CRYPTO, NOW), new byte[] {1});
        byte[] junk = new byte[500];
        new Random(3).nextBytes(junk);
        for (byte[] flight : List.of(stranger, noIdentity, junk)) {
            Events events = new Events();
            EmbeddedChannel s = new EmbeddedChannel(server.newCodec(), events);
            s.writeInbound(Unpooled.wrappedBuffer(flight));
            assertThat((Object) s.readInbound()).isNull();
            assertThat(events.events).singleElement().isInstanceOf(ProtocolViolation.class);
            s.finishAndReleaseAll();
        }
        byte[] good = firstFlight(Sip022Testing.tcpClient(kind, ipsk + ":" + alice, CRYPTO, NOW), new byte[] {1});
        EmbeddedChannel s = new EmbeddedChannel(server.newCodec());
        s.writeInbound(Unpooled.wrappedBuffer(good));
        assertThat(((ProxyRequest) s.readInbound()).user()).isEqualTo("alice");
        s.finishAndReleaseAll();
    }

    @Test
    void clientRefusesAResponseToAnotherRequest() {
        CipherKind kind = CipherKind.BLAKE3_AES_256_GCM;
        String psk = key(kind);
        TcpClientProtocol client = Sip022Testing.tcpClient(kind, psk, CRYPTO, NOW);
        TcpServerProtocol server = Sip022Testing.tcpServer(kind, psk, List.of(), CRYPTO, new SaltPool(NOW, 100), NOW);
        // a genuine response, but to a different request
        EmbeddedChannel other = new EmbeddedChannel(server.newCodec());
        other.writeInbound(Unpooled.wrappedBuffer(firstFlight(client, new byte[] {1})));
        other.releaseInbound();
        other.writeOutbound(Unpooled.wrappedBuffer(new byte[] {9, 9}));
        byte[] response = Sip022VectorsTest.drain(other);
        EmbeddedChannel c = new EmbeddedChannel(client.newCodec(TARGET));
        c.writeOutbound(Unpooled.wrappedBuffer(new byte[] {1}));
        Sip022VectorsTest.drain(c);
        assertThatThrownBy(() -> c.writeInbound(Unpooled.wrappedBuffer(response)))
                .isInstanceOf(DecoderException.class).hasMessageContaining("another request");
        other.finishAndReleaseAll();
        c.close();
        c.releaseInbound();
    }

    @ParameterizedTest
    @EnumSource(names = {"BLAKE3_AES_128_GCM", "BLAKE3_AES_256_GCM", "BLAKE3_CHACHA20_POLY1305", "BLAKE3_CHACHA8_POLY1305"})
    void udpRoundTripReplayAndSkew(CipherKind kind) {
        String psk = key(kind);
        ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;
        var server = Sip022Testing.udpServer(kind, psk, List.of(), CRYPTO, NOW);
        UdpClientProtocol.Session client = Sip022Testing.udpClient(kind, psk, CRYPTO, NOW).newSession();
        ByteBuf p1 = client.seal(alloc, TARGET, Unpooled.wrappedBuffer(new byte[] {1}));
        ByteBuf p2 = client.seal(alloc, TARGET, Unpooled.wrappedBuffer(new byte[] {2}));
        var first = server.open(alloc, p2.duplicate()); // out of order is fine
        var session = server.newSession(first);
        var older = server.open(alloc, p1.duplicate());
        assertThat(session.accept(older)).isTrue();
        var replay = server.open(alloc, p1.duplicate());
        assertThat(session.accept(replay)).as("replayed packet id").isFalse();
        first.release();
        older.release();
        replay.release();
        p1.release();
        p2.release();

        ByteBuf reply = session.sealReply(alloc, new InetSocketAddress("127.0.0.1", 53), Unpooled.wrappedBuffer(new byte[] {7}));
        var opened = client.open(alloc, reply.duplicate());
        assertThat(opened.payload().readByte()).isEqualTo((byte) 7);
        opened.payload().release();
        assertThat(client.open(alloc, reply.duplicate())).as("replayed reply").isNull();
        reply.release();

        UdpClientProtocol.Session skewed = Sip022Testing.udpClient(kind, psk, CRYPTO,
                Clock.offset(NOW, Duration.ofSeconds(31))).newSession();
        ByteBuf late = skewed.seal(alloc, TARGET, Unpooled.wrappedBuffer(new byte[] {3}));
        assertThat(server.open(alloc, late)).isNull();
        late.release();
    }
}
