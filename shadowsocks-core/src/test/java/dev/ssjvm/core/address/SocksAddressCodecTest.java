package dev.ssjvm.core.address;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.CorruptedFrameException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class SocksAddressCodecTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void encodesTheThreeTypesAsRfc1928() throws Exception {
        assertThat(HEX.formatHex(SocksAddressCodec.encode(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 53))))
                .isEqualTo("017f0000010035");
        assertThat(HEX.formatHex(SocksAddressCodec.encode(InetSocketAddress.createUnresolved("example.com", 443))))
                .isEqualTo("030b6578616d706c652e636f6d01bb");
        assertThat(HEX.formatHex(SocksAddressCodec.encode(new InetSocketAddress(InetAddress.getByName("::1"), 8080))))
                .isEqualTo("04000000000000000000000000000000011f90");
    }

    @Test
    void decodesWithoutDnsAndLeavesTheRest() {
        ByteBuf in = Unpooled.wrappedBuffer(HEX.parseHex("030b6578616d706c652e636f6d01bb" + "cafe"));
        InetSocketAddress a = SocksAddressCodec.decode(in);
        assertThat(a.isUnresolved()).isTrue();
        assertThat(a.getHostString()).isEqualTo("example.com");
        assertThat(a.getPort()).isEqualTo(443);
        assertThat(in.readableBytes()).isEqualTo(2);
        in.release();
    }

    @Test
    void everyPrefixIsIncompleteAndLeavesTheReaderIndex() {
        for (String hex : new String[] {"017f0000010035", "030b6578616d706c652e636f6d01bb",
                "04000000000000000000000000000000011f90"}) {
            byte[] whole = HEX.parseHex(hex);
            for (int n = 0; n < whole.length; n++) {
                ByteBuf in = Unpooled.wrappedBuffer(whole, 0, n);
                assertThat(SocksAddressCodec.decode(in)).isNull();
                assertThat(in.readerIndex()).isZero();
                in.release();
            }
            ByteBuf in = Unpooled.wrappedBuffer(whole);
            assertThat(SocksAddressCodec.decode(in)).isNotNull();
            assertThat(in.isReadable()).isFalse();
        }
    }

    @Test
    void unknownTypeAndEmptyNameAreCorrupt() {
        assertThatThrownBy(() -> SocksAddressCodec.decode(Unpooled.wrappedBuffer(new byte[] {2, 1, 2, 3})))
                .isInstanceOf(CorruptedFrameException.class).hasMessageContaining("type 2");
        assertThatThrownBy(() -> SocksAddressCodec.decode(Unpooled.wrappedBuffer(new byte[] {3, 0, 0, 80})))
                .isInstanceOf(CorruptedFrameException.class);
    }

    @Test
    void ipv4MappedIpv6StaysUsable() {
        ByteBuf in = Unpooled.wrappedBuffer(HEX.parseHex("0400000000000000000000ffff7f0000010050"));
        InetSocketAddress a = SocksAddressCodec.decode(in);
        assertThat(a.getAddress().getHostAddress()).isEqualTo("127.0.0.1");
    }

    @Test
    void ipv4MappedAddressesAreUnmapped() throws Exception {
        InetSocketAddress mapped = new InetSocketAddress(java.net.Inet6Address.getByAddress(null,
                new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 127, 0, 0, 1}, -1), 53);
        assertThat(mapped.getAddress()).isInstanceOf(java.net.Inet6Address.class);
        assertThat(HostAndPort.unmapped(mapped)).isEqualTo(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 53));
        InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("::1"), 53);
        assertThat(HostAndPort.unmapped(v6)).isSameAs(v6);
        InetSocketAddress name = InetSocketAddress.createUnresolved("a.b", 1);
        assertThat(HostAndPort.unmapped(name)).isSameAs(name);
    }

    @Test
    void hostAndPortParsing() {
        assertThat(HostAndPort.parse("example.com:80").isUnresolved()).isTrue();
        assertThat(HostAndPort.parse("127.0.0.1:80").isUnresolved()).isFalse();
        assertThat(HostAndPort.parse("[::1]:443").getAddress().getHostAddress()).isEqualTo("0:0:0:0:0:0:0:1");
        assertThat(HostAndPort.format(HostAndPort.parse("[::1]:443"))).isEqualTo("[0:0:0:0:0:0:0:1]:443");
        assertThatThrownBy(() -> HostAndPort.parse("::1:443")).hasMessageContaining("brackets");
        assertThatThrownBy(() -> HostAndPort.parse("host:0")).hasMessageContaining("1-65535");
        assertThatThrownBy(() -> HostAndPort.parse("host")).hasMessageContaining("host:port");
    }
}
