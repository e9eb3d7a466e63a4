package dev.ssjvm.core.sip022;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/** Entropy that hands out the values a known-answer vector was made with, in order. */
final class FixedEntropy implements Entropy {
    private final Deque<byte[]> bytes = new ArrayDeque<>();
    private final Deque<Long> longs = new ArrayDeque<>();
    private final int padding;

    FixedEntropy(int padding) {
        this.padding = padding;
    }

    FixedEntropy bytes(byte[] value) {
        bytes.add(value);
        return this;
    }

    FixedEntropy longValue(long value) {
        longs.add(value);
        return this;
    }

    @Override
    public void nextBytes(byte[] out) {
        byte[] next = bytes.poll();
        if (next == null || next.length != out.length) {
            throw new AssertionError("unexpected request for " + out.length + " random bytes");
        }
        System.arraycopy(next, 0, out, 0, out.length);
    }

    @Override
    public long nextLong() {
        Long next = longs.poll();
        if (next == null) {
            throw new AssertionError("unexpected request for a random long");
        }
        return next;
    }

    @Override
    public int padding(int payloadLength) {
        return padding;
    }

    @Override
    public String toString() {
        return "fixed " + bytes.stream().map(Arrays::toString).toList();
    }
}
