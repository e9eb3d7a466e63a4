package dev.ssjvm.core.sip004;

import dev.ssjvm.core.address.SocksAddressCodec;
import dev.ssjvm.core.protocol.TcpClientProtocol;
import dev.ssjvm.core.protocol.TcpServerProtocol;
import dev.ssjvm.core.replay.SaltFilter;
import dev.ssjvm.crypto.AeadFactory;
import dev.ssjvm.crypto.CipherKind;
import io.netty.channel.ChannelHandler;
import io.netty.channel.CombinedChannelDuplexHandler;
import java.net.InetSocketAddress;

/**
 * SIP004 AEAD (the 2017 edition) over TCP, for both roles: one password per port, EVP_BytesToKey,
 * HKDF-SHA1 subkeys; salts of both directions go through the salt filter. A client's salts start
 * with its {@code saltPrefix} (Outline's prefix; {@code null} for none, and always for a server).
 */
record Sip004TcpProtocol(Sip004Key key, AeadFactory factory, SaltFilter saltFilter, byte[] saltPrefix)
        implements TcpServerProtocol, TcpClientProtocol {

    Sip004TcpProtocol(CipherKind kind, String password, AeadFactory factory, SaltFilter saltFilter) {
        this(Sip004Key.of(kind, password), factory, saltFilter);
    }

    Sip004TcpProtocol(Sip004Key key, AeadFactory factory, SaltFilter saltFilter) {
        this(key, factory, saltFilter, null);
    }

    @Override
    public CipherKind cipher() {
        return key.kind();
    }

    @Override
    public int maxChunkPayload() {
        return Sip004ChunkReader.MAX_PAYLOAD;
    }

    @Override
    public ChannelHandler newCodec() {
        return new Codec(new Sip004TcpServerDecoder(new Sip004ChunkReader(key.kind(), key.masterKey(), factory), saltFilter),
                new Sip004ChunkEncoder(key.kind(), key.masterKey(), factory, saltFilter, null, null));
    }

    @Override
    public ChannelHandler newCodec(InetSocketAddress target) {
        return new Codec(new Sip004TcpClientDecoder(new Sip004ChunkReader(key.kind(), key.masterKey(), factory), saltFilter),
                new Sip004ChunkEncoder(key.kind(), key.masterKey(), factory, saltFilter, SocksAddressCodec.encode(target),
                        saltPrefix));
    }

    /** Decoder and encoder of one connection, installed as one pipeline entry. */
    private static final class Codec
            extends CombinedChannelDuplexHandler<io.netty.handler.codec.ByteToMessageDecoder, Sip004ChunkEncoder> {
        Codec(io.netty.handler.codec.ByteToMessageDecoder decoder, Sip004ChunkEncoder encoder) {
            super(decoder, encoder);
        }
    }
}
