package dev.ssjvm.service.limits;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A rate shared by every connection of one user (or port), on any event loop: each read takes its
 * bytes, and when the bucket runs dry the caller is told how long to pause reading. Data already read
 * is never dropped; it is paid for by the pause that follows, so the rate holds on average.
 *
 * <p>Kept as one atomic number, the time at which the bucket will be full again (the "theoretical
 * arrival time" of GCRA), so taking bytes is one compare-and-set and needs no lock.
 */
final class TokenBucket {
    /** A bucket holds this much time's worth of bytes, so a short burst passes at full speed. */
    static final long BURST_NANOS = 100_000_000L;

    private final double nanosPerByte;
    private final AtomicLong fullAt;

    TokenBucket(long bytesPerSecond, long now) {
        this.nanosPerByte = 1e9 / bytesPerSecond;
        this.fullAt = new AtomicLong(now);
    }

    /**
     * Takes {@code bytes} at time {@code now}.
     *
     * @return how long the reader should pause before it reads again, in nanoseconds; 0 for not at all
     */
    long take(long bytes, long now) {
        long cost = (long) (bytes * nanosPerByte);
        while (true) {
            long current = fullAt.get();
            long next = Math.max(current, now) + cost;
            if (fullAt.compareAndSet(current, next)) {
                long ahead = next - now - BURST_NANOS;
                return Math.max(0, ahead);
            }
        }
    }
}
