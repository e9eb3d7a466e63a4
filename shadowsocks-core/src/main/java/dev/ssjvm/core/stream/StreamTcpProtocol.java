package dev.ssjvm.core.stream;

import dev.ssjvm.core.address.SocksAddressCodec;
import dev.ssjvm.core.protocol.TcpClientProtocol;
import dev.ssjvm.core.protocol.TcpServerProtocol;
import dev.ssjvm.core.replay.SaltFilter;
import dev.ssjvm.crypto.CipherKind;
import io.netty.channel.ChannelHandler;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.net.InetSocketAddress;

/**
 * A legacy stream cipher over TCP, for both roles: each direction is its own IV followed by one
 * continuous cipher stream (as the original and shadowsocks-libev); IVs of both directions go
 * through the IV filter.
 */
record StreamTcpProtocol(CipherKind kind, byte[] masterKey, SaltFilter ivFilter)
        implements TcpServerProtocol, TcpClientProtocol {

    /** No chunks here; reads of this size keep each write one modest buffer. */
    static final int READ_SIZE = 16 * 1024;

    @Override
    public CipherKind cipher() {
        return kind;
    }

    @Override
    public int maxChunkPayload() {
        return READ_SIZE;
    }

    @Override
    public ChannelHandler newCodec() {
        return new Codec(new StreamServerDecoder(kind, masterKey, ivFilter), new StreamEncoder(kind, masterKey, ivFilter, null));
    }

    @Override
    public ChannelHandler newCodec(InetSocketAddress target) {
        return new Codec(new StreamClientDecoder(kind, masterKey, ivFilter),
                new StreamEncoder(kind, masterKey, ivFilter, SocksAddressCodec.encode(target)));
    }

    /** Decoder and encoder of one connection, installed as one pipeline entry. */
    private static final class Codec extends CombinedChannelDuplexHandler<ByteToMessageDecoder, StreamEncoder> {
        Codec(ByteToMessageDecoder decoder, StreamEncoder encoder) {
            super(decoder, encoder);
        }
    }
}
