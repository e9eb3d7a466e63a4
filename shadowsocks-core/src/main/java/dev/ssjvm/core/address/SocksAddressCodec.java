package dev.ssjvm.core.address;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.CorruptedFrameException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;

/**
 * The SOCKS5 address format (RFC 1928 section 5) that Shadowsocks puts in front of every request:
 * {@code ATYP} 1 (IPv4, 4 bytes), 3 (domain name, length byte then name) or 4 (IPv6, 16 bytes),
 * then the port, big-endian.
 *
 * <p>An address is an {@link InetSocketAddress}: resolved for the two IP types, unresolved for a
 * domain name. Decoding never does a DNS lookup.
 */
public final class SocksAddressCodec {
    public static final int IPV4 = 1;
    public static final int DOMAIN = 3;
    public static final int IPV6 = 4;
    /** The longest encoding: type, length, 255-byte name, port. */
    public static final int MAX_LENGTH = 1 + 1 + 255 + 2;

    private SocksAddressCodec() {}

    /**
     * The address at the front of a whole datagram's plaintext, or {@code null} when it is cut short or
     * malformed (an unknown type, an empty name): a UDP packet has nothing more to wait for, so either
     * is just a bad packet. The buffer is not released.
     */
    public static InetSocketAddress decodePacket(ByteBuf plain) {
        try {
            return decode(plain);
        } catch (CorruptedFrameException e) {
            return null;
        }
    }

    /**
     * Decodes an address from the reader index of {@code in}.
     *
     * @return the address, with the reader index moved past it; or {@code null} when {@code in}
     *     does not yet hold a whole address (the reader index is left where it was)
     * @throws CorruptedFrameException for an unknown type or an empty domain name
     */
    public static InetSocketAddress decode(ByteBuf in) {
        int start = in.readerIndex();
        if (!in.isReadable()) {
            return null;
        }
        int type = in.getUnsignedByte(start);
        switch (type) {
            case IPV4:
                return decodeIp(in, start, 4);
            case IPV6:
                return decodeIp(in, start, 16);
            case DOMAIN: {
                if (in.readableBytes() < 2) {
                    return null;
                }
                int length = in.getUnsignedByte(start + 1);
                if (length == 0) {
                    throw new CorruptedFrameException("empty domain name in address");
                }
                if (in.readableBytes() < 2 + length + 2) {
                    return null;
                }
                String host = in.toString(start + 2, length, StandardCharsets.ISO_8859_1);
                int port = in.getUnsignedShort(start + 2 + length);
                in.skipBytes(2 + length + 2);
                return InetSocketAddress.createUnresolved(host, port);
            }
            default:
                throw new CorruptedFrameException("unknown address type " + type);
        }
    }

    private static InetSocketAddress decodeIp(ByteBuf in, int start, int size) {
        if (in.readableBytes() < 1 + size + 2) {
            return null;
        }
        byte[] ip = new byte[size];
        in.getBytes(start + 1, ip);
        int port = in.getUnsignedShort(start + 1 + size);
        in.skipBytes(1 + size + 2);
        try {
            // getByAddress with a 16-byte array keeps IPv4-mapped addresses as Inet6Address only when
            // asked to; the default turns them into Inet4Address, which is what routing wants.
            return new InetSocketAddress(InetAddress.getByAddress(ip), port);
        } catch (UnknownHostException e) {
            throw new AssertionError("raw address of length " + size, e);
        }
    }

    /** Writes {@code address} to {@code out}. */
    public static void encode(InetSocketAddress address, ByteBuf out) {
        if (address.isUnresolved()) {
            byte[] host = hostBytes(address);
            out.writeByte(DOMAIN);
            out.writeByte(host.length);
            out.writeBytes(host);
        } else {
            InetAddress ip = address.getAddress();
            out.writeByte(ip instanceof Inet4Address ? IPV4 : IPV6);
            out.writeBytes(ip.getAddress());
        }
        out.writeShort(address.getPort());
    }

    public static byte[] encode(InetSocketAddress address) {
        byte[] out = new byte[encodedLength(address)];
        ByteBuf buf = io.netty.buffer.Unpooled.wrappedBuffer(out);
        buf.writerIndex(0);
        encode(address, buf);
        return out;
    }

    public static int encodedLength(InetSocketAddress address) {
        if (address.isUnresolved()) {
            return 1 + 1 + hostBytes(address).length + 2;
        }
        return (address.getAddress() instanceof Inet6Address ? 1 + 16 : 1 + 4) + 2;
    }

    private static byte[] hostBytes(InetSocketAddress address) {
        byte[] host = address.getHostString().getBytes(StandardCharsets.ISO_8859_1);
        if (host.length == 0 || host.length > 255) {
            throw new IllegalArgumentException("domain name must be 1 to 255 bytes: " + address.getHostString());
        }
        return host;
    }
}
