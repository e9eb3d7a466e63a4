package dev.ssjvm.core.tcp;

import dev.ssjvm.core.address.SocksAddressCodec;
import dev.ssjvm.core.replay.SaltFilter;
import dev.ssjvm.crypto.AeadFactory;
import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.crypto.Kdf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.CombinedChannelDuplexHandler;
import java.net.InetSocketAddress;

/** SIP004 AEAD (the 2017 edition): one password per port, EVP_BytesToKey, HKDF-SHA1 subkeys. */
public final class AeadStreamProtocol implements StreamProtocol {
    private final CipherKind kind;
    private final byte[] masterKey;
    private final AeadFactory factory;
    private final SaltFilter saltFilter;

    public AeadStreamProtocol(CipherKind kind, String password, AeadFactory factory, SaltFilter saltFilter) {
        if (kind.family() != CipherKind.Family.AEAD) {
            throw new IllegalArgumentException(kind + " is not a SIP004 AEAD method");
        }
        this.kind = kind;
        this.masterKey = Kdf.evpBytesToKey(password, kind.keySize());
        this.factory = factory;
        this.saltFilter = saltFilter;
    }

    @Override
    public CipherKind cipher() {
        return kind;
    }

    @Override
    public int maxChunkPayload() {
        return AeadChunkReader.MAX_PAYLOAD;
    }

    @Override
    public ChannelHandler newServerCodec() {
        return new Codec(new AeadServerDecoder(new AeadChunkReader(kind, masterKey, factory), saltFilter),
                new AeadChunkEncoder(kind, masterKey, factory, saltFilter, null));
    }

    @Override
    public ChannelHandler newClientCodec(InetSocketAddress target) {
        return new Codec(new AeadClientDecoder(new AeadChunkReader(kind, masterKey, factory), saltFilter),
                new AeadChunkEncoder(kind, masterKey, factory, saltFilter, SocksAddressCodec.encode(target)));
    }

    /** Decoder and encoder of one connection, installed as one pipeline entry. */
    private static final class Codec
            extends CombinedChannelDuplexHandler<io.netty.handler.codec.ByteToMessageDecoder, AeadChunkEncoder> {
        Codec(io.netty.handler.codec.ByteToMessageDecoder decoder, AeadChunkEncoder encoder) {
            super(decoder, encoder);
        }
    }
}
