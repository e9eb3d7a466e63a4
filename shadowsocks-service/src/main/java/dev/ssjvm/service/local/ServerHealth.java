package dev.ssjvm.service.local;

import java.util.Arrays;
import java.util.Locale;

/**
 * One server's health for one protocol (TCP or UDP): the last {@value #WINDOW} results (probes, and
 * for TCP failed connections of real clients too), the failures in a row, and the score that ranks
 * it. Thread-safe: results come from the checker's loop and from the loops of client connections.
 *
 * <p>The score is a cost in milliseconds, lower is better:
 * {@code (FLOOR + median + MAD + 3 * failRate * maxRtt) / weight}, where median and MAD (median
 * absolute deviation) are over the latencies of the successful results in the window (a server with
 * none has median = maxRtt), failRate is failures / results in the window, and weight is the server's
 * {@code tcp_weight} or {@code udp_weight}. The floor makes latencies that users cannot tell apart
 * (loopback, one city) equal, so the weights decide among them; a server that has not been checked
 * yet scores just the floor, so until the first probes the order of the list and the weights decide.
 */
final class ServerHealth {
    /** How many recent results the score is taken over. */
    static final int WINDOW = 10;
    /** Failures in a row that mark a server down: it gets new connections only if every server is down. */
    static final int DOWN_AFTER = 3;
    /** The latency (ms) below which differences do not count. */
    static final double FLOOR_MILLIS = 20;
    private static final double FAILURE_WEIGHT = 3;

    private final double weight;
    private final double maxRttMillis;
    /** Latencies in ms, a negative value for a failure; a ring of {@code count} entries ending before {@code next}. */
    private final double[] results = new double[WINDOW];
    private int count;
    private int next;
    private int failuresInARow;
    /** A probe of this server and protocol is running; read and written on the checker's loop only. */
    boolean probing;

    ServerHealth(double weight, double maxRttMillis) {
        this.weight = weight;
        this.maxRttMillis = maxRttMillis;
    }

    synchronized void success(double latencyMillis) {
        add(Math.max(0, latencyMillis));
        failuresInARow = 0;
    }

    synchronized void failure() {
        add(-1);
        failuresInARow++;
    }

    private void add(double result) {
        results[next] = result;
        next = (next + 1) % WINDOW;
        count = Math.min(count + 1, WINDOW);
    }

    synchronized boolean down() {
        return failuresInARow >= DOWN_AFTER;
    }

    synchronized double score() {
        if (count == 0) {
            return FLOOR_MILLIS / weight;
        }
        double[] latencies = new double[count];
        int ok = 0;
        for (int i = 0; i < count; i++) {
            if (results[i] >= 0) {
                latencies[ok++] = results[i];
            }
        }
        double failRate = (count - ok) / (double) count;
        double median = maxRttMillis;
        double mad = 0;
        if (ok > 0) {
            double[] sorted = Arrays.copyOf(latencies, ok);
            median = median(sorted);
            for (int i = 0; i < ok; i++) {
                sorted[i] = Math.abs(sorted[i] - median);
            }
            mad = median(sorted);
        }
        return (FLOOR_MILLIS + median + mad + FAILURE_WEIGHT * failRate * maxRttMillis) / weight;
    }

    private static double median(double[] values) {
        Arrays.sort(values);
        int mid = values.length / 2;
        return values.length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }

    /** For logs: the score and, when down, that it is. */
    synchronized String describe() {
        return String.format(Locale.ROOT, "score %.1f%s", score(), down() ? ", down" : "");
    }
}
