package dev.ssjvm.admin.metrics;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.UnknownSnapshot;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One metric family being collected for a scrape: values keyed by their label values, added up when
 * two sources land on the same series (the exposition may not repeat a label set), then turned into
 * the client library's snapshot. Lives for one scrape, on the scrape thread.
 */
final class Family {

    /** How the family is exposed. */
    enum Kind {
        /** A counter: the text format names its samples {@code <name>_total}. */
        COUNTER,
        GAUGE,
        /**
         * A monotonic count exposed untyped, so that the sample keeps exactly the family's name: the
         * outline-ss-server names ({@code shadowsocks_data_bytes}, ...) carry no {@code _total}, and
         * the client library appends one to every counter.
         */
        UNTYPED_COUNT
    }

    private final String name;
    private final String help;
    private final Kind kind;
    private final String[] labelNames;
    private final Map<List<String>, Double> values = new LinkedHashMap<>();

    Family(Kind kind, String name, String help, String... labelNames) {
        this.kind = kind;
        this.name = name;
        this.help = help;
        this.labelNames = labelNames;
    }

    /** Adds {@code value} to the series with these label values (in the order of the label names). */
    Family add(double value, String... labelValues) {
        if (labelValues.length != labelNames.length) {
            throw new IllegalArgumentException(name + ": expected labels " + Arrays.toString(labelNames));
        }
        values.merge(List.of(labelValues), value, Double::sum);
        return this;
    }

    /** Like {@link #add} but skips zero, so that a series appears only once it has counted something. */
    Family addIfNonZero(double value, String... labelValues) {
        return value == 0 ? this : add(value, labelValues);
    }

    MetricSnapshot snapshot() {
        switch (kind) {
            case COUNTER -> {
                CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
                values.forEach((l, v) -> b.dataPoint(
                        CounterSnapshot.CounterDataPointSnapshot.builder().labels(labels(l)).value(v).build()));
                return b.build();
            }
            case GAUGE -> {
                GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
                values.forEach((l, v) -> b.dataPoint(
                        GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels(l)).value(v).build()));
                return b.build();
            }
            default -> {
                UnknownSnapshot.Builder b = UnknownSnapshot.builder().name(name).help(help);
                values.forEach((l, v) -> b.dataPoint(
                        UnknownSnapshot.UnknownDataPointSnapshot.builder().labels(labels(l)).value(v).build()));
                return b.build();
            }
        }
    }

    private Labels labels(List<String> labelValues) {
        return Labels.of(labelNames, labelValues.toArray(new String[0]));
    }
}
