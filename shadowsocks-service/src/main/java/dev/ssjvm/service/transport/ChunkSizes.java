package dev.ssjvm.service.transport;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Read-size allocators for plaintext sockets, one shared per chunk size (they keep no per-channel state). */
public final class ChunkSizes {
    private static final Map<Integer, ChunkAlignedRecvAllocator> READS = new ConcurrentHashMap<>();

    private ChunkSizes() {}

    /**
     * The allocator for reads of plaintext that goes into chunks of {@code chunkPayload} bytes (a
     * protocol's {@code maxChunkPayload()}).
     */
    public static ChunkAlignedRecvAllocator readsFor(int chunkPayload) {
        return READS.computeIfAbsent(chunkPayload, ChunkAlignedRecvAllocator::new);
    }
}
