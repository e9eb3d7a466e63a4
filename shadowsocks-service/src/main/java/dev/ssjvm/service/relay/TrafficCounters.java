package dev.ssjvm.service.relay;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Bytes relayed per user, for the manager API and metrics: {@code up} is what users sent to targets,
 * {@code down} what targets sent back (payload bytes, before encryption). Users of single-key ports
 * count under the empty name. Thread-safe and cheap on the hot path.
 */
public final class TrafficCounters {
    /** One user's counters. */
    public static final class Counter {
        private final LongAdder up = new LongAdder();
        private final LongAdder down = new LongAdder();

        public void addUp(long bytes) {
            up.add(bytes);
        }

        public void addDown(long bytes) {
            down.add(bytes);
        }

        public long up() {
            return up.sum();
        }

        public long down() {
            return down.sum();
        }
    }

    private final Map<String, Counter> byUser = new ConcurrentHashMap<>();

    /** The counter of {@code user} ({@code null} for a single-key port). */
    public Counter of(String user) {
        return byUser.computeIfAbsent(user == null ? "" : user, u -> new Counter());
    }

    /** A snapshot: user to {up, down}, sorted by name. */
    public Map<String, long[]> snapshot() {
        Map<String, long[]> out = new TreeMap<>();
        byUser.forEach((user, c) -> out.put(user, new long[] {c.up(), c.down()}));
        return out;
    }
}
