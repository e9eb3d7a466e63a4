package dev.ssjvm.core.replay;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;

/**
 * SIP022's replay protection for TCP: every salt accepted in the last 60 seconds, stored exactly (the
 * spec forbids Bloom filters: no false positives). Salts older than the retention period are
 * forgotten; timestamps older than 30 seconds are refused anyway, so nothing older can come back.
 *
 * <p>Only salts of requests that authenticated and carried a fresh timestamp are added, so strangers
 * cannot fill the pool. Its size is also capped: when full of live salts, new requests are refused
 * (failing closed) rather than weakening replay protection. Thread-safe.
 */
public final class SaltPool {
    public static final Duration RETENTION = Duration.ofSeconds(60);

    private record Entry(ByteBuffer salt, long expiresAtMillis) {}

    private final Clock clock;
    private final int capacity;
    private final Set<ByteBuffer> salts = new HashSet<>();
    private final ArrayDeque<Entry> byAge = new ArrayDeque<>();

    public SaltPool(Clock clock, int capacity) {
        this.clock = clock;
        this.capacity = capacity;
    }

    /**
     * Records {@code salt}.
     *
     * @return {@code false} if it was seen in the last 60 seconds (a replay) or the pool is full
     */
    public synchronized boolean checkAndAdd(byte[] salt) {
        long now = clock.millis();
        Entry oldest;
        while ((oldest = byAge.peekFirst()) != null && oldest.expiresAtMillis() <= now) {
            byAge.pollFirst();
            salts.remove(oldest.salt());
        }
        ByteBuffer key = ByteBuffer.wrap(salt.clone());
        if (salts.contains(key) || salts.size() >= capacity) {
            return false;
        }
        salts.add(key);
        byAge.addLast(new Entry(key, now + RETENTION.toMillis()));
        return true;
    }

    public synchronized int size() {
        return salts.size();
    }
}
