package dev.ssjvm.core.sip022;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import javax.crypto.AEADBadTagException;

/** The length and payload chunks that follow the headers of a SIP022 stream, in either direction. */
final class Sip022TcpChunks {
    private final Sip022ChunkCipher cipher;
    private int expected;

    /**
     * @param firstPayload the length of a payload chunk announced by a header (a response header does
     *     that), or -1 when the stream continues with a length chunk
     */
    Sip022TcpChunks(Sip022ChunkCipher cipher, int firstPayload) {
        this.cipher = cipher;
        this.expected = firstPayload;
    }

    /** The next payload (possibly empty; the caller owns it), or {@code null} until it has arrived. */
    ByteBuf next(ByteBufAllocator alloc, ByteBuf in) throws AEADBadTagException {
        if (expected < 0) {
            if (in.readableBytes() < 2 + cipher.tagSize()) {
                return null;
            }
            byte[] length = cipher.openSmall(in, 2);
            expected = (length[0] & 0xff) << 8 | (length[1] & 0xff);
        }
        if (in.readableBytes() < expected + cipher.tagSize()) {
            return null;
        }
        ByteBuf payload = cipher.open(alloc, in, expected);
        expected = -1;
        return payload;
    }

    /** True when no chunk is half read, i.e. the stream may end here. */
    boolean atBoundary(ByteBuf in) {
        return expected < 0 && !in.isReadable();
    }
}
