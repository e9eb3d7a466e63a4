package dev.ssjvm.core.sip004;

import dev.ssjvm.core.address.SocksAddressCodec;
import dev.ssjvm.core.protocol.ClientPacket;
import dev.ssjvm.core.protocol.ServerPacket;
import dev.ssjvm.core.protocol.UdpClientProtocol;
import dev.ssjvm.core.protocol.UdpServerProtocol;
import dev.ssjvm.core.protocol.SaltPrefix;
import dev.ssjvm.core.replay.SaltFilter;
import dev.ssjvm.crypto.Aead;
import dev.ssjvm.crypto.AeadFactory;
import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.crypto.Kdf;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.net.InetSocketAddress;
import javax.crypto.AEADBadTagException;

/**
 * SIP004 UDP: every packet is {@code salt || AEAD(subkey(salt), nonce 0, address || payload)}. There is
 * no session state; associations are keyed by the client's address. Salts of accepted packets (and of
 * our own) go into a salt filter, so a recorded packet cannot be replayed.
 */
final class Sip004UdpProtocol implements UdpServerProtocol<Void>, UdpClientProtocol {

    private final Sip004Key key;
    private final AeadFactory factory;
    private final SaltFilter saltFilter;
    private final byte[] zeroNonce;
    private final byte[] saltPrefix;

    Sip004UdpProtocol(CipherKind kind, String password, AeadFactory factory, SaltFilter saltFilter) {
        this(Sip004Key.of(kind, password), factory, saltFilter);
    }

    Sip004UdpProtocol(Sip004Key key, AeadFactory factory, SaltFilter saltFilter) {
        this(key, factory, saltFilter, null);
    }

    /** @param saltPrefix what the salt of every packet this client sends starts with; null for none */
    Sip004UdpProtocol(Sip004Key key, AeadFactory factory, SaltFilter saltFilter, byte[] saltPrefix) {
        this.saltPrefix = saltPrefix;
        this.key = key;
        this.factory = factory;
        this.saltFilter = saltFilter;
        this.zeroNonce = new byte[key.kind().nonceSize()];
    }

    @Override
    public CipherKind cipher() {
        return key.kind();
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
                return true; // replays were already refused by the salt filter in open
            }

            @Override
            public ByteBuf sealReply(ByteBufAllocator alloc, InetSocketAddress source, ByteBuf payload) {
                return seal(alloc, source, payload, null); // the prefix is the client's, never the server's
            }
        };
    }

    @Override
    public UdpClientProtocol.Session newSession() {
        return new UdpClientProtocol.Session() {
            @Override
            public ByteBuf seal(ByteBufAllocator alloc, InetSocketAddress target, ByteBuf payload) {
                return Sip004UdpProtocol.this.seal(alloc, target, payload, saltPrefix);
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

    /** Decrypts one packet into a new buffer, or returns null. */
    private ByteBuf openPacket(ByteBufAllocator alloc, ByteBuf packet) {
        int saltSize = key.kind().saltSize();
        int sealedLength = packet.readableBytes() - saltSize;
        if (sealedLength < key.kind().tagSize()) {
            return null;
        }
        byte[] salt = new byte[saltSize];
        packet.getBytes(packet.readerIndex(), salt);
        Aead aead = factory.create(key.kind().aead(), Kdf.sessionSubkey(key.masterKey(), salt));
        int plainLength = sealedLength - key.kind().tagSize();
        ByteBuf plain = alloc.directBuffer(Math.max(plainLength, 1));
        try {
            aead.open(zeroNonce, packet.nioBuffer(packet.readerIndex() + saltSize, sealedLength),
                    plain.internalNioBuffer(0, plainLength));
        } catch (AEADBadTagException e) {
            plain.release();
            return null;
        }
        plain.writerIndex(plainLength);
        if (!saltFilter.checkAndAdd(salt)) {
            plain.release(); // a replayed packet
            return null;
        }
        return plain;
    }

    private ByteBuf seal(ByteBufAllocator alloc, InetSocketAddress address, ByteBuf payload, byte[] prefix) {
        byte[] salt = new byte[key.kind().saltSize()];
        do {
            SaltPrefix.fill(salt, prefix);
        } while (!saltFilter.checkAndAdd(salt));
        Aead aead = factory.create(key.kind().aead(), Kdf.sessionSubkey(key.masterKey(), salt));
        int addressLength = SocksAddressCodec.encodedLength(address);
        int plainLength = addressLength + payload.readableBytes();
        ByteBuf plain = alloc.directBuffer(plainLength);
        ByteBuf out = alloc.directBuffer(salt.length + plainLength + key.kind().tagSize());
        try {
            SocksAddressCodec.encode(address, plain);
            plain.writeBytes(payload, payload.readerIndex(), payload.readableBytes());
            out.writeBytes(salt);
            aead.seal(zeroNonce, plain.nioBuffer(), out.internalNioBuffer(out.writerIndex(), plainLength + key.kind().tagSize()));
            out.writerIndex(out.writerIndex() + plainLength + key.kind().tagSize());
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
