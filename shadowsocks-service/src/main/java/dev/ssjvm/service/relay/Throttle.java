package dev.ssjvm.service.relay;

/**
 * Paces one direction of a relay: told the size of every read, it says how long the reading side
 * should pause before it reads again. What was read is always forwarded; the pause pays for it.
 */
@FunctionalInterface
public interface Throttle {

    /** @return nanoseconds to pause reading; 0 to go on at once */
    long pauseNanos(long bytes);

    Throttle NONE = bytes -> 0;

    /** Both limits hold: the longer pause wins. */
    static Throttle both(Throttle a, Throttle b) {
        if (a == NONE) {
            return b;
        }
        if (b == NONE) {
            return a;
        }
        return bytes -> Math.max(a.pauseNanos(bytes), b.pauseNanos(bytes));
    }
}
