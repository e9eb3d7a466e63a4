package dev.ssjvm.core.sip022;

import dev.ssjvm.core.address.SocksAddressCodec;
import dev.ssjvm.core.replay.ReplayedException;
import dev.ssjvm.core.protocol.ProtocolViolation;
import dev.ssjvm.core.protocol.ProxyRequest;
import dev.ssjvm.crypto.AesBlock;
import dev.ssjvm.crypto.Sip022Keys;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import java.net.InetSocketAddress;
import java.util.List;
import javax.crypto.AEADBadTagException;

/**
 * Server side of a SIP022 request stream: salt, (on a multi-user port) the SIP023 identity header,
 * the fixed-length header chunk, the variable-length header chunk, then length and payload chunks.
 * Emits one {@link ProxyRequest} (with the user's name) and then payload buffers.
 *
 * <p>Every failure (tag, stream type, stale timestamp, replayed salt, unknown user, malformed or
 * over-long header, a header with neither payload nor padding, a stream cut inside a chunk) switches
 * to draining, exactly as {@code Sip004TcpServerDecoder} does: one {@link ProtocolViolation}, then silence.
 */
final class Sip022TcpServerDecoder extends ByteToMessageDecoder {
    private enum State { HEADER, VARIABLE, STREAM, DRAIN }

    private final Sip022TcpServerProtocol port;
    private final Sip022TcpSession session;
    private State state = State.HEADER;
    private Sip022ChunkCipher cipher;
    private int expected;
    private Sip022TcpChunks chunks;
    private String user;

    /** @param port the port's keys, users and replay state */
    Sip022TcpServerDecoder(Sip022TcpServerProtocol port, Sip022TcpSession session) {
        this.port = port;
        this.session = session;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        try {
            while (true) {
                switch (state) {
                    case DRAIN:
                        in.skipBytes(in.readableBytes());
                        return;
                    case HEADER:
                        if (!readFixedHeader(in)) {
                            return;
                        }
                        break;
                    case VARIABLE:
                        if (in.readableBytes() < expected + cipher.tagSize()) {
                            return;
                        }
                        readVariableHeader(ctx, in, out);
                        break;
                    case STREAM:
                        ByteBuf payload = chunks.next(ctx.alloc(), in);
                        if (payload == null) {
                            return;
                        }
                        if (payload.isReadable()) {
                            out.add(payload);
                        } else {
                            payload.release();
                        }
                        break;
                    default:
                        throw new IllegalStateException(state.name());
                }
            }
        } catch (AEADBadTagException e) {
            fail(ctx, in, ProtocolViolation.Kind.AUTHENTICATION,
                    e.getMessage() != null ? e.getMessage() : "authentication failed");
        } catch (ReplayedException e) {
            fail(ctx, in, ProtocolViolation.Kind.REPLAY, e.getMessage());
        } catch (CorruptedFrameException e) {
            fail(ctx, in, ProtocolViolation.Kind.MALFORMED, e.getMessage());
        }
    }

    /** Salt, identity header, fixed-length header chunk; false until all of them have arrived. */
    private boolean readFixedHeader(ByteBuf in) throws AEADBadTagException {
        int saltSize = port.method().saltSize();
        int identity = port.users().multiUser() ? AesBlock.SIZE : 0;
        if (in.readableBytes() < saltSize + identity + Sip022.FIXED_REQUEST_HEADER + port.method().tagSize()) {
            return false;
        }
        byte[] salt = new byte[saltSize];
        in.readBytes(salt);
        byte[] key = port.psk();
        if (identity > 0) {
            byte[] header = new byte[AesBlock.SIZE];
            in.readBytes(header);
            byte[] hash = new byte[AesBlock.SIZE];
            new AesBlock(Sip022Keys.identitySubkey(port.psk(), salt)).decrypt(header, 0, hash, 0);
            Sip022Users.User found = port.users().find(hash);
            if (found == null) {
                throw new AEADBadTagException("identity header names no known user");
            }
            key = found.psk();
            user = found.name();
        }
        cipher = new Sip022ChunkCipher(port.factory().create(port.method().aead(), Sip022Keys.sessionSubkey(key, salt)));
        byte[] fixed = cipher.openSmall(in, Sip022.FIXED_REQUEST_HEADER);
        if (fixed[0] != Sip022.TYPE_CLIENT) {
            throw new CorruptedFrameException("stream type " + fixed[0] + " in a request");
        }
        long timestamp = Unpooled.wrappedBuffer(fixed).getLong(1);
        if (!Sip022.timestampFresh(port.clock(), timestamp)) {
            throw new ReplayedException("timestamp " + timestamp + " is over 30 s from our clock");
        }
        if (!port.saltPool().checkAndAdd(salt)) {
            throw new ReplayedException("replayed salt");
        }
        expected = (fixed[9] & 0xff) << 8 | (fixed[10] & 0xff);
        if (expected == 0) {
            throw new CorruptedFrameException("empty variable-length header");
        }
        session.requestSalt = salt;
        session.key = key;
        state = State.VARIABLE;
        return true;
    }

    private void readVariableHeader(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws AEADBadTagException {
        ByteBuf header = cipher.open(ctx.alloc(), in, expected);
        try {
            InetSocketAddress target = SocksAddressCodec.decode(header);
            if (target == null || header.readableBytes() < 2) {
                throw new CorruptedFrameException("request header ends inside the address");
            }
            int padding = header.readUnsignedShort();
            if (padding > header.readableBytes()) {
                throw new CorruptedFrameException("padding runs beyond the request header");
            }
            header.skipBytes(padding);
            if (padding == 0 && !header.isReadable()) {
                throw new CorruptedFrameException("request header has neither payload nor padding");
            }
            out.add(new ProxyRequest(target, user));
            chunks = new Sip022TcpChunks(cipher, -1);
            state = State.STREAM;
            if (header.isReadable()) {
                out.add(header.retain());
            }
        } finally {
            header.release();
        }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        decode(ctx, in, out);
        boolean clean = state == State.STREAM && chunks.atBoundary(in);
        if (state != State.DRAIN && !clean && state != State.HEADER) {
            fail(ctx, in, ProtocolViolation.Kind.MALFORMED, "stream ends inside a chunk");
        }
    }

    private void fail(ChannelHandlerContext ctx, ByteBuf in, ProtocolViolation.Kind kind, String reason) {
        state = State.DRAIN;
        in.skipBytes(in.readableBytes());
        ctx.fireUserEventTriggered(new ProtocolViolation(kind, reason));
    }
}
