package dev.ssjvm.core.address;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.CorruptedFrameException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;

/** Coverage-guided fuzzing of the SOCKS address codec (regression inputs in SocksAddressCodecFuzzTestInputs/). */
class SocksAddressCodecFuzzTest {

    /** Any bytes: an address, null (wait for more, index untouched) or CorruptedFrameException, nothing else. */
    @FuzzTest(maxDuration = "10s")
    void decode(byte[] bytes) {
        ByteBuf in = Unpooled.wrappedBuffer(bytes);
        try {
            InetSocketAddress address = SocksAddressCodec.decode(in);
            if (address == null) {
                assertThat(in.readerIndex()).isZero();
            } else {
                // what was read encodes to bytes that decode to it again (an IPv4-mapped IPv6 address
                // comes back as IPv4, so the bytes themselves may differ)
                assertThat(SocksAddressCodec.decode(Unpooled.wrappedBuffer(SocksAddressCodec.encode(address))))
                        .isEqualTo(address);
            }
        } catch (CorruptedFrameException expected) {
            // declared: unknown type or empty name
        }
        SocksAddressCodec.decodePacket(Unpooled.wrappedBuffer(bytes)); // a whole datagram: never throws
    }

    /** encode then decode gives back the same address and consumes exactly what was written. */
    @FuzzTest(maxDuration = "10s")
    void roundTrip(FuzzedDataProvider data) throws UnknownHostException {
        int port = data.consumeInt(0, 65535);
        InetSocketAddress address;
        switch (data.consumeInt(0, 2)) {
            case 0 -> address = new InetSocketAddress(InetAddress.getByAddress(padded(data.consumeBytes(4), 4)), port);
            case 1 -> address = new InetSocketAddress(InetAddress.getByAddress(padded(data.consumeBytes(16), 16)), port);
            default -> {
                byte[] host = data.consumeBytes(255);
                if (host.length == 0) {
                    return;
                }
                address = InetSocketAddress.createUnresolved(new String(host, StandardCharsets.ISO_8859_1), port);
            }
        }
        ByteBuf out = Unpooled.buffer();
        SocksAddressCodec.encode(address, out);
        out.writeBytes(data.consumeRemainingAsBytes()); // trailing payload must be left alone
        int trailing = out.readableBytes() - SocksAddressCodec.encodedLength(address);
        InetSocketAddress decoded = SocksAddressCodec.decode(out);
        assertThat(decoded).isEqualTo(address);
        assertThat(out.readableBytes()).isEqualTo(trailing);
        out.release();
    }

    private static byte[] padded(byte[] bytes, int size) {
        return java.util.Arrays.copyOf(bytes, size);
    }
}
