package dev.ssjvm.service.limits;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How limits are written in configs and APIs: sizes with units ({@code 50GB}, {@code 512KiB}, or plain
 * bytes), rates as sizes per second ({@code 2MB/s}), periods ({@code 30d}, {@code 12h}, {@code 1w}, or
 * ISO-8601 {@code P30D}), and times (ISO-8601 {@code 2027-01-01T00:00:00Z}, or a date, meaning its start
 * in UTC). Units of 1000 (KB, MB, GB, TB) and of 1024 (KiB, MiB, GiB, TiB).
 */
public final class LimitValues {
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([KMGT]I?B?|B)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern PERIOD = Pattern.compile("(\\d+)\\s*([smhdw])", Pattern.CASE_INSENSITIVE);

    private LimitValues() {}

    /** @throws IllegalArgumentException saying what a size looks like */
    public static long size(String text) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("expected a size such as 50GB, 512MiB or 1000000, got '" + text + "'");
        }
        double value = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "B" : m.group(2).toUpperCase(Locale.ROOT);
        long factor = switch (unit.replace("B", "")) {
            case "" -> 1L;
            case "K" -> 1_000L;
            case "M" -> 1_000_000L;
            case "G" -> 1_000_000_000L;
            case "T" -> 1_000_000_000_000L;
            case "KI" -> 1L << 10;
            case "MI" -> 1L << 20;
            case "GI" -> 1L << 30;
            case "TI" -> 1L << 40;
            default -> throw new IllegalArgumentException("unknown unit '" + m.group(2) + "' in '" + text + "'");
        };
        return (long) (value * factor);
    }

    /** A size per second; the {@code /s} may be left out. */
    public static long rate(String text) {
        String t = text.trim();
        if (t.toLowerCase(Locale.ROOT).endsWith("/s")) {
            t = t.substring(0, t.length() - 2);
        }
        try {
            return size(t);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("expected a rate such as 2MB/s or 500KiB/s, got '" + text + "'");
        }
    }

    /** @throws IllegalArgumentException saying what a period looks like */
    public static Duration period(String text) {
        String t = text.trim();
        Matcher m = PERIOD.matcher(t);
        Duration d;
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            d = switch (Character.toLowerCase(m.group(2).charAt(0))) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                case 'd' -> Duration.ofDays(n);
                default -> Duration.ofDays(7 * n);
            };
        } else {
            try {
                d = Duration.parse(t);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("expected a period such as 30d, 12h, 1w or P30D, got '" + text + "'");
            }
        }
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException("a period must be positive, got '" + text + "'");
        }
        return d;
    }

    /** @throws IllegalArgumentException saying what a time looks like */
    public static Instant instant(String text) {
        String t = text.trim();
        try {
            return t.length() == 10 ? LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(t);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("expected a time such as 2027-01-01T00:00:00Z or 2027-01-01, got '"
                    + text + "'");
        }
    }
}
