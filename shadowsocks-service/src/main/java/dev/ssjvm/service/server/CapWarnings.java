package dev.ssjvm.service.server;

import dev.ssjvm.service.limits.Refusal;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A warning when a handshake cap (max_handshakes, max_handshakes_per_ip, the pre-auth budget) starts
 * refusing connections: at most one line per cap and {@link #INTERVAL_NANOS}, with the count refused
 * since the last line, so that a flood is visible in the log without a line per connection (each is
 * counted in ssjvm_limit_hits). Shared by every port and event loop.
 */
final class CapWarnings {
    private static final Logger LOG = LoggerFactory.getLogger(CapWarnings.class);
    static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private record Line(AtomicLong last, AtomicLong since) {}

    private final Map<Refusal, Line> lines = new EnumMap<>(Refusal.class);

    CapWarnings() {
        long past = System.nanoTime() - INTERVAL_NANOS;
        for (Refusal r : new Refusal[] {Refusal.HANDSHAKES, Refusal.HANDSHAKES_PER_IP, Refusal.PRE_AUTH_BYTES}) {
            lines.put(r, new Line(new AtomicLong(past), new AtomicLong()));
        }
    }

    /** A connection on {@code port} refused or reset by {@code cap}: logged if no line for that cap went out lately. */
    void refused(Refusal cap, int port) {
        Line line = lines.get(cap);
        long count = line.since().incrementAndGet();
        long now = System.nanoTime();
        long last = line.last().get();
        if (now - last >= INTERVAL_NANOS && line.last().compareAndSet(last, now)) {
            line.since().addAndGet(-count);
            LOG.warn("{} connection(s) reset by {} since the last such line, the latest on port {} (at most one"
                    + " line per {} s)", count, describe(cap), port, TimeUnit.NANOSECONDS.toSeconds(INTERVAL_NANOS));
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
