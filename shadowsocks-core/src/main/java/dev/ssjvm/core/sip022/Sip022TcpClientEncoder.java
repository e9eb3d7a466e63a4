package dev.ssjvm.core.sip022;

import dev.ssjvm.core.address.SocksAddressCodec;
import dev.ssjvm.crypto.AesBlock;
import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.crypto.Sip022Keys;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Client side of a SIP022 request stream. The first write becomes salt, identity headers (SIP023),
 * the fixed-length header chunk and the variable-length header chunk (target address, padding, and as
 * much of the payload as fits), all in one buffer and so in one write to the socket, as the spec
 * requires. A small first payload is padded with a random amount (up to 900 bytes together), an empty
 * one always; later writes become length and payload chunks.
 */
final class Sip022TcpClientEncoder extends MessageToByteEncoder<ByteBuf> {
    private final Sip022TcpClientProtocol server;
    private final Sip022TcpSession session;
    private final byte[] address;
    private Sip022ChunkCipher cipher;
    private int padding = -1;

    Sip022TcpClientEncoder(Sip022TcpClientProtocol server, Sip022TcpSession session, InetSocketAddress target) {
        super(ByteBuf.class, true);
        this.server = server;
        this.session = session;
        this.address = SocksAddressCodec.encode(target);
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, ByteBuf msg, boolean preferDirect) {
        CipherKind method = server.credentials().method();
        int tag = method.tagSize();
        int n = msg.readableBytes();
        int header = 0;
        if (cipher == null) {
            padding = server.entropy().padding(n);
            header = method.saltSize() + server.credentials().identityKeys().size() * AesBlock.SIZE
                    + Sip022.FIXED_REQUEST_HEADER + tag + address.length + 2 + padding + tag;
        }
        int chunks = (n + Sip022.MAX_CHUNK - 1) / Sip022.MAX_CHUNK;
        return ctx.alloc().directBuffer(header + n + chunks * (2 + 2 * tag));
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, ByteBuf msg, ByteBuf out) {
        if (cipher == null) {
            writeRequestHeader(ctx, msg, out);
        }
        while (msg.isReadable()) {
            int n = Math.min(msg.readableBytes(), Sip022.MAX_CHUNK);
            cipher.sealLength(n, out);
            cipher.seal(msg, n, out);
        }
    }

    private void writeRequestHeader(ChannelHandlerContext ctx, ByteBuf msg, ByteBuf out) {
        CipherKind method = server.credentials().method();
        byte[] salt = new byte[method.saltSize()];
        server.entropy().nextBytes(salt);
        session.requestSalt = salt;
        out.writeBytes(salt);
        writeIdentityHeaders(salt, out);
        cipher = new Sip022ChunkCipher(server.factory().create(method.aead(), Sip022Keys.sessionSubkey(server.credentials().key(), salt)));
        int payload = Math.min(msg.readableBytes(), Sip022.MAX_CHUNK - address.length - 2 - padding);
        int variableLength = address.length + 2 + padding + payload;
        ByteBuf fixed = ctx.alloc().directBuffer(Sip022.FIXED_REQUEST_HEADER);
        ByteBuf variable = ctx.alloc().directBuffer(variableLength);
        try {
            fixed.writeByte(Sip022.TYPE_CLIENT).writeLong(Sip022.now(server.clock())).writeShort(variableLength);
            cipher.seal(fixed, fixed.readableBytes(), out);
            variable.writeBytes(address).writeShort(padding).writeZero(padding).writeBytes(msg, payload);
            cipher.seal(variable, variable.readableBytes(), out);
        } finally {
            fixed.release();
            variable.release();
        }
    }

    /** SIP023: one identity header per identity key, each naming the next key by its hash. */
    private void writeIdentityHeaders(byte[] salt, ByteBuf out) {
        List<byte[]> identityKeys = server.credentials().identityKeys();
        byte[] block = new byte[AesBlock.SIZE];
        for (int i = 0; i < identityKeys.size(); i++) {
            byte[] next = i + 1 < identityKeys.size() ? identityKeys.get(i + 1) : server.credentials().key();
            new AesBlock(Sip022Keys.identitySubkey(identityKeys.get(i), salt)).encrypt(Sip022Keys.pskHash(next), 0, block, 0);
            out.writeBytes(block);
        }
    }
}
