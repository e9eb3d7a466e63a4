package dev.ssjvm.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ssjvm.core.replay.ReplayProtection;
import dev.ssjvm.crypto.AeadFactory;
import dev.ssjvm.crypto.CipherKind;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SaltPrefixTest {
    private static final byte[] PREFIX = {'P', 'O', 'S', 'T', ' '};
    private static final InetSocketAddress TARGET = InetSocketAddress.createUnresolved("example.com", 443);

    private static ProtocolContext context() {
        return new ProtocolContext(AeadFactory.automatic(), ReplayProtection.forClient(Clock.systemUTC()));
    }

    @Test
    void sizeLimitIsTheSaltMinusFourRandomBytes() {
        SaltPrefix.check(CipherKind.AES_128_GCM, new byte[12]);
        SaltPrefix.check(CipherKind.CHACHA20_IETF_POLY1305, new byte[28]);
        SaltPrefix.check(CipherKind.AES_128_GCM, null);
        assertThatThrownBy(() -> SaltPrefix.check(CipherKind.AES_128_GCM, new byte[13]))
                .hasMessage("a prefix of 13 bytes leaves fewer than 4 random bytes in the 16-byte salt of aes-128-gcm"
                        + " (at most 12 bytes)");
        assertThatThrownBy(() -> SaltPrefix.check(CipherKind.AES_256_GCM, new byte[29]))
                .hasMessageContaining("at most 28 bytes");
        assertThatThrownBy(() -> SaltPrefix.check(CipherKind.BLAKE3_AES_256_GCM, new byte[1]))
                .hasMessageContaining("only for the 2017 AEAD methods");
        assertThatThrownBy(() -> MethodFamilies.client(CipherKind.BLAKE3_AES_128_GCM, "AAAAAAAAAAAAAAAAAAAAAA==",
                PREFIX, context())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MethodFamilies.client(CipherKind.AES_128_GCM, "secret", new byte[13], context()))
                .hasMessageContaining("leaves fewer than 4 random bytes");
    }

    @Test
    void textIsOneBytePerCharacter() {
        assertThat(SaltPrefix.fromText("\u0016\u0003\u0001\u0000\u00a8")).containsExactly(0x16, 3, 1, 0, 0xa8);
        assertThat(SaltPrefix.toText(new byte[] {(byte) 0xff, 0x41})).isEqualTo("\u00ffA");
        assertThatThrownBy(() -> SaltPrefix.fromText("ok\u20ac")).hasMessageContaining("character 3 is U+20AC");
    }

    @Test
    void everyTcpSaltStartsWithThePrefix() {
        ClientProtocols client = MethodFamilies.client(CipherKind.AES_256_GCM, "secret", PREFIX, context());
        byte[] firstRest = null;
        for (int i = 0; i < 2; i++) {
            EmbeddedChannel ch = new EmbeddedChannel(client.tcp().newCodec(TARGET));
            ch.writeOutbound(Unpooled.copiedBuffer(new byte[] {1, 2, 3}));
            ByteBuf out = ch.readOutbound();
            byte[] salt = new byte[32];
            out.getBytes(0, salt);
            out.release();
            ch.finishAndReleaseAll();
            assertThat(Arrays.copyOf(salt, PREFIX.length)).isEqualTo(PREFIX);
            byte[] rest = Arrays.copyOfRange(salt, PREFIX.length, salt.length);
            assertThat(rest).isNotEqualTo(firstRest);
            firstRest = rest;
        }
    }

    @Test
    void everyUdpPacketSaltStartsWithThePrefixAndStillOpens() {
        ClientProtocols client = MethodFamilies.client(CipherKind.CHACHA20_IETF_POLY1305, "secret", PREFIX, context());
        @SuppressWarnings("unchecked")
        UdpServerProtocol<Object> server = (UdpServerProtocol<Object>) MethodFamilies.server(
                CipherKind.CHACHA20_IETF_POLY1305, "secret", List.of(), context()).udp();
        UdpClientProtocol.Session session = client.udp().newSession();
        for (int i = 0; i < 3; i++) {
            ByteBuf payload = Unpooled.copiedBuffer(new byte[] {9, 8, 7});
            ByteBuf packet = session.seal(ByteBufAllocator.DEFAULT, new InetSocketAddress("127.0.0.1", 53), payload);
            payload.release();
            byte[] start = new byte[PREFIX.length];
            packet.getBytes(0, start);
            assertThat(start).isEqualTo(PREFIX);
            ClientPacket<Object> opened = server.open(ByteBufAllocator.DEFAULT, packet);
            packet.release();
            assertThat(opened).as("the server opens a prefixed packet").isNotNull();
            assertThat(opened.payload().readableBytes()).isEqualTo(3);
            opened.payload().release();
        }
    }
}
