package dev.ssjvm.cli.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The problems of a config file found by {@code --test-config}: the readers report into it instead of
 * throwing at the first one, so that one run lists every mistake. Each line is
 * {@code file: key 'x': reason; fix: ...}; a problem reported twice (a key read twice) is listed once.
 */
public final class Problems {
    /** A fix for a problem whose reader gave none. */
    static final String DEFAULT_FIX = "correct the value or remove the key (see the man page)";

    private final Set<String> lines = new LinkedHashSet<>();
    /** Qualified keys (file + key path) with a problem reported, so a later "missing" is not said too. */
    private final Set<String> keys = new LinkedHashSet<>();

    /**
     * Runs a whole reader in check mode. A problem it cannot read past (it throws even so) is the last
     * one reported, and then the keys after it are not looked at: so no key is called unknown merely
     * because reading stopped before it.
     */
    void run(ConfigObject.Reading<?> reader) {
        try {
            reader.read();
        } catch (ConfigException e) {
            add(e);
            lines.add("(checking stopped at that problem; fix it and check again for the rest)");
        } catch (java.util.NoSuchElementException e) {
            lines.add("(checking stopped at a key whose value is reported above; fix it and check again)");
        }
    }

    void add(ConfigException problem) {
        lines.add(problem.getMessage() + "; fix: " + (problem.fix() == null ? DEFAULT_FIX : problem.fix()));
    }

    void add(ConfigException problem, String qualifiedKey) {
        add(problem);
        keys.add(qualifiedKey);
    }

    boolean reported(String qualifiedKey) {
        return keys.contains(qualifiedKey);
    }

    public boolean isEmpty() {
        return lines.isEmpty();
    }

    public List<String> lines() {
        return new ArrayList<>(lines);
    }
}
