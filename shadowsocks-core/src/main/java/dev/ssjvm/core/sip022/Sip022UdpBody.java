package dev.ssjvm.core.sip022;

import dev.ssjvm.core.address.SocksAddressCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.CorruptedFrameException;
import java.net.InetSocketAddress;
import java.time.Clock;

/**
 * The plaintext body of a SIP022 UDP packet, the same under both cipher formats: type (0 from clients,
 * 1 from servers), timestamp, the client session id (server bodies only), padding, then the SOCKS
 * address in front of the payload. We send no padding; we skip whatever we receive.
 */
final class Sip022UdpBody {
    /** Type, timestamp, padding length: the shortest client body. */
    static final int MIN_CLIENT = Sip022.FIXED_REQUEST_HEADER;
    /** Type, timestamp, client session id, padding length: the shortest server body. */
    static final int MIN_SERVER = 1 + 8 + 8 + 2;

    private Sip022UdpBody() {}

    /** A client body for {@code payload} (not released) to {@code target}, in a new buffer. */
    static ByteBuf client(ByteBufAllocator alloc, Clock clock, InetSocketAddress target, ByteBuf payload) {
        ByteBuf body = alloc.directBuffer(MIN_CLIENT + SocksAddressCodec.MAX_LENGTH + payload.readableBytes());
        try {
            body.writeByte(Sip022.TYPE_CLIENT).writeLong(Sip022.now(clock)).writeShort(0);
            return finish(body, target, payload);
        } catch (RuntimeException e) {
            body.release();
            throw e;
        }
    }

    /** A server body answering {@code clientSessionId} with {@code payload} from {@code source}. */
    static ByteBuf server(ByteBufAllocator alloc, Clock clock, long clientSessionId, InetSocketAddress source,
            ByteBuf payload) {
        ByteBuf body = alloc.directBuffer(MIN_SERVER + SocksAddressCodec.MAX_LENGTH + payload.readableBytes());
        try {
            body.writeByte(Sip022.TYPE_SERVER).writeLong(Sip022.now(clock)).writeLong(clientSessionId).writeShort(0);
            return finish(body, source, payload);
        } catch (RuntimeException e) {
            body.release();
            throw e;
        }
    }

    private static ByteBuf finish(ByteBuf body, InetSocketAddress address, ByteBuf payload) {
        SocksAddressCodec.encode(address, body);
        body.writeBytes(payload, payload.readerIndex(), payload.readableBytes());
        return body;
    }

    /**
     * Reads a client body up to its payload.
     *
     * @return the target, or {@code null} for a wrong type, a stale timestamp or a bad address
     */
    static InetSocketAddress readClient(ByteBuf body, Clock clock) {
        return read(body, clock, Sip022.TYPE_CLIENT, false, 0);
    }

    /**
     * Reads a server body up to its payload.
     *
     * @return the source, or {@code null} for a wrong type, a stale timestamp, another client session
     *     or a bad address
     */
    static InetSocketAddress readServer(ByteBuf body, Clock clock, long clientSessionId) {
        return read(body, clock, Sip022.TYPE_SERVER, true, clientSessionId);
    }

    private static InetSocketAddress read(ByteBuf body, Clock clock, int type, boolean namesClient,
            long clientSessionId) {
        try {
            if (body.readUnsignedByte() != type
                    || !Sip022.timestampFresh(clock, body.readLong())
                    || namesClient && body.readLong() != clientSessionId) {
                return null;
            }
            body.skipBytes(body.readUnsignedShort());
            return SocksAddressCodec.decode(body); // null when truncated
        } catch (CorruptedFrameException | IndexOutOfBoundsException e) {
            return null;
        }
    }
}
