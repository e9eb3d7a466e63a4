package dev.ssjvm.service.server;

import dev.ssjvm.service.limits.Refusal;
import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the connections of a server still in the handshake (accepted, not yet relaying), in all and
 * per source address, so that a flood of silent or garbage connections holds a bounded number of
 * descriptors and buffers. A connection over a limit is refused when it arrives (the newest is the
 * one refused): evicting the oldest instead would let a flood push out, one by one, the good clients
 * that are in the middle of their handshake. Shared by every port and event loop.
 */
final class HandshakeSlots {
    private final AtomicInteger total = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();

    /**
     * Takes a slot for a connection from {@code source}: null when taken, else the limit that refused
     * it (nothing taken).
     */
    Refusal acquire(InetAddress source, int maxTotal, int maxPerAddress) {
        if (total.incrementAndGet() > maxTotal) {
            total.decrementAndGet();
            return Refusal.HANDSHAKES;
        }
        boolean[] taken = new boolean[1];
        perAddress.compute(source, (a, n) -> {
            int now = n == null ? 0 : n;
            if (now >= maxPerAddress) {
                return n;
            }
            taken[0] = true;
            return now + 1;
        });
        if (!taken[0]) {
            total.decrementAndGet();
            return Refusal.HANDSHAKES_PER_IP;
        }
        return null;
    }

    /** Gives back the slot of a connection from {@code source}: its handshake ended, or it closed. */
    void release(InetAddress source) {
        perAddress.computeIfPresent(source, (a, n) -> n <= 1 ? null : n - 1);
        total.decrementAndGet();
    }

    /** Connections in the handshake now. */
    int total() {
        return total.get();
    }

    /** Source addresses with a connection in the handshake now. */
    int addresses() {
        return perAddress.size();
    }
}
