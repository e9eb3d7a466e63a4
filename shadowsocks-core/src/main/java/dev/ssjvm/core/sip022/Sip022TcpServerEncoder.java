package dev.ssjvm.core.sip022;

import dev.ssjvm.crypto.Sip022Keys;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/**
 * Server side of a SIP022 response stream: a fresh salt and the fixed-length response header (type 1,
 * timestamp, the request's salt, the first chunk's length) go out together with the first payload;
 * then length and payload chunks of up to 0xFFFF bytes. Sealed under the key of the user the request
 * came from.
 */
final class Sip022TcpServerEncoder extends MessageToByteEncoder<ByteBuf> {
    private final Sip022TcpServerProtocol port;
    private final Sip022TcpSession session;
    private Sip022ChunkCipher cipher;

    Sip022TcpServerEncoder(Sip022TcpServerProtocol port, Sip022TcpSession session) {
        super(ByteBuf.class, true);
        this.port = port;
        this.session = session;
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, ByteBuf msg, boolean preferDirect) {
        int n = msg.readableBytes();
        int chunks = (n + Sip022.MAX_CHUNK - 1) / Sip022.MAX_CHUNK;
        int tag = port.method().tagSize();
        int header = cipher == null ? port.method().saltSize() + 1 + 8 + port.method().saltSize() + 2 + tag : 0;
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
            byte[] salt = new byte[port.method().saltSize()];
            port.entropy().nextBytes(salt);
            out.writeBytes(salt);
            cipher = new Sip022ChunkCipher(port.factory().create(port.method().aead(), Sip022Keys.sessionSubkey(session.key, salt)));
            int first = Math.min(msg.readableBytes(), Sip022.MAX_CHUNK);
            ByteBuf header = ctx.alloc().directBuffer(1 + 8 + salt.length + 2);
            try {
                header.writeByte(Sip022.TYPE_SERVER).writeLong(Sip022.now(port.clock())).writeBytes(session.requestSalt)
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
