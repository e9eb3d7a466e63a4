package dev.ssjvm.core.sip022;

import dev.ssjvm.crypto.AeadFactory;
import dev.ssjvm.crypto.Sip022Keys;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.List;
import javax.crypto.AEADBadTagException;

/**
 * Client side of a SIP022 response stream: salt, the fixed-length response header (checked: type 1,
 * fresh timestamp, our own request salt), the first payload chunk, then length and payload chunks.
 * Bad input fails the channel.
 */
final class Sip022ClientDecoder extends ByteToMessageDecoder {

    private final Sip022Credentials credentials;
    private final AeadFactory factory;
    private final Clock clock;
    private final Sip022Session session;
    /** Null until the response header has been read. */
    private Sip022Chunks chunks;

    Sip022ClientDecoder(Sip022Credentials credentials, AeadFactory factory, Clock clock, Sip022Session session) {
        this.credentials = credentials;
        this.factory = factory;
        this.clock = clock;
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
        int saltSize = credentials.method().saltSize();
        int headerSize = 1 + 8 + saltSize + 2;
        if (in.readableBytes() < saltSize + headerSize + credentials.method().tagSize()) {
            return false;
        }
        byte[] salt = new byte[saltSize];
        in.readBytes(salt);
        ChunkCipher cipher = new ChunkCipher(factory.create(credentials.method().algorithm(),
                Sip022Keys.sessionSubkey(credentials.key(), salt)));
        ByteBuf header = Unpooled.wrappedBuffer(cipher.openSmall(in, headerSize));
        if (header.readByte() != Sip022.TYPE_SERVER) {
            throw new CorruptedFrameException("response has the wrong stream type");
        }
        long timestamp = header.readLong();
        if (!Sip022.timestampFresh(clock, timestamp)) {
            throw new CorruptedFrameException("response timestamp is over 30 s from our clock");
        }
        byte[] requestSalt = new byte[saltSize];
        header.readBytes(requestSalt);
        if (session.requestSalt == null || !MessageDigest.isEqual(requestSalt, session.requestSalt)) {
            throw new CorruptedFrameException("response names another request (replayed response?)");
        }
        chunks = new Sip022Chunks(cipher, header.readUnsignedShort());
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
