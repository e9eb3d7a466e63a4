package dev.ssjvm.service.metrics;

/**
 * The traffic of one relayed connection or UDP association, for one user of one port. Called on the
 * connection's event loop for every read, so implementations only add to counters.
 */
public interface TrafficMeter {

    /** Payload from the client towards the target (one call per packet on a UDP meter). */
    void up(long bytes);

    /** Payload from the target back to the client (one call per packet on a UDP meter). */
    void down(long bytes);

    /** The connection or association ended. Called once. */
    void closed();

    TrafficMeter NONE = new TrafficMeter() {
        @Override
        public void up(long bytes) {}

        @Override
        public void down(long bytes) {}

        @Override
        public void closed() {}
    };

    /** Both meters, in order. */
    static TrafficMeter both(TrafficMeter a, TrafficMeter b) {
        if (a == NONE) {
            return b;
        }
        if (b == NONE) {
            return a;
        }
        return new TrafficMeter() {
            @Override
            public void up(long bytes) {
                a.up(bytes);
                b.up(bytes);
            }

            @Override
            public void down(long bytes) {
                a.down(bytes);
                b.down(bytes);
            }

            @Override
            public void closed() {
                a.closed();
                b.closed();
            }
        };
    }
}
