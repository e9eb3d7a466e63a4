package dev.ssjvm.cli;

import io.netty.util.ResourceLeakDetector;

/**
 * Netty's leak detector, off in production unless asked for.
 *
 * <p>Netty samples one buffer allocation in 128 by default and records a stack trace for it at
 * every touch: on 1 KiB keep-alive requests that was about 1.3% of each process's CPU (building
 * those traces) for a report nobody reads in production. Tests run it paranoid (the build's
 * {@code -Dio.netty.leakDetection.level=paranoid}); an operator chasing a leak sets the same
 * property, which this leaves alone.
 */
final class LeakDetection {
    private LeakDetection() {
    }

    /** Turns the detector off unless a level was set with Netty's system properties. */
    static void offUnlessConfigured() {
        if (System.getProperty("io.netty.leakDetection.level") == null
                && System.getProperty("io.netty.leakDetectionLevel") == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
    }
}
