package dev.ssjvm.cli.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One JSON object of a config file with typed, validating getters. Every error names the file and
 * the full key path ({@code servers[1].server_port}) and says what was expected; values of secret
 * keys are never repeated.
 *
 * <p>Every getter also records the key as read, and {@link #requireAllRead} refuses any key nobody
 * read, in this object and in the objects below it: so a key is either honoured or refused, never
 * accepted and ignored, and a misspelt key is an error with a suggestion rather than a silent
 * default.
 */
public final class ConfigObject {
    /** Made on first read: an ObjectMapper's static set-up was 8 % of a start without a config file. */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper()
                .enable(JsonParser.Feature.ALLOW_COMMENTS)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    }

    private static final Set<String> SECRET_KEYS = Set.of("password", "key", "psk", "iPSK", "uPSK");

    private final String file;
    private final String path;
    private final ObjectNode node;
    /** Keys a reader asked for, present or not: what a misspelt key is compared with. */
    private final Set<String> asked = new HashSet<>();
    /** Keys a reader took (or deliberately skipped). */
    private final Set<String> read = new HashSet<>();
    private final List<ConfigObject> children = new ArrayList<>();
    /** Where problems go in check mode ({@code --test-config}); {@code null}: the first one is thrown. */
    private Problems problems;

    private ConfigObject(String file, String path, ObjectNode node) {
        this.file = file;
        this.path = path;
        this.node = node;
    }

    /**
     * Check mode: from now on a getter reports a bad value to {@code problems} and reads on as if the
     * key were absent, and {@link #requireAllRead} reports every unknown key; for a whole file, call
     * it before anything is read.
     */
    public ConfigObject checking(Problems problems) {
        this.problems = problems;
        return this;
    }

    /** Whether problems are collected rather than thrown. */
    public boolean isChecking() {
        return problems != null;
    }

    /** A body that reads and may refuse what it reads. */
    public interface Reading<T> {
        T read() throws ConfigException;
    }

    /**
     * Runs a check that spans keys or parses a value: in check mode its problem is reported and
     * {@code fallback} taken instead, so that reading goes on; otherwise the problem is thrown.
     */
    public <T> T orReport(Reading<T> body, T fallback) throws ConfigException {
        if (problems == null) {
            return body.read();
        }
        try {
            return body.read();
        } catch (ConfigException e) {
            problems.add(e);
            return fallback;
        }
    }

    /** Reports a problem in check mode, throws it otherwise. */
    public void report(ConfigException problem) throws ConfigException {
        if (problems == null) {
            throw problem;
        }
        problems.add(problem);
    }

    /**
     * The value of a key that must be there: a missing one is an error; in check mode it is reported
     * (unless the key's value was already reported as bad) and {@code fallback} taken.
     */
    public <T> T require(Optional<T> value, String key, String hint, T fallback) throws ConfigException {
        if (value.isPresent()) {
            return value.get();
        }
        if (problems == null) {
            throw missing(key, hint);
        }
        if (!problems.reported(file + ":" + qualified(key))) {
            problems.add(missing(key, hint));
        }
        return fallback;
    }

    /** Whether a problem with this key's value was reported in check mode (a fallback is being used). */
    public boolean reported(String key) {
        return problems != null && problems.reported(file + ":" + qualified(key));
    }

    /** A bad value: thrown, or in check mode reported with the value taken as absent. */
    private <T> Optional<T> bad(String key, String expected) throws ConfigException {
        ConfigException e = error(key, expected);
        if (problems == null) {
            throw e;
        }
        problems.add(e, file + ":" + qualified(key));
        return Optional.empty();
    }

    /** An empty object, for when no config file is given. */
    public static ConfigObject empty() {
        return new ConfigObject("(no config file)", "", JsonNodeFactory.instance.objectNode());
    }

    public static ConfigObject read(Path file) throws ConfigException {
        String name = file.toString();
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(name + ": no such file");
        } catch (IOException e) {
            throw new ConfigException(name + ": cannot read: " + e.getMessage());
        }
        return parse(name, text);
    }

    public static ConfigObject parse(String name, String text) throws ConfigException {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new ConfigException(name + ": not valid JSON" + where + ": " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException(name + ": the config must be a JSON object ({...})");
        }
        return new ConfigObject(name, "", (ObjectNode) root);
    }

    public String file() {
        return file;
    }

    /** Whether the key is present (and not null). Does not count as reading it. */
    public boolean has(String key) {
        asked.add(key);
        JsonNode v = node.get(key);
        return v != null && !v.isNull();
    }

    private JsonNode get(String key) {
        asked.add(key);
        read.add(key);
        JsonNode v = node.get(key);
        return v == null || v.isNull() ? null : v;
    }

    /**
     * Takes note of a key this command leaves to another one (a shared config file), telling
     * {@code notices} so; the key's value is not looked at.
     */
    public void skip(String key, String why, Consumer<String> notices) {
        asked.add(key);
        if (node.has(key)) {
            read.add(key);
            notices.accept(file + ": key '" + qualified(key) + "' " + why + "; skipped");
        }
    }

    /**
     * Refuses the first key that no reader took, here or in any object below, with the closest key
     * that is known there.
     */
    public void requireAllRead(String command) throws ConfigException {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String key = names.next();
            if (!read.contains(key)) {
                String suggestion = closest(key, asked);
                ConfigException e = new ConfigException(file + ": key '" + qualified(key) + "' is not a setting of "
                        + command + (suggestion == null ? "" : "; did you mean '" + suggestion + "'?"),
                        suggestion == null ? "remove it (the man page of " + command + " lists the keys)"
                                : "rename it to '" + suggestion + "'");
                if (problems == null) {
                    throw e;
                }
                problems.add(e);
            }
        }
        for (ConfigObject child : children) {
            child.requireAllRead(command);
        }
    }

    /** The known key within two edits of {@code key}, if there is one. */
    private static String closest(String key, Set<String> known) {
        String best = null;
        int bestDistance = 3;
        for (String candidate : known) {
            int d = distance(key.toLowerCase(Locale.ROOT), candidate);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return best;
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] t = previous;
            previous = current;
            current = t;
        }
        return previous[b.length()];
    }

    public ConfigException error(String key, String expected) {
        JsonNode v = get(key);
        String got = v == null ? "nothing" : describe(key, v);
        return new ConfigException(file + ": key '" + qualified(key) + "': expected " + expected + ", got " + got,
                "give " + expected);
    }

    /** An error about a key whose value is present but wrong for a reason the caller explains. */
    public ConfigException invalid(String key, String problem) {
        return invalid(key, problem, null);
    }

    /** As {@link #invalid(String, String)}, with what to do about it. */
    public ConfigException invalid(String key, String problem, String fix) {
        return new ConfigException(file + ": key '" + qualified(key) + "': " + problem, fix);
    }

    /** An error about a key this command refuses, whatever its value; the key counts as read. */
    public ConfigException refused(String key, String why) {
        read.add(key);
        return invalid(key, why);
    }

    /** As {@link #refused(String, String)}, with what to do about it. */
    public ConfigException refused(String key, String why, String fix) {
        read.add(key);
        return invalid(key, why, fix);
    }

    /** An error about a missing key. */
    public ConfigException missing(String key, String hint) {
        return new ConfigException(file + ": key '" + qualified(key) + "' is missing" + (hint == null ? "" : ": " + hint),
                "add the key '" + qualified(key) + "'");
    }

    public String qualified(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private static String describe(String key, JsonNode v) {
        String type = v.isTextual() ? "a string" : v.isNumber() ? "a number" : v.isBoolean() ? "a boolean"
                : v.isArray() ? "a list" : v.isObject() ? "an object" : v.getNodeType().name().toLowerCase(Locale.ROOT);
        if (SECRET_KEYS.contains(key) || v.isContainerNode()) {
            return type;
        }
        String text = v.toString();
        return type + " " + (text.length() > 40 ? text.substring(0, 40) + "..." : text);
    }

    public Optional<String> string(String key) throws ConfigException {
        JsonNode v = get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (!v.isTextual()) {
            return bad(key, "a string");
        }
        return Optional.of(v.textValue());
    }

    /** A string or a whole number, as text (sizes: {@code 1000000} or {@code "50GB"}). */
    public Optional<String> stringOrNumber(String key) throws ConfigException {
        JsonNode v = get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v.isTextual()) {
            return Optional.of(v.textValue());
        }
        if (v.isIntegralNumber() && v.longValue() >= 0) {
            return Optional.of(Long.toString(v.longValue()));
        }
        return bad(key, "a string or a whole number");
    }

    /** A string, or a list of strings (the {@code server} key of libev takes both). */
    public Optional<List<String>> stringOrList(String key) throws ConfigException {
        JsonNode v = get(key);
        if (v == null) {
            return Optional.empty();
        }
        List<String> out = new ArrayList<>();
        if (v.isTextual()) {
            out.add(v.textValue());
        } else if (v.isArray()) {
            for (JsonNode item : v) {
                if (!item.isTextual()) {
                    return bad(key, "a string or a list of strings");
                }
                out.add(item.textValue());
            }
        } else {
            return bad(key, "a string or a list of strings");
        }
        return Optional.of(out);
    }

    public Optional<Integer> integer(String key, int min, int max) throws ConfigException {
        JsonNode v = get(key);
        if (v == null) {
            return Optional.empty();
        }
        String expected = "an integer " + min + "-" + max;
        long value;
        if (v.isIntegralNumber()) {
            value = v.longValue();
        } else if (v.isTextual() && v.textValue().trim().matches("\\d{1,10}")) {
            value = Long.parseLong(v.textValue().trim());
        } else {
            return bad(key, expected);
        }
        if (value < min || value > max) {
            return bad(key, expected);
        }
        return Optional.of((int) value);
    }

    public Optional<Integer> port(String key) throws ConfigException {
        return integer(key, 1, 65535);
    }

    /** A number in {@code (min, max]} (weights: {@code 0.5}). */
    public Optional<Double> decimal(String key, double min, double max) throws ConfigException {
        JsonNode v = get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (!v.isNumber() || !(v.doubleValue() > min && v.doubleValue() <= max)) {
            return bad(key, "a number greater than " + min + " and at most " + max);
        }
        return Optional.of(v.doubleValue());
    }

    public Optional<Boolean> bool(String key) throws ConfigException {
        JsonNode v = get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (!v.isBoolean()) {
            return bad(key, "true or false");
        }
        return Optional.of(v.booleanValue());
    }

    public Optional<ConfigObject> object(String key) throws ConfigException {
        JsonNode v = get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (!v.isObject()) {
            return bad(key, "an object");
        }
        return Optional.of(child(new ConfigObject(file, qualified(key), (ObjectNode) v)));
    }

    private ConfigObject child(ConfigObject object) {
        object.problems = problems;
        children.add(object);
        return object;
    }

    /** A list of objects, each checked. */
    public Optional<List<ConfigObject>> objects(String key) throws ConfigException {
        JsonNode v = get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (!v.isArray()) {
            return bad(key, "a list of objects");
        }
        List<ConfigObject> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode item = v.get(i);
            if (!item.isObject()) {
                report(new ConfigException(file + ": key '" + qualified(key) + "[" + i + "]': expected an object, got "
                        + describe(key, item), "make each entry an object {...}"));
                continue;
            }
            out.add(child(new ConfigObject(file, qualified(key) + "[" + i + "]", (ObjectNode) item)));
        }
        return Optional.of(out);
    }

    /**
     * The keys of this object with their raw values, for maps such as {@code port_password} whose keys
     * are data: all of them count as read.
     */
    public Iterator<Map.Entry<String, JsonNode>> fields() {
        node.fieldNames().forEachRemaining(read::add);
        return node.fields();
    }

    /** A child entry of a map-like object viewed as an object, with its path. */
    public ConfigObject childObject(String key) throws ConfigException {
        return object(key).orElseThrow(() -> missing(key, null));
    }

}
