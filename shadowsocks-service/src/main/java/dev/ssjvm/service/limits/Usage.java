package dev.ssjvm.service.limits;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The live use of one set of limits (a user, or a port as a whole): connections open now, the token
 * buckets of its rates, and the bytes of its current quota period. Shared by every connection of its
 * user on every event loop, so all of it is atomic.
 */
final class Usage {
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicLong used = new AtomicLong();
    private volatile Limits limits;
    private volatile TokenBucket up;
    private volatile TokenBucket down;
    private volatile long periodStartMillis;
    /** Set once the quota is used up in this period, so the crossing is told once. */
    private volatile boolean spent;

    Usage(Limits limits, long nowMillis, long nowNanos) {
        this.periodStartMillis = nowMillis;
        apply(limits, nowNanos);
    }

    Limits limits() {
        return limits;
    }

    /** Takes new limits; the counts so far (connections, the period's bytes) carry over. */
    void apply(Limits value, long nowNanos) {
        limits = value;
        up = value.upBytesPerSecond() > 0 ? new TokenBucket(value.upBytesPerSecond(), nowNanos) : null;
        down = value.downBytesPerSecond() > 0 ? new TokenBucket(value.downBytesPerSecond(), nowNanos) : null;
        spent = value.quotaBytes() > 0 && used.get() >= value.quotaBytes();
    }

    /** Why a new connection or association may not start now, or {@code null}. */
    Refusal refusal(long nowMillis) {
        Limits l = limits;
        if (l.expires() != null && nowMillis >= l.expires().toEpochMilli()) {
            return Refusal.EXPIRED;
        }
        roll(nowMillis);
        if (l.quotaBytes() > 0 && used.get() >= l.quotaBytes()) {
            return Refusal.QUOTA;
        }
        return null;
    }

    /** Takes a connection slot; false when as many are open as the limits allow. */
    boolean open() {
        int max = limits.maxConnections();
        if (connections.incrementAndGet() > max && max > 0) {
            connections.decrementAndGet();
            return false;
        }
        return true;
    }

    void closed() {
        connections.decrementAndGet();
    }

    int connections() {
        return connections.get();
    }

    /**
     * Counts payload against the quota.
     *
     * @return true exactly once per period: when this count used the quota up
     */
    boolean count(long bytes) {
        long total = used.addAndGet(bytes);
        long quota = limits.quotaBytes();
        if (quota > 0 && total >= quota && !spent) {
            synchronized (this) {
                if (!spent) {
                    spent = true;
                    return true;
                }
            }
        }
        return false;
    }

    long pauseUp(long bytes, long nowNanos) {
        TokenBucket bucket = up;
        return bucket == null ? 0 : bucket.take(bytes, nowNanos);
    }

    long pauseDown(long bytes, long nowNanos) {
        TokenBucket bucket = down;
        return bucket == null ? 0 : bucket.take(bytes, nowNanos);
    }

    /** Starts a new quota period if the current one is over. */
    void roll(long nowMillis) {
        Duration period = limits.quotaPeriod();
        if (period == null) {
            return;
        }
        long length = period.toMillis();
        long start = periodStartMillis;
        if (nowMillis - start < length) {
            return;
        }
        synchronized (this) {
            start = periodStartMillis;
            if (nowMillis - start >= length) {
                periodStartMillis = start + (nowMillis - start) / length * length;
                used.set(0);
                spent = false;
            }
        }
    }

    /** The quota's state, to be kept across restarts. */
    QuotaState quota() {
        return new QuotaState(Instant.ofEpochMilli(periodStartMillis), used.get());
    }

    /** Restores a kept quota state (at start, before any traffic). */
    void restore(QuotaState state, long nowNanos) {
        periodStartMillis = state.periodStart().toEpochMilli();
        used.set(state.usedBytes());
        apply(limits, nowNanos);
    }
}
