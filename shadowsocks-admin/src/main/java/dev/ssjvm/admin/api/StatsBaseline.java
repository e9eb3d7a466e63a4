package dev.ssjvm.admin.api;

import dev.ssjvm.service.metrics.TrafficStats;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code /stats?clear=true} clears, without clearing anything: the server's counters are
 * cumulative and never reset (Prometheus and the ss-manager {@code ping} read them too), so the API
 * keeps, per port and user, the counts it last cleared at, and answers the difference. A clear takes
 * one snapshot, answers it minus the old baseline and makes it the new one, so every byte is in
 * exactly one cleared answer.
 *
 * <p>By port number, like the server's counters: a port that is replaced, or removed and added again,
 * keeps its baseline, as it keeps its counts. Lives as long as the API does (a restart starts from zero,
 * as the counters do).
 */
final class StatsBaseline {
    private final Map<Integer, Map<String, Counters>> baselines = new HashMap<>(); // guarded by this

    /** The counts of each user of the port (the port's own under {@code ""}) since the last clear. */
    synchronized Map<String, Counters> since(int port, TrafficStats.PortTotals now) {
        return difference(now, baselines.getOrDefault(port, Map.of()));
    }

    /** As {@link #since}, and moves the baseline to {@code now}. */
    synchronized Map<String, Counters> clear(int port, TrafficStats.PortTotals now) {
        Map<String, Counters> current = new HashMap<>();
        now.users().forEach((name, totals) -> current.put(name, Counters.of(totals)));
        Map<String, Counters> answer = difference(now, baselines.getOrDefault(port, Map.of()));
        baselines.put(port, current);
        return answer;
    }

    private static Map<String, Counters> difference(TrafficStats.PortTotals now, Map<String, Counters> base) {
        Map<String, Counters> out = new TreeMap<>();
        now.users().forEach((name, totals) ->
                out.put(name, Counters.of(totals).minus(base.getOrDefault(name, Counters.ZERO))));
        return out;
    }
}
