package dev.ssjvm.service.server;

import dev.ssjvm.service.limits.Refusal;
import io.netty.util.concurrent.EventExecutor;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A warning when a handshake cap (max_handshakes, max_handshakes_per_ip, the pre-auth budget) starts
 * refusing connections: at most one line per cap and interval ({@link #INTERVAL_NANOS}), with the count refused
 * since the last line, so that a flood is visible in the log without a line per connection (each is
 * counted in ssjvm_limit_hits). A line schedules a look one interval later, so that what was refused
 * after it is still said when the flood stops (a burst is not logged as its first connection alone).
 * Shared by every port and event loop.
 */
final class CapWarnings {
    private static final Logger LOG = LoggerFactory.getLogger(CapWarnings.class);
    static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private record Line(AtomicLong last, AtomicLong since) {}

    private final Map<Refusal, Line> lines = new EnumMap<>(Refusal.class);
    private final long intervalNanos;

    CapWarnings() {
        this(INTERVAL_NANOS);
    }

    /** With another interval (tests). */
    CapWarnings(long intervalNanos) {
        this.intervalNanos = intervalNanos;
        long past = System.nanoTime() - intervalNanos;
        for (Refusal r : new Refusal[] {Refusal.HANDSHAKES, Refusal.HANDSHAKES_PER_IP, Refusal.PRE_AUTH_BYTES}) {
            lines.put(r, new Line(new AtomicLong(past), new AtomicLong()));
        }
    }

    /**
     * A connection on {@code port} refused or reset by {@code cap}: logged if no line for that cap went out
     * lately; {@code later} runs the look one interval after a line.
     */
    void refused(Refusal cap, int port, EventExecutor later) {
        Line line = lines.get(cap);
        line.since().incrementAndGet();
        tryLine(cap, line, port, later);
    }

    /** Logs the count since the last line if it is not zero and the interval has passed. */
    private void tryLine(Refusal cap, Line line, int port, EventExecutor later) {
        long now = System.nanoTime();
        long last = line.last().get();
        if (now - last < intervalNanos || line.since().get() == 0 || !line.last().compareAndSet(last, now)) {
            return;
        }
        long count = line.since().getAndSet(0);
        LOG.warn("{} connection(s) reset by {} since the last such line, the latest on port {} (at most one"
                + " line per {} s)", count, describe(cap), port, TimeUnit.NANOSECONDS.toSeconds(intervalNanos));
        if (!later.isShuttingDown()) {
            later.schedule(() -> tryLine(cap, line, port, later), intervalNanos, TimeUnit.NANOSECONDS);
        }
    }

    private static String describe(Refusal cap) {
        return switch (cap) {
            case HANDSHAKES -> "max_handshakes (connections in the handshake, all sources: the oldest reset to"
                    + " make room)";
            case HANDSHAKES_PER_IP -> "max_handshakes_per_ip (connections in the handshake from one address)";
            case PRE_AUTH_BYTES -> "the pre-auth budget (" + PreAuthBudget.MAX_BYTES / 1024
                    + " KiB without a complete request)";
            default -> cap.name();
        };
    }
}
