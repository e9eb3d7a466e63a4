package dev.ssjvm.service.transport;

/** The chunk payload limits of the two stream framings, for sizing plaintext reads. */
public final class ChunkSizes {
    public static final int SIP004 = 0x3FFF;
    public static final int SIP022 = 0xFFFF;

    private ChunkSizes() {}

    /** A shared allocator for reads of plaintext that goes into chunks of {@code chunkPayload}. */
    public static ChunkAlignedRecvAllocator readsFor(int chunkPayload) {
        return chunkPayload == SIP004 ? Holder.SIP004_READS : Holder.SIP022_READS;
    }

    private static final class Holder {
        static final ChunkAlignedRecvAllocator SIP004_READS = new ChunkAlignedRecvAllocator(SIP004);
        static final ChunkAlignedRecvAllocator SIP022_READS = new ChunkAlignedRecvAllocator(SIP022);
    }
}
