package dev.ssjvm.service.testing;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Waits for something another thread makes true; a bounded wait, never a timing assertion. */
public final class Await {
    private static final long SECONDS = 20;

    private Await() {}

    /** Polls {@code condition} for up to 20 s; fails with {@code what} if it never holds. */
    public static void until(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(10);
        }
    }
}
