package dev.ssjvm.core.udp;

import static org.assertj.core.api.Assertions.assertThat;

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

class AeadDatagramProtocolTest {
    private static final AeadFactory CRYPTO = AeadFactory.automatic();
    private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

    static Stream<AeadVectors.Vector> vectors() {
        return AeadVectors.load().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void serverOpensTheLibsodiumAndOpenSslPacket(AeadVectors.Vector v) throws Exception {
        DatagramProtocol protocol = new AeadDatagramProtocol(v.method(), v.get("password"), CRYPTO, SaltFilter.NONE);
        ByteBuf packet = Unpooled.wrappedBuffer(v.hex("udp_packet"));
        ClientPacket opened = protocol.openFromClient(ALLOC, packet);
        assertThat(opened.target()).isEqualTo(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 53));
        assertThat(ByteBufUtil.getBytes(opened.payload())).isEqualTo(AeadVectors.pattern(100, 9));
        assertThat(opened.sessionId()).isNull();
        opened.release();
    }

    @ParameterizedTest
    @EnumSource(names = {"AES_128_GCM", "AES_192_GCM", "AES_256_GCM", "CHACHA20_IETF_POLY1305", "XCHACHA20_IETF_POLY1305"})
    void roundTripBothWays(CipherKind kind) {
        DatagramProtocol local = new AeadDatagramProtocol(kind, "udp", CRYPTO, new BloomSaltFilter(100));
        DatagramProtocol remote = new AeadDatagramProtocol(kind, "udp", CRYPTO, new BloomSaltFilter(100));
        DatagramProtocol.ClientSession client = local.newClientSession();
        InetSocketAddress target = InetSocketAddress.createUnresolved("dns.test", 53);
        byte[] query = new byte[60_000];
        new Random(1).nextBytes(query);

        ByteBuf packet = client.seal(ALLOC, target, Unpooled.wrappedBuffer(query));
        ClientPacket atServer = remote.openFromClient(ALLOC, packet);
        packet.release();
        assertThat(atServer.target()).isEqualTo(target);
        assertThat(ByteBufUtil.getBytes(atServer.payload())).isEqualTo(query);

        DatagramProtocol.ServerSession session = remote.newServerSession(atServer);
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
        DatagramProtocol protocol = new AeadDatagramProtocol(CipherKind.AES_256_GCM, "udp", CRYPTO, new BloomSaltFilter(100));
        DatagramProtocol other = new AeadDatagramProtocol(CipherKind.AES_256_GCM, "other", CRYPTO, SaltFilter.NONE);
        Random random = new Random(2);
        for (int length : new int[] {0, 1, 31, 32, 47, 48, 49, 100, 1500, 65_000}) {
            byte[] junk = new byte[length];
            random.nextBytes(junk);
            assertThat(protocol.openFromClient(ALLOC, Unpooled.wrappedBuffer(junk))).as("junk %d", length).isNull();
        }
        ByteBuf wrongKey = other.newClientSession().seal(ALLOC, InetSocketAddress.createUnresolved("x", 1),
                Unpooled.wrappedBuffer(new byte[10]));
        assertThat(protocol.openFromClient(ALLOC, wrongKey)).isNull();
        wrongKey.release();

        ByteBuf good = protocol.newClientSession().seal(ALLOC, InetSocketAddress.createUnresolved("x", 1),
                Unpooled.wrappedBuffer(new byte[10]));
        ByteBuf truncated = good.retainedSlice(0, good.readableBytes() - 1);
        assertThat(protocol.openFromClient(ALLOC, truncated)).isNull();
        truncated.release();
        good.release();
    }

    @Test
    void replayedPacketAndMalformedAddressAreDropped() {
        SaltFilter serverFilter = new BloomSaltFilter(100);
        DatagramProtocol server = new AeadDatagramProtocol(CipherKind.CHACHA20_IETF_POLY1305, "udp", CRYPTO, serverFilter);
        DatagramProtocol client = new AeadDatagramProtocol(CipherKind.CHACHA20_IETF_POLY1305, "udp", CRYPTO,
                new BloomSaltFilter(100));
        ByteBuf packet = client.newClientSession().seal(ALLOC, InetSocketAddress.createUnresolved("x", 1),
                Unpooled.wrappedBuffer(new byte[10]));
        ClientPacket first = server.openFromClient(ALLOC, packet.duplicate());
        assertThat(first).isNotNull();
        first.release();
        assertThat(server.openFromClient(ALLOC, packet.duplicate())).as("replay").isNull();
        packet.release();

        // a correctly sealed packet whose plaintext starts with address type 9
        ByteBuf badType = sealWithRawPlaintext(client, new byte[] {9, 1, 2, 3, 4, 0, 80, 1, 1});
        assertThat(server.openFromClient(ALLOC, badType)).isNull();
        badType.release();
    }

    /** Seals arbitrary plaintext as a SIP004 packet by hand (the protocol always writes a valid address). */
    private static ByteBuf sealWithRawPlaintext(DatagramProtocol protocol, byte[] plaintext) {
        CipherKind kind = protocol.cipher();
        byte[] salt = new byte[kind.saltSize()];
        new Random(3).nextBytes(salt);
        byte[] key = dev.ssjvm.crypto.Kdf.sessionSubkey(dev.ssjvm.crypto.Kdf.evpBytesToKey("udp", kind.keySize()), salt);
        byte[] sealed = CRYPTO.create(kind.algorithm(), key).seal(new byte[kind.nonceSize()], plaintext);
        return Unpooled.wrappedBuffer(salt, sealed);
    }
}
