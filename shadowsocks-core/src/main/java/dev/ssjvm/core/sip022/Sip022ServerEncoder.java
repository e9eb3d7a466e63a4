package dev.ssjvm.core.sip022;

import dev.ssjvm.crypto.AeadFactory;
import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.crypto.Sip022Keys;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import java.time.Clock;

/**
 * Server side of a SIP022 response stream: a fresh salt and the fixed-length response header (type 1,
 * timestamp, the request's salt, the first chunk's length) go out together with the first payload;
 * then length and payload chunks of up to 0xFFFF bytes. Sealed under the key of the user the request
 * came from.
 */
final class Sip022ServerEncoder extends MessageToByteEncoder<ByteBuf> {
    private final Entropy entropy;
    private final CipherKind method;
    private final AeadFactory factory;
    private final Clock clock;
    private final Sip022Session session;
    private ChunkCipher cipher;

    Sip022ServerEncoder(CipherKind method, AeadFactory factory, Clock clock, Sip022Session session, Entropy entropy) {
        super(ByteBuf.class, true);
        this.entropy = entropy;
        this.method = method;
        this.factory = factory;
        this.clock = clock;
        this.session = session;
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, ByteBuf msg, boolean preferDirect) {
        int n = msg.readableBytes();
        int chunks = (n + Sip022.MAX_CHUNK - 1) / Sip022.MAX_CHUNK;
        int tag = method.tagSize();
        int header = cipher == null ? method.saltSize() + 1 + 8 + method.saltSize() + 2 + tag : 0;
        return ctx.alloc().directBuffer(Math.max(1, header + n + chunks * (2 + 2 * tag)));
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, ByteBuf msg, ByteBuf out) {
        if (!msg.isReadable()) {
            return; // the response header only ever travels with payload
        }
        if (cipher == null) {
            if (session.key == null) {
                throw new IllegalStateException("response before the request was authenticated");
            }
            byte[] salt = new byte[method.saltSize()];
            entropy.nextBytes(salt);
            out.writeBytes(salt);
            cipher = new ChunkCipher(factory.create(method.algorithm(), Sip022Keys.sessionSubkey(session.key, salt)));
            int first = Math.min(msg.readableBytes(), Sip022.MAX_CHUNK);
            ByteBuf header = ctx.alloc().directBuffer(1 + 8 + salt.length + 2);
            try {
                header.writeByte(Sip022.TYPE_SERVER).writeLong(Sip022.now(clock)).writeBytes(session.requestSalt)
                        .writeShort(first);
                cipher.seal(header, header.readableBytes(), out);
            } finally {
                header.release();
            }
            cipher.seal(msg, first, out);
        }
        while (msg.isReadable()) {
            int n = Math.min(msg.readableBytes(), Sip022.MAX_CHUNK);
            cipher.sealLength(n, out);
            cipher.seal(msg, n, out);
        }
    }
}
