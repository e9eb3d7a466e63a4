package dev.ssjvm.service.limits;

import java.time.Duration;
import java.time.Instant;

/**
 * What one user, or one port as a whole, may use. Zero (or {@code null}) means no limit.
 *
 * @param maxConnections TCP connections open at once
 * @param upBytesPerSecond payload the client may send per second, averaged by a token bucket
 * @param downBytesPerSecond payload the client may receive per second
 * @param quotaBytes payload both ways within one quota period
 * @param quotaPeriod how long a quota period lasts before its count starts again; {@code null}: the
 *     quota is for the whole life of the user
 * @param expires when the user or port stops working; {@code null}: never
 */
public record Limits(int maxConnections, long upBytesPerSecond, long downBytesPerSecond, long quotaBytes,
        Duration quotaPeriod, Instant expires) {

    public static final Limits NONE = new Limits(0, 0, 0, 0, null, null);

    public Limits {
        if (maxConnections < 0 || upBytesPerSecond < 0 || downBytesPerSecond < 0 || quotaBytes < 0) {
            throw new IllegalArgumentException("limits cannot be negative");
        }
        if (quotaPeriod != null && (quotaPeriod.isZero() || quotaPeriod.isNegative())) {
            throw new IllegalArgumentException("a quota period must be positive");
        }
    }

    public boolean isNone() {
        return equals(NONE);
    }

    public boolean throttles() {
        return upBytesPerSecond > 0 || downBytesPerSecond > 0;
    }
}
