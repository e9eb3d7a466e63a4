package dev.ssjvm.cli.config;

import dev.ssjvm.cli.config.Values.Origin;
import dev.ssjvm.core.protocol.UserKey;
import dev.ssjvm.service.limits.LimitValues;
import dev.ssjvm.service.limits.Limits;
import dev.ssjvm.service.limits.PortLimits;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code "limits": {...}} objects: of a port (at the top level or in a {@code servers} entry)
 * and of each user ({@code users[i].limits}). Keys: {@code max_connections}, {@code up} and
 * {@code down} (rates such as {@code "2MB/s"}), {@code quota} (a size such as {@code "50GB"}),
 * {@code quota_period} ({@code "30d"}), {@code expires} ({@code "2027-01-01T00:00:00Z"}).
 */
final class LimitsConfig {
    private LimitsConfig() {}

    /** The {@code limits} object of {@code config}, or no limits. */
    static Limits read(ConfigObject config) throws ConfigException {
        if (!config.has("limits")) {
            return Limits.NONE;
        }
        ConfigObject l = config.object("limits").orElse(ConfigObject.empty());
        int maxConnections = l.integer("max_connections", 1, 1_000_000).orElse(0);
        long up = value(l, "up", LimitValues::rate);
        long down = value(l, "down", LimitValues::rate);
        long quota = value(l, "quota", LimitValues::size);
        Duration period = l.string("quota_period").isPresent()
                ? Values.parse(l.string("quota_period").get(), Origin.key(l, "quota_period"), LimitValues::period) : null;
        if (period != null && quota == 0) {
            throw l.invalid("quota_period", "a quota period needs a quota");
        }
        Instant expires = l.string("expires").isPresent()
                ? Values.parse(l.string("expires").get(), Origin.key(l, "expires"), LimitValues::instant) : null;
        try {
            return new Limits(maxConnections, up, down, quota, period, expires);
        } catch (IllegalArgumentException e) {
            throw config.invalid("limits", e.getMessage());
        }
    }

    private static long value(ConfigObject l, String key, java.util.function.ToLongFunction<String> parser)
            throws ConfigException {
        String text = l.stringOrNumber(key).orElse(null);
        if (text == null) {
            return 0;
        }
        long v = Values.parse(text, Origin.key(l, key), t -> parser.applyAsLong(t));
        if (v <= 0) {
            throw l.invalid(key, "must be more than 0");
        }
        return v;
    }

    /** The port's limits and those of its users (each {@code users[i].limits}). */
    static PortLimits port(ConfigObject config, List<ConfigObject> userEntries, List<UserKey> users)
            throws ConfigException {
        Map<String, Limits> byUser = new HashMap<>();
        for (int i = 0; i < userEntries.size(); i++) {
            Limits l = read(userEntries.get(i));
            if (!l.isNone()) {
                byUser.put(users.get(i).name(), l);
            }
        }
        return new PortLimits(read(config), byUser);
    }
}
