package dev.ssjvm.core.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssjvm.core.protocol.ClientPacket;
import dev.ssjvm.core.protocol.ProtocolViolation;
import dev.ssjvm.core.protocol.ProxyRequest;
import dev.ssjvm.core.protocol.ServerPacket;
import dev.ssjvm.core.protocol.UdpClientProtocol;
import dev.ssjvm.core.replay.BloomSaltFilter;
import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.crypto.StreamCiphers;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The stream framing in a pipeline: headers split anywhere, replayed IVs, bad addresses, UDP packets. */
class StreamProtocolTest {
    private static final InetSocketAddress TARGET = InetSocketAddress.createUnresolved("example.test", 443);

    @ParameterizedTest
    @EnumSource(names = {"AES_256_CFB", "CHACHA20", "TABLE", "NONE", "RC4_MD5"})
    void clientToServerByteByByteAndBack(CipherKind kind) {
        byte[] key = StreamCiphers.masterKey(kind, "pw");
        // each side its own filter: a side that sees its own IV come back takes it for a replay
        EmbeddedChannel client = new EmbeddedChannel(new StreamTcpProtocol(kind, key, new BloomSaltFilter(1000)).newCodec(TARGET));
        EmbeddedChannel server = new EmbeddedChannel(new StreamTcpProtocol(kind, key, new BloomSaltFilter(1000)).newCodec());
        client.writeOutbound(Unpooled.copiedBuffer("hello", StandardCharsets.US_ASCII));
        ByteBuf wire = client.readOutbound();
        assertThat(wire.readableBytes()).isEqualTo(kind.saltSize() + 1 + 1 + 12 + 2 + 5);
        while (wire.isReadable()) {
            server.writeInbound(wire.readRetainedSlice(1)); // the IV and the address split at every byte
        }
        wire.release();
        assertThat((Object) server.readInbound()).isEqualTo(new ProxyRequest(TARGET, null));
        assertThat(drain(server)).isEqualTo("hello");

        server.writeOutbound(Unpooled.copiedBuffer("world", StandardCharsets.US_ASCII));
        server.writeOutbound(Unpooled.copiedBuffer("!", StandardCharsets.US_ASCII));
        ByteBuf reply;
        while ((reply = server.readOutbound()) != null) {
            client.writeInbound(reply);
        }
        assertThat(drain(client)).isEqualTo("world!");
        assertThat(client.finishAndReleaseAll()).isFalse();
        assertThat(server.finishAndReleaseAll()).isFalse();
    }

    @Test
    void replayedIvAndBadAddressTypeFireViolationsAndDrain() {
        CipherKind kind = CipherKind.AES_128_CTR;
        byte[] key = StreamCiphers.masterKey(kind, "pw");
        StreamTcpProtocol protocol = new StreamTcpProtocol(kind, key, new BloomSaltFilter(1000));
        EmbeddedChannel client = new EmbeddedChannel(new StreamTcpProtocol(kind, key, new BloomSaltFilter(1000)).newCodec(TARGET));
        client.writeOutbound(Unpooled.EMPTY_BUFFER);
        ByteBuf flight = client.readOutbound();
        client.finishAndReleaseAll();

        assertThat(violations(protocol, flight.retainedDuplicate())).isEmpty();
        assertThat(violations(protocol, flight)).extracting(ProtocolViolation::kind)
                .containsExactly(ProtocolViolation.Kind.REPLAY);

        byte[] iv = new byte[16];
        byte[] bad = {9, 1, 2, 3, 4, 0, 80, 'x'};
        byte[] sealed = new byte[16 + bad.length];
        StreamCiphers.create(kind, key, iv, true).processBytes(bad, 0, bad.length, sealed, 16);
        assertThat(violations(protocol, Unpooled.wrappedBuffer(sealed))).extracting(ProtocolViolation::kind)
                .containsExactly(ProtocolViolation.Kind.MALFORMED);
    }

    @Test
    void udpRoundTripAndReplayedOrForeignPacketsDropped() {
        CipherKind kind = CipherKind.SALSA20;
        StreamUdpProtocol server = new StreamUdpProtocol(kind, StreamCiphers.masterKey(kind, "pw"), new BloomSaltFilter(1000));
        StreamUdpProtocol client = new StreamUdpProtocol(kind, StreamCiphers.masterKey(kind, "pw"), new BloomSaltFilter(1000));
        StreamUdpProtocol stranger = new StreamUdpProtocol(kind, StreamCiphers.masterKey(kind, "other"), new BloomSaltFilter(1000));
        ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;
        UdpClientProtocol.Session session = client.newSession();
        ByteBuf payload = Unpooled.copiedBuffer("ping", StandardCharsets.US_ASCII);
        ByteBuf packet = session.seal(alloc, TARGET, payload);
        payload.release();

        ClientPacket<Void> opened = server.open(alloc, packet);
        assertThat(opened.target()).isEqualTo(TARGET);
        assertThat(opened.payload().toString(StandardCharsets.US_ASCII)).isEqualTo("ping");
        assertThat(server.open(alloc, packet)).as("replayed").isNull();
        packet.release();

        ByteBuf reply = server.newSession(opened).sealReply(alloc, TARGET, opened.payload());
        opened.release();
        ServerPacket back = session.open(alloc, reply);
        reply.release();
        assertThat(back.payload().toString(StandardCharsets.US_ASCII)).isEqualTo("ping");
        back.payload().release();

        // a wrong key decrypts to a random address type: dropped unless it happens to look valid
        int accepted = 0;
        for (int i = 0; i < 50; i++) {
            ByteBuf p = Unpooled.copiedBuffer("x", StandardCharsets.US_ASCII);
            ByteBuf foreign = stranger.newSession().seal(alloc, TARGET, p);
            p.release();
            ClientPacket<Void> got = server.open(alloc, foreign);
            foreign.release();
            if (got != null) {
                accepted++;
                got.release();
            }
        }
        assertThat(accepted).as("foreign packets taken for requests").isLessThan(10);
        assertThat(server.open(alloc, Unpooled.wrappedBuffer(new byte[8]))).as("IV only").isNull();
    }

    private static List<ProtocolViolation> violations(StreamTcpProtocol protocol, ByteBuf in) {
        List<ProtocolViolation> seen = new ArrayList<>();
        EmbeddedChannel server = new EmbeddedChannel(protocol.newCodec(), new ChannelInboundHandlerAdapter() {
            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                if (evt instanceof ProtocolViolation v) {
                    seen.add(v);
                }
            }
        });
        server.writeInbound(in);
        server.writeInbound(Unpooled.copiedBuffer("more after it", StandardCharsets.US_ASCII));
        if (!seen.isEmpty()) {
            assertThat((Object) server.readInbound()).as("nothing relayed after a violation").isNull();
        }
        server.finishAndReleaseAll();
        return seen;
    }

    private static String drain(EmbeddedChannel channel) {
        StringBuilder sb = new StringBuilder();
        ByteBuf b;
        while ((b = channel.readInbound()) != null) {
            sb.append(b.toString(StandardCharsets.US_ASCII));
            b.release();
        }
        return sb.toString();
    }
}
