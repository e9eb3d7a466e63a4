package dev.ssjvm.core.sip004;

import dev.ssjvm.core.address.SocksAddressCodec;
import dev.ssjvm.core.protocol.ProtocolViolation;
import dev.ssjvm.core.protocol.ProxyRequest;
import dev.ssjvm.core.replay.ReplayedException;
import dev.ssjvm.core.replay.SaltFilter;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import java.net.InetSocketAddress;
import java.util.List;
import javax.crypto.AEADBadTagException;

/**
 * Server side of a SIP004 stream: salt, then chunks whose plaintext starts with the target address.
 * Emits one {@link ProxyRequest} and then payload buffers.
 *
 * <p>Bad input of any kind (a wrong key, a tampered or oversized chunk, a replayed salt, an unknown
 * address type, a stream cut in the middle of a chunk) switches the decoder to draining: it fires one
 * {@link ProtocolViolation} and silently discards everything that follows. It never closes the
 * connection itself, so a prober sees the same silence whatever it sends.
 */
final class Sip004TcpServerDecoder extends ByteToMessageDecoder {
    private enum State { SALT, HEADER, STREAM, DRAIN }

    private final Sip004ChunkReader reader;
    private final SaltFilter saltFilter;
    private State state = State.SALT;
    private ByteBuf header;

    Sip004TcpServerDecoder(Sip004ChunkReader reader, SaltFilter saltFilter) {
        this.reader = reader;
        this.saltFilter = saltFilter;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (state == State.DRAIN) {
            in.skipBytes(in.readableBytes());
            return;
        }
        try {
            if (state == State.SALT) {
                if (!reader.readSalt(in)) {
                    return;
                }
                state = State.HEADER;
            }
            ByteBuf chunk;
            while ((chunk = reader.readChunk(ctx.alloc(), in)) != null) {
                if (state == State.STREAM) {
                    out.add(chunk);
                } else {
                    readHeader(ctx, chunk, out);
                }
            }
        } catch (AEADBadTagException e) {
            fail(ctx, in, ProtocolViolation.Kind.AUTHENTICATION, "authentication failed");
        } catch (ReplayedException e) {
            fail(ctx, in, ProtocolViolation.Kind.REPLAY, e.getMessage());
        } catch (CorruptedFrameException e) {
            fail(ctx, in, ProtocolViolation.Kind.MALFORMED, e.getMessage());
        }
    }

    private void readHeader(ChannelHandlerContext ctx, ByteBuf chunk, List<Object> out) {
        if (header == null) {
            // the first chunk authenticated: only now is the salt worth remembering
            if (!saltFilter.checkAndAdd(reader.salt())) {
                chunk.release();
                throw new ReplayedException("replayed salt");
            }
            header = chunk;
        } else {
            ByteBuf joined = ctx.alloc().directBuffer(header.readableBytes() + chunk.readableBytes());
            joined.writeBytes(header).writeBytes(chunk);
            header.release();
            chunk.release();
            header = joined;
        }
        InetSocketAddress target = SocksAddressCodec.decode(header);
        if (target == null) {
            return; // the address continues in the next chunk
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

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        decode(ctx, in, out);
        if (state == State.STREAM && !reader.atChunkBoundary(in)) {
            fail(ctx, in, ProtocolViolation.Kind.MALFORMED, "stream ends inside a chunk");
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
