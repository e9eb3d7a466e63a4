package dev.ssjvm.service.local.dns;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Answers of one DNS front end, kept for their smallest TTL (negative answers as {@link DnsWire} says),
 * at most {@code capacity} of them, the least recently used going first. Shared by every event loop of
 * the front end: the map is behind one lock, held only to look up or store a copy, never across I/O.
 * Entries are plain byte arrays, so nothing in here holds a pooled buffer.
 */
final class DnsCache {
    private record Entry(byte[] message, int[] ttlOffsets, long storedNanos, long expiresNanos) {}

    private final int capacity;
    private final LongSupplier nanos;
    private final LinkedHashMap<String, Entry> entries;

    DnsCache(int capacity, LongSupplier nanos) {
        this.capacity = capacity;
        this.nanos = nanos;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > DnsCache.this.capacity;
            }
        };
    }

    DnsCache(int capacity) {
        this(capacity, System::nanoTime);
    }

    /** Keeps {@code message} (not copied: the caller hands it over) for {@code seconds}, if more than 0. */
    void put(String key, byte[] message, int[] ttlOffsets, long seconds) {
        if (seconds <= 0) {
            return;
        }
        long now = nanos.getAsLong();
        Entry entry = new Entry(message, ttlOffsets, now, now + TimeUnit.SECONDS.toNanos(seconds));
        synchronized (entries) {
            entries.put(key, entry);
        }
    }

    /**
     * The kept answer for {@code key}, as a new message carrying {@code id}, its TTLs lowered by the
     * whole seconds it has been kept; {@code null} when there is none or it has expired.
     */
    byte[] get(String key, int id) {
        long now = nanos.getAsLong();
        Entry entry;
        synchronized (entries) {
            entry = entries.get(key);
            if (entry != null && now - entry.expiresNanos() >= 0) {
                entries.remove(key);
                entry = null;
            }
        }
        if (entry == null) {
            return null;
        }
        byte[] message = DnsWire.withId(entry.message(), id);
        long aged = TimeUnit.NANOSECONDS.toSeconds(now - entry.storedNanos());
        for (int offset : entry.ttlOffsets()) {
            long ttl = Math.max(0, readUnsignedInt(message, offset) - aged);
            writeInt(message, offset, ttl);
        }
        return message;
    }

    int size() {
        synchronized (entries) {
            return entries.size();
        }
    }

    private static long readUnsignedInt(byte[] b, int at) {
        return ((b[at] & 0xffL) << 24) | ((b[at + 1] & 0xffL) << 16) | ((b[at + 2] & 0xffL) << 8) | (b[at + 3] & 0xffL);
    }

    private static void writeInt(byte[] b, int at, long value) {
        b[at] = (byte) (value >> 24);
        b[at + 1] = (byte) (value >> 16);
        b[at + 2] = (byte) (value >> 8);
        b[at + 3] = (byte) value;
    }
}
