package dev.ssjvm.core.replay;

import java.security.SecureRandom;

/**
 * Two alternating Bloom filters, the scheme shadowsocks-libev calls ppbloom: salts go into the
 * current filter; when it holds {@code capacity} entries the older filter is cleared and becomes the
 * current one. A salt is reported as seen if either filter has it, so the last {@code capacity} to
 * {@code 2 * capacity} salts are always remembered and memory never grows.
 *
 * <p>Only authenticated salts are ever added, so a stranger without the key cannot fill the filter.
 * Salts are random by construction; the hash mixes them with a per-process secret anyway, so nobody
 * can aim at particular bits.
 */
public final class BloomSaltFilter implements SaltFilter {
    private static final int HASHES = 20; // false-positive rate about 1e-6 at 1.44 * 20 bits per entry

    private final int capacity;
    /** A power of two, so a bit index is a mask rather than a division. */
    private final int bits;
    private final long seed0;
    private final long seed1;
    /**
     * Allocated on first use, {@code previous} at the first swap: a server's four filters are 16 MiB of
     * zeroed (so resident) arrays, which an idle process, or one without UDP, never needs.
     */
    private long[] current;
    private long[] previous;
    private int count;

    /** @param capacity salts per filter; libev uses 1e6 on servers and 1e4 on clients */
    public BloomSaltFilter(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.capacity = capacity;
        long wanted = (long) Math.ceil(capacity * HASHES / Math.log(2));
        this.bits = (int) Math.min(1L << 30, Math.max(64, Long.highestOneBit(wanted - 1) << 1));
        SecureRandom random = new SecureRandom();
        this.seed0 = random.nextLong();
        this.seed1 = random.nextLong() | 1;
    }

    @Override
    public synchronized boolean checkAndAdd(byte[] salt) {
        long h1 = mix(salt, seed0);
        long h2 = mix(salt, seed1) | 1;
        if (current == null) {
            current = new long[(bits + 63) / 64];
        }
        if (contains(current, h1, h2) || (previous != null && contains(previous, h1, h2))) {
            return false;
        }
        if (count >= capacity) {
            long[] recycled = previous;
            if (recycled == null) {
                recycled = new long[current.length];
            } else {
                java.util.Arrays.fill(recycled, 0L);
            }
            previous = current;
            current = recycled;
            count = 0;
        }
        for (int i = 0; i < HASHES; i++) {
            int bit = index(h1, h2, i);
            current[bit >>> 6] |= 1L << bit;
        }
        count++;
        return true;
    }

    private boolean contains(long[] filter, long h1, long h2) {
        for (int i = 0; i < HASHES; i++) {
            int bit = index(h1, h2, i);
            if ((filter[bit >>> 6] & (1L << bit)) == 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * The i-th bit of a salt. Plain double hashing ({@code h1 + i * h2} masked) lets two salts whose
     * strides agree in the low bits share most of their bits, which made false positives about 70
     * times the textbook rate at this size (1e-5 rather than 1.6e-7 with a full filter of 1000):
     * mixing each index again makes them independent.
     */
    private int index(long h1, long h2, int i) {
        return (int) (finish(h1 + i * h2) & (bits - 1));
    }

    /** A keyed 64-bit mix: the splitmix64 finaliser over the salt, eight bytes at a time. */
    private static long mix(byte[] data, long seed) {
        long h = seed ^ data.length;
        int i = 0;
        for (; i + 8 <= data.length; i += 8) {
            h = finish(h ^ (long) LONG.get(data, i));
        }
        for (; i < data.length; i++) {
            h = finish(h ^ (data[i] & 0xff));
        }
        return finish(h);
    }

    private static final java.lang.invoke.VarHandle LONG =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    private static long finish(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
