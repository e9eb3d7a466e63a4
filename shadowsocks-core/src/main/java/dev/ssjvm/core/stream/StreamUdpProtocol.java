package dev.ssjvm.core.stream;

import dev.ssjvm.core.address.SocksAddressCodec;
import dev.ssjvm.core.protocol.ClientPacket;
import dev.ssjvm.core.protocol.ServerPacket;
import dev.ssjvm.core.protocol.UdpClientProtocol;
import dev.ssjvm.core.protocol.UdpServerProtocol;
import dev.ssjvm.core.replay.SaltFilter;
import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.crypto.StreamCiphers;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.net.InetSocketAddress;

/**
 * A legacy stream cipher over UDP: every packet is {@code IV || encrypt(address || payload)} with a
 * fresh cipher (as the original and libev). Associations are keyed by the client's address; IVs go
 * through the IV filter, so a recorded packet cannot be replayed.
 */
final class StreamUdpProtocol implements UdpServerProtocol<Void>, UdpClientProtocol {
    private final CipherKind kind;
    private final byte[] masterKey;
    private final SaltFilter ivFilter;

    StreamUdpProtocol(CipherKind kind, byte[] masterKey, SaltFilter ivFilter) {
        this.kind = kind;
        this.masterKey = masterKey;
        this.ivFilter = ivFilter;
    }

    @Override
    public CipherKind cipher() {
        return kind;
    }

    @Override
    public ClientPacket<Void> open(ByteBufAllocator alloc, ByteBuf packet) {
        ByteBuf plain = openPacket(alloc, packet);
        if (plain == null) {
            return null;
        }
        InetSocketAddress target = readAddress(plain);
        return target == null ? null : new ClientPacket<>(null, target, plain, null, null);
    }

    @Override
    public UdpServerProtocol.Session<Void> newSession(ClientPacket<Void> first) {
        return new UdpServerProtocol.Session<>() {
            @Override
            public boolean accept(ClientPacket<Void> packet) {
                return true; // replays were already refused by the IV filter in open
            }

            @Override
            public ByteBuf sealReply(ByteBufAllocator alloc, InetSocketAddress source, ByteBuf payload) {
                return seal(alloc, source, payload);
            }
        };
    }

    @Override
    public UdpClientProtocol.Session newSession() {
        return new UdpClientProtocol.Session() {
            @Override
            public ByteBuf seal(ByteBufAllocator alloc, InetSocketAddress target, ByteBuf payload) {
                return StreamUdpProtocol.this.seal(alloc, target, payload);
            }

            @Override
            public ServerPacket open(ByteBufAllocator alloc, ByteBuf packet) {
                ByteBuf plain = openPacket(alloc, packet);
                if (plain == null) {
                    return null;
                }
                InetSocketAddress source = readAddress(plain);
                return source == null ? null : new ServerPacket(source, plain);
            }
        };
    }

    /** Decrypts one packet into a new buffer, or returns null (too short, or a replayed IV). */
    private ByteBuf openPacket(ByteBufAllocator alloc, ByteBuf packet) {
        int ivSize = kind.saltSize();
        if (packet.readableBytes() <= ivSize) {
            return null;
        }
        byte[] iv = new byte[ivSize];
        packet.getBytes(packet.readerIndex(), iv);
        if (ivSize > 0 && !ivFilter.checkAndAdd(iv)) {
            return null;
        }
        ByteBuf body = packet.slice(packet.readerIndex() + ivSize, packet.readableBytes() - ivSize);
        return StreamCrypt.process(StreamCiphers.create(kind, masterKey, iv, false), alloc, body, body.readableBytes());
    }

    private ByteBuf seal(ByteBufAllocator alloc, InetSocketAddress address, ByteBuf payload) {
        byte[] iv = StreamCrypt.freshIv(kind, ivFilter);
        ByteBuf plain = alloc.heapBuffer(SocksAddressCodec.encodedLength(address) + payload.readableBytes());
        ByteBuf out = alloc.heapBuffer(iv.length + plain.capacity());
        try {
            SocksAddressCodec.encode(address, plain);
            plain.writeBytes(payload, payload.readerIndex(), payload.readableBytes());
            out.writeBytes(iv);
            StreamCrypt.process(StreamCiphers.create(kind, masterKey, iv, true), plain, plain.readableBytes(), out);
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        } finally {
            plain.release();
        }
    }

    /** The address at the front of a decrypted packet; releases the packet and returns null if bad. */
    private static InetSocketAddress readAddress(ByteBuf plain) {
        InetSocketAddress address = SocksAddressCodec.decodePacket(plain);
        if (address == null) {
            plain.release();
        }
        return address;
    }
}
