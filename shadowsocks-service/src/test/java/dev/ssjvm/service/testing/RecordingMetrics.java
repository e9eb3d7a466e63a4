package dev.ssjvm.service.testing;

import dev.ssjvm.service.metrics.Failure;
import dev.ssjvm.service.metrics.ServerMetrics;
import dev.ssjvm.service.metrics.TrafficMeter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Server metrics that remember every report, for tests that assert what was counted and how often
 * (counters alone cannot tell one report from a duplicate of another). Thread-safe: reports come from
 * event loops.
 */
public final class RecordingMetrics implements ServerMetrics {
    /** One {@link #failure} call. */
    public record Report(int port, String user, Protocol protocol, Failure failure) {}

    /** The meter of one relayed connection or association. */
    public static final class Meter implements TrafficMeter {
        public final int port;
        public final String user;
        private final AtomicLong up = new AtomicLong();
        private final AtomicLong down = new AtomicLong();
        private final AtomicInteger upCalls = new AtomicInteger();
        private final AtomicInteger downCalls = new AtomicInteger();
        private final AtomicInteger closed = new AtomicInteger();

        public Meter(int port, String user) {
            this.port = port;
            this.user = user;
        }

        @Override
        public void up(long bytes) {
            up.addAndGet(bytes);
            upCalls.incrementAndGet();
        }

        @Override
        public void down(long bytes) {
            down.addAndGet(bytes);
            downCalls.incrementAndGet();
        }

        @Override
        public void closed() {
            closed.incrementAndGet();
        }

        public long up() {
            return up.get();
        }

        public long down() {
            return down.get();
        }

        public int upCalls() {
            return upCalls.get();
        }

        public int downCalls() {
            return downCalls.get();
        }

        /** How often {@link #closed()} was called: once is right. */
        public int closedCalls() {
            return closed.get();
        }
    }

    private final AtomicInteger accepted = new AtomicInteger();
    private final List<Report> failures = new CopyOnWriteArrayList<>();
    private final List<Meter> meters = new CopyOnWriteArrayList<>();

    @Override
    public void tcpAccepted(int port) {
        accepted.incrementAndGet();
    }

    @Override
    public Meter tcpOpened(int port, String user) {
        Meter meter = new Meter(port, user);
        meters.add(meter);
        return meter;
    }

    @Override
    public Meter udpOpened(int port, String user) {
        return tcpOpened(port, user);
    }

    @Override
    public void failure(int port, String user, Protocol protocol, Failure failure) {
        failures.add(new Report(port, user, protocol, failure));
    }

    public int accepted() {
        return accepted.get();
    }

    public List<Report> failures() {
        return List.copyOf(failures);
    }

    /** The meters handed out, in order: one per relay that started. */
    public List<Meter> meters() {
        return List.copyOf(meters);
    }
}
