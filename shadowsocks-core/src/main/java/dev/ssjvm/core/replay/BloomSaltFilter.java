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
    private final int bits;
    private final long seed0;
    private final long seed1;
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
        this.bits = (int) Math.min(Integer.MAX_VALUE - 63, Math.max(64, wanted));
        this.current = new long[(bits + 63) / 64];
        this.previous = new long[(bits + 63) / 64];
        SecureRandom random = new SecureRandom();
        this.seed0 = random.nextLong();
        this.seed1 = random.nextLong() | 1;
    }

    @Override
    public synchronized boolean checkAndAdd(byte[] salt) {
        long h1 = mix(salt, seed0);
        long h2 = mix(salt, seed1) | 1;
        if (contains(current, h1, h2) || contains(previous, h1, h2)) {
            return false;
        }
        if (count >= capacity) {
            long[] recycled = previous;
            java.util.Arrays.fill(recycled, 0L);
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

    private int index(long h1, long h2, int i) {
        return (int) Long.remainderUnsigned(h1 + i * h2, bits);
    }

    /** A keyed 64-bit mix (splitmix64 finaliser over the salt's words). */
    private static long mix(byte[] data, long seed) {
        long h = seed ^ data.length;
        for (int i = 0; i < data.length; i++) {
            h = (h ^ (data[i] & 0xff)) * 0x100000001b3L;
            if ((i & 7) == 7) {
                h = finish(h);
            }
        }
        return finish(h);
    }

    private static long finish(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
