package dev.ssjvm.core.sip004;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssjvm.core.protocol.ServerPacket;
import dev.ssjvm.core.protocol.UdpClientProtocol;
import dev.ssjvm.core.replay.BloomSaltFilter;
import dev.ssjvm.core.replay.SaltFilter;
import dev.ssjvm.crypto.AeadFactory;
import dev.ssjvm.crypto.AeadVectors;
import dev.ssjvm.crypto.CipherKind;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class Sip004UdpProtocolTest {
    private static final AeadFactory CRYPTO = AeadFactory.automatic();
    private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

    static Stream<AeadVectors.Vector> vectors() {
        return AeadVectors.load().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void serverOpensTheLibsodiumAndOpenSslPacket(AeadVectors.Vector v) throws Exception {
        Sip004UdpProtocol protocol = new Sip004UdpProtocol(v.method(), v.get("password"), CRYPTO, SaltFilter.NONE);
        ByteBuf packet = Unpooled.wrappedBuffer(v.hex("udp_packet"));
        var opened = protocol.open(ALLOC, packet);
        assertThat(opened.target()).isEqualTo(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 53));
        assertThat(ByteBufUtil.getBytes(opened.payload())).isEqualTo(AeadVectors.pattern(100, 9));
        assertThat(opened.sessionKey()).isNull();
        opened.release();
    }

    @ParameterizedTest
    @EnumSource(names = {"AES_128_GCM", "AES_192_GCM", "AES_256_GCM", "CHACHA20_IETF_POLY1305", "XCHACHA20_IETF_POLY1305"})
    void roundTripBothWays(CipherKind kind) {
        Sip004UdpProtocol local = new Sip004UdpProtocol(kind, "udp", CRYPTO, new BloomSaltFilter(100));
        Sip004UdpProtocol remote = new Sip004UdpProtocol(kind, "udp", CRYPTO, new BloomSaltFilter(100));
        UdpClientProtocol.Session client = local.newSession();
        InetSocketAddress target = InetSocketAddress.createUnresolved("dns.test", 53);
        byte[] query = new byte[60_000];
        new Random(1).nextBytes(query);

        ByteBuf packet = client.seal(ALLOC, target, Unpooled.wrappedBuffer(query));
        var atServer = remote.open(ALLOC, packet);
        packet.release();
        assertThat(atServer.target()).isEqualTo(target);
        assertThat(ByteBufUtil.getBytes(atServer.payload())).isEqualTo(query);

        var session = remote.newSession(atServer);
        InetSocketAddress source = new InetSocketAddress(InetAddress.getLoopbackAddress(), 5353);
        ByteBuf reply = session.sealReply(ALLOC, source, Unpooled.wrappedBuffer(new byte[] {1, 2, 3}));
        ServerPacket atClient = client.open(ALLOC, reply);
        reply.release();
        atServer.release();
        assertThat(atClient.source()).isEqualTo(source);
        assertThat(ByteBufUtil.getBytes(atClient.payload())).containsExactly(1, 2, 3);
        atClient.payload().release();
    }

    @Test
    void badPacketsAreDroppedNotThrown() {
        Sip004UdpProtocol protocol = new Sip004UdpProtocol(CipherKind.AES_256_GCM, "udp", CRYPTO, new BloomSaltFilter(100));
        Sip004UdpProtocol other = new Sip004UdpProtocol(CipherKind.AES_256_GCM, "other", CRYPTO, SaltFilter.NONE);
        Random random = new Random(2);
        for (int length : new int[] {0, 1, 31, 32, 47, 48, 49, 100, 1500, 65_000}) {
            byte[] junk = new byte[length];
            random.nextBytes(junk);
            assertThat(protocol.open(ALLOC, Unpooled.wrappedBuffer(junk))).as("junk %d", length).isNull();
        }
        ByteBuf wrongKey = other.newSession().seal(ALLOC, InetSocketAddress.createUnresolved("x", 1),
                Unpooled.wrappedBuffer(new byte[10]));
        assertThat(protocol.open(ALLOC, wrongKey)).isNull();
        wrongKey.release();

        ByteBuf good = protocol.newSession().seal(ALLOC, InetSocketAddress.createUnresolved("x", 1),
                Unpooled.wrappedBuffer(new byte[10]));
        ByteBuf truncated = good.retainedSlice(0, good.readableBytes() - 1);
        assertThat(protocol.open(ALLOC, truncated)).isNull();
        truncated.release();
        good.release();
    }

    @Test
    void replayedPacketAndMalformedAddressAreDropped() {
        SaltFilter serverFilter = new BloomSaltFilter(100);
        Sip004UdpProtocol server = new Sip004UdpProtocol(CipherKind.CHACHA20_IETF_POLY1305, "udp", CRYPTO, serverFilter);
        Sip004UdpProtocol client = new Sip004UdpProtocol(CipherKind.CHACHA20_IETF_POLY1305, "udp", CRYPTO,
                new BloomSaltFilter(100));
        ByteBuf packet = client.newSession().seal(ALLOC, InetSocketAddress.createUnresolved("x", 1),
                Unpooled.wrappedBuffer(new byte[10]));
        var first = server.open(ALLOC, packet.duplicate());
        assertThat(first).isNotNull();
        first.release();
        assertThat(server.open(ALLOC, packet.duplicate())).as("replay").isNull();
        packet.release();

        // a correctly sealed packet whose plaintext starts with address type 9
        ByteBuf badType = sealWithRawPlaintext(client, new byte[] {9, 1, 2, 3, 4, 0, 80, 1, 1});
        assertThat(server.open(ALLOC, badType)).isNull();
        badType.release();
    }

    /** Seals arbitrary plaintext as a SIP004 packet by hand (the protocol always writes a valid address). */
    private static ByteBuf sealWithRawPlaintext(Sip004UdpProtocol protocol, byte[] plaintext) {
        CipherKind kind = protocol.cipher();
        byte[] salt = new byte[kind.saltSize()];
        new Random(3).nextBytes(salt);
        byte[] key = dev.ssjvm.crypto.Kdf.sessionSubkey(dev.ssjvm.crypto.Kdf.evpBytesToKey("udp", kind.keySize()), salt);
        byte[] sealed = CRYPTO.create(kind.aead(), key).seal(new byte[kind.nonceSize()], plaintext);
        return Unpooled.wrappedBuffer(salt, sealed);
    }
}
