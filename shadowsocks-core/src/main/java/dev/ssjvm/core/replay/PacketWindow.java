package dev.ssjvm.core.replay;

/**
 * A sliding-window filter of packet ids (the scheme of RFC 6479 and WireGuard): ids more than
 * {@link #SIZE} behind the highest seen are refused, as is any id already seen within the window.
 * {@link #isFresh} and {@link #accept} are separate because SIP022 forbids updating the window before
 * the packet has been fully validated. Not thread-safe: one per session, on its event loop.
 */
public final class PacketWindow {
    public static final int SIZE = 2048;

    private final long[] bits = new long[SIZE / 64];
    private long highest = -1;

    /** Whether {@code id} is neither too old nor already seen. Does not change the window. */
    public boolean isFresh(long id) {
        if (id < 0) {
            return false; // ids beyond 2^63 would take a lifetime to reach; treat them as invalid
        }
        if (id > highest) {
            return true;
        }
        if (highest - id >= SIZE) {
            return false;
        }
        return (bits[index(id)] & mask(id)) == 0;
    }

    /** Records {@code id} as seen; call only after {@link #isFresh} and full validation. */
    public void accept(long id) {
        if (id > highest) {
            long advance = highest < 0 ? SIZE : id - highest;
            if (advance >= SIZE) {
                java.util.Arrays.fill(bits, 0L);
            } else {
                for (long i = highest + 1; i <= id; i++) {
                    bits[index(i)] &= ~mask(i);
                }
            }
            highest = id;
        }
        bits[index(id)] |= mask(id);
    }

    private static int index(long id) {
        return (int) ((id / 64) % (SIZE / 64));
    }

    private static long mask(long id) {
        return 1L << (id % 64);
    }
}
