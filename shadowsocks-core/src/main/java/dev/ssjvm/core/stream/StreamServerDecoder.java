package dev.ssjvm.core.stream;

import dev.ssjvm.core.address.SocksAddressCodec;
import dev.ssjvm.core.protocol.ProtocolViolation;
import dev.ssjvm.core.protocol.ProxyRequest;
import dev.ssjvm.core.replay.SaltFilter;
import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.crypto.StreamCiphers;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import java.net.InetSocketAddress;
import java.util.List;
import org.bouncycastle.crypto.StreamCipher;

/**
 * Server side of a stream-cipher connection: IV, then the cipher stream whose first plaintext bytes
 * are the target address. Emits one {@link ProxyRequest}, then payload buffers.
 *
 * <p>A stream cipher cannot authenticate, so a wrong key shows up only as garbage where the address
 * should be. A replayed IV or an unknown address type switches the decoder to draining, exactly as
 * the AEAD decoders do: one {@link ProtocolViolation}, then silence until the relay's deadline.
 */
final class StreamServerDecoder extends ByteToMessageDecoder {
    private enum State { IV, HEADER, STREAM, DRAIN }

    private final CipherKind kind;
    private final byte[] masterKey;
    private final SaltFilter ivFilter;
    private State state = State.IV;
    private StreamCipher cipher;
    private ByteBuf header;

    StreamServerDecoder(CipherKind kind, byte[] masterKey, SaltFilter ivFilter) {
        this.kind = kind;
        this.masterKey = masterKey;
        this.ivFilter = ivFilter;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (state == State.DRAIN) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (state == State.IV) {
            if (in.readableBytes() < kind.saltSize()) {
                return;
            }
            byte[] iv = new byte[kind.saltSize()];
            in.readBytes(iv);
            if (iv.length > 0 && !ivFilter.checkAndAdd(iv)) {
                fail(ctx, in, ProtocolViolation.Kind.REPLAY, "replayed IV");
                return;
            }
            cipher = StreamCiphers.create(kind, masterKey, iv, false);
            state = State.HEADER;
        }
        if (!in.isReadable()) {
            return;
        }
        ByteBuf plain = StreamCrypt.process(cipher, ctx.alloc(), in, in.readableBytes());
        if (state == State.STREAM) {
            out.add(plain);
            return;
        }
        if (header == null) {
            header = plain;
        } else {
            header.writeBytes(plain);
            plain.release();
        }
        InetSocketAddress target;
        try {
            target = SocksAddressCodec.decode(header);
        } catch (CorruptedFrameException e) {
            fail(ctx, in, ProtocolViolation.Kind.MALFORMED, e.getMessage());
            return;
        }
        if (target == null) {
            return; // the address continues in the next read
        }
        out.add(new ProxyRequest(target, null));
        state = State.STREAM;
        ByteBuf rest = header;
        header = null;
        if (rest.isReadable()) {
            out.add(rest);
        } else {
            rest.release();
        }
    }

    private void fail(ChannelHandlerContext ctx, ByteBuf in, ProtocolViolation.Kind kind, String reason) {
        state = State.DRAIN;
        in.skipBytes(in.readableBytes());
        releaseHeader();
        ctx.fireUserEventTriggered(new ProtocolViolation(kind, reason));
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        releaseHeader();
    }

    private void releaseHeader() {
        if (header != null) {
            header.release();
            header = null;
        }
    }
}
