package dev.ssjvm.cli;

import dev.ssjvm.cli.config.ConfigException;
import dev.ssjvm.cli.config.CommonOptions;
import dev.ssjvm.cli.config.Problems;
import java.io.PrintWriter;

/**
 * {@code --test-config}: prints every problem of a config file, one a line with its fix, or "config OK"
 * and a summary; the exit code is 2 when there is a problem (as a bad config at start), 0 otherwise.
 */
final class ConfigCheck {
    /** Reads the file in check mode. */
    interface Checker {
        Problems check() throws ConfigException;
    }

    /** Describes a file that loads, in one line. */
    interface Summary {
        String describe() throws ConfigException;
    }

    private ConfigCheck() {}

    static int run(String command, CommonOptions common, Checker checker, Summary summary, PrintWriter out) {
        if (common.config == null) {
            out.println(command + ": --test-config needs the file to check: -c FILE");
            return 2;
        }
        Problems problems;
        try {
            problems = checker.check();
        } catch (ConfigException e) { // the file cannot be read or is not JSON: nothing else can be checked
            out.println(e.getMessage());
            out.println(command + ": 1 problem in " + common.config);
            return 2;
        }
        if (!problems.isEmpty()) {
            problems.lines().forEach(out::println);
            long count = problems.lines().stream().filter(l -> !l.startsWith("(")).count();
            out.println(command + ": " + count + (count == 1 ? " problem" : " problems") + " in " + common.config);
            return 2;
        }
        try {
            out.println("config OK: " + common.config + ": " + summary.describe());
        } catch (ConfigException e) { // a check that only a real load makes (flags with the file)
            out.println(e.getMessage());
            out.println(command + ": 1 problem in " + common.config);
            return 2;
        }
        return 0;
    }
}
