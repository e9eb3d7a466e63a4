package dev.ssjvm.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ssjvm.service.limits.LimitValues;
import dev.ssjvm.service.limits.Limits;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * A {@code "limits"} object in a manager command or an HTTP API request (our extension of both), with
 * the keys and value forms of the config files' {@code limits} ({@code max_connections}, {@code up},
 * {@code down}, {@code quota}, {@code quota_period}, {@code expires}), read with {@link LimitValues}
 * and written back in forms it reads again.
 */
public final class LimitsJson {
    public static final Set<String> KEYS = Set.of("max_connections", "up", "down", "quota", "quota_period", "expires");
    private static final int MAX_CONNECTIONS = 1_000_000; // as the config files

    /** Units from the largest down; a size is written with the first one that divides it. */
    private static final String[] UNITS = {"TiB", "TB", "GiB", "GB", "MiB", "MB", "KiB", "KB"};
    private static final long[] FACTORS = {1L << 40, 1_000_000_000_000L, 1L << 30, 1_000_000_000L, 1L << 20,
        1_000_000L, 1L << 10, 1_000L};

    private LimitsJson() {}

    /**
     * Reads a {@code limits} value: an object, or {@code null} (JSON null, or {@code {}}) for no limits.
     *
     * @ (400) naming the key and what it expects
     */
    public static Limits parse(JsonNode node) {
        if (node == null || node.isNull()) {
            return Limits.NONE;
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException("'limits' must be an object with some of " + keys());
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!KEYS.contains(name)) {
                throw new IllegalArgumentException("unknown key 'limits." + name + "'; limits take " + keys());
            }
        }
        int maxConnections = maxConnections(node.get("max_connections"));
        long up = positive(node, "up", LimitValues::rate);
        long down = positive(node, "down", LimitValues::rate);
        long quota = positive(node, "quota", LimitValues::size);
        Duration period = text(node, "quota_period") == null ? null
                : parsed("quota_period", text(node, "quota_period"), LimitValues::period);
        if (period != null && quota == 0) {
            throw new IllegalArgumentException("'limits.quota_period': a quota period needs a quota");
        }
        Instant expires = text(node, "expires") == null ? null
                : parsed("expires", text(node, "expires"), LimitValues::instant);
        try {
            return new Limits(maxConnections, up, down, quota, period, expires);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'limits': " + e.getMessage());
        }
    }

    private static int maxConnections(JsonNode v) {
        if (v == null || v.isNull()) {
            return 0;
        }
        if (!v.isIntegralNumber() || v.longValue() < 1 || v.longValue() > MAX_CONNECTIONS) {
            throw new IllegalArgumentException("'limits.max_connections': expected an integer 1-" + MAX_CONNECTIONS
                    + ", got " + v);
        }
        return v.intValue();
    }

    /** A size or rate, written as a string ({@code "50GB"}, {@code "2MB/s"}) or a number of bytes. */
    private static long positive(JsonNode node, String key, ToLongFunction<String> parser) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return 0;
        }
        String text;
        if (v.isTextual()) {
            text = v.textValue();
        } else if (v.isIntegralNumber()) {
            text = v.asText();
        } else {
            throw new IllegalArgumentException("'limits." + key + "': expected a string such as \""
                    + (key.equals("quota") ? "50GB" : "2MB/s") + "\" or a number of bytes, got " + v);
        }
        long value = parsed(key, text, parser::applyAsLong);
        if (value <= 0) {
            throw new IllegalArgumentException("'limits." + key + "': must be more than 0, got " + v);
        }
        return value;
    }

    private static String text(JsonNode node, String key) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException("'limits." + key + "': expected a string, got " + v);
        }
        return v.textValue();
    }

    @FunctionalInterface
    private interface Parser<T> {
        T parse(String text);
    }

    private static <T> T parsed(String key, String text, Parser<T> parser) {
        try {
            return parser.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'limits." + key + "': " + e.getMessage());
        }
    }

    private static String keys() {
        return "max_connections, up, down, quota, quota_period, expires";
    }

    /** The limits in the form {@link #parse} reads: only the keys that are set. */
    public static ObjectNode write(Limits limits) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        if (limits.maxConnections() > 0) {
            out.put("max_connections", limits.maxConnections());
        }
        if (limits.upBytesPerSecond() > 0) {
            out.put("up", size(limits.upBytesPerSecond()) + "/s");
        }
        if (limits.downBytesPerSecond() > 0) {
            out.put("down", size(limits.downBytesPerSecond()) + "/s");
        }
        if (limits.quotaBytes() > 0) {
            out.put("quota", size(limits.quotaBytes()));
        }
        if (limits.quotaPeriod() != null) {
            out.put("quota_period", period(limits.quotaPeriod()));
        }
        if (limits.expires() != null) {
            out.put("expires", limits.expires().toString());
        }
        return out;
    }

    /** {@code 50000000000} as {@code "50GB"}, {@code 524288} as {@code "512KiB"}, {@code 1234} as {@code "1234"}. */
    public static String size(long bytes) {
        for (int i = 0; i < UNITS.length; i++) {
            if (bytes % FACTORS[i] == 0) {
                return bytes / FACTORS[i] + UNITS[i];
            }
        }
        return Long.toString(bytes);
    }

    /** {@code P30D} as {@code "30d"}, {@code PT12H} as {@code "12h"}; what has no whole unit in ISO-8601. */
    public static String period(Duration d) {
        long s = d.getSeconds();
        if (d.getNano() != 0) {
            return d.toString();
        }
        if (s % (7 * 86_400) == 0) {
            return s / (7 * 86_400) + "w";
        }
        if (s % 86_400 == 0) {
            return s / 86_400 + "d";
        }
        if (s % 3_600 == 0) {
            return s / 3_600 + "h";
        }
        if (s % 60 == 0) {
            return s / 60 + "m";
        }
        return s + "s";
    }
}
