package dev.ssjvm.crypto;

import java.nio.ByteBuffer;

/**
 * A small direct buffer per thread for the tiny plaintexts of a stream (length chunks, header chunks).
 * Native-backed providers handed a heap buffer allocate a direct copy for every call; with this they
 * get direct memory and allocate nothing. The buffer is the thread's own: use it and let go before
 * the next call that might use it too.
 */
public final class Scratch {
    /** Room for the largest small plaintext: a SIP022 response header (1 + 8 + 32 + 2) and more. */
    public static final int SIZE = 256;

    private static final ThreadLocal<ByteBuffer> BUFFERS = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(SIZE));

    private Scratch() {}

    /** The calling thread's scratch buffer, cleared (position 0, limit {@link #SIZE}). */
    public static ByteBuffer get() {
        return BUFFERS.get().clear();
    }
}
