package dev.ssjvm.core.sip022;

import dev.ssjvm.crypto.Sip022Keys;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import java.security.MessageDigest;
import java.util.List;
import javax.crypto.AEADBadTagException;

/**
 * Client side of a SIP022 response stream: salt, the fixed-length response header (checked: type 1,
 * fresh timestamp, our own request salt), the first payload chunk, then length and payload chunks.
 * Bad input fails the channel.
 */
final class Sip022TcpClientDecoder extends ByteToMessageDecoder {

    private final Sip022TcpClientProtocol server;
    private final Sip022TcpSession session;
    /** Null until the response header has been read. */
    private Sip022TcpChunks chunks;

    /** @param server the keys towards this server */
    Sip022TcpClientDecoder(Sip022TcpClientProtocol server, Sip022TcpSession session) {
        this.server = server;
        this.session = session;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        try {
            if (chunks == null && !readHeader(in)) {
                return;
            }
            ByteBuf payload;
            while ((payload = chunks.next(ctx.alloc(), in)) != null) {
                if (payload.isReadable()) {
                    out.add(payload);
                } else {
                    payload.release();
                }
            }
        } catch (AEADBadTagException e) {
            throw new DecoderException("cannot authenticate the server's response: wrong key or method?", e);
        }
    }

    private boolean readHeader(ByteBuf in) throws AEADBadTagException {
        int saltSize = server.credentials().method().saltSize();
        int headerSize = 1 + 8 + saltSize + 2;
        if (in.readableBytes() < saltSize + headerSize + server.credentials().method().tagSize()) {
            return false;
        }
        byte[] salt = new byte[saltSize];
        in.readBytes(salt);
        Sip022ChunkCipher cipher = new Sip022ChunkCipher(server.factory().create(server.credentials().method().aead(),
                Sip022Keys.sessionSubkey(server.credentials().key(), salt)));
        ByteBuf header = Unpooled.wrappedBuffer(cipher.openSmall(in, headerSize));
        if (header.readByte() != Sip022.TYPE_SERVER) {
            throw new CorruptedFrameException("response has the wrong stream type");
        }
        long timestamp = header.readLong();
        if (!Sip022.timestampFresh(server.clock(), timestamp)) {
            throw new CorruptedFrameException("response timestamp is over 30 s from our clock");
        }
        byte[] requestSalt = new byte[saltSize];
        header.readBytes(requestSalt);
        if (session.requestSalt == null || !MessageDigest.isEqual(requestSalt, session.requestSalt)) {
            throw new CorruptedFrameException("response names another request (replayed response?)");
        }
        chunks = new Sip022TcpChunks(cipher, header.readUnsignedShort());
        return true;
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        decode(ctx, in, out);
        if (chunks != null ? !chunks.atBoundary(in) : in.isReadable()) {
            in.skipBytes(in.readableBytes());
            throw new CorruptedFrameException("server's response ends inside a chunk");
        }
    }
}
