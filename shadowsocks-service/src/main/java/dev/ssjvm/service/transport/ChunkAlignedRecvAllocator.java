package dev.ssjvm.service.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.DefaultMaxMessagesRecvByteBufAllocator;

/**
 * Read sizes for sockets whose bytes are about to be encrypted into chunks: like Netty's adaptive
 * allocator (grow when a read fills the buffer, shrink after two small reads) but with sizes in whole
 * chunks. Netty's power-of-two sizes are one byte over SIP004's 0x3FFF chunk payload, so a 16 KiB
 * read became a full chunk plus a 1-byte chunk: twice the cipher calls for nothing.
 */
public final class ChunkAlignedRecvAllocator extends DefaultMaxMessagesRecvByteBufAllocator {
    /** The largest read: about 64 KiB, in whole chunks. */
    static final int MAX_READ = 65_536;

    /** Reads start at the second size: one small request first, then whatever the traffic asks for. */
    private static final int INITIAL_INDEX = 1;

    private final int[] sizes;

    /** @param chunkPayload the largest payload of one chunk: 0x3FFF (SIP004) or 0xFFFF (SIP022) */
    public ChunkAlignedRecvAllocator(int chunkPayload) {
        int whole = Math.max(1, MAX_READ / chunkPayload);
        int small = Math.min(2048, chunkPayload);
        int[] table = new int[2 + whole];
        table[0] = Math.min(512, small);
        table[1] = small;
        for (int i = 1; i <= whole; i++) {
            table[1 + i] = i * chunkPayload;
        }
        this.sizes = table;
    }

    @Override
    public Handle newHandle() {
        return new HandleImpl();
    }

    private final class HandleImpl extends MaxMessageHandle {
        private int index = INITIAL_INDEX;
        private boolean decreaseNow;

        @Override
        public ByteBuf allocate(ByteBufAllocator alloc) {
            return alloc.ioBuffer(guess());
        }

        @Override
        public int guess() {
            return sizes[index];
        }

        @Override
        public void lastBytesRead(int bytes) {
            if (bytes == attemptedBytesRead()) {
                record(bytes);
            }
            super.lastBytesRead(bytes);
        }

        @Override
        public void readComplete() {
            record(totalBytesRead());
        }

        private void record(int actual) {
            if (index > 0 && actual <= sizes[index - 1]) {
                if (decreaseNow) {
                    index--;
                    decreaseNow = false;
                } else {
                    decreaseNow = true;
                }
            } else if (actual >= sizes[index]) {
                index = Math.min(index + 1, sizes.length - 1);
                decreaseNow = false;
            }
        }
    }
}
