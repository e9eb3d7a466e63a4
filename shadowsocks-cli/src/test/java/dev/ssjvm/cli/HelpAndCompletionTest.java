package dev.ssjvm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssjvm.service.testing.ExternalPeer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --help} of every command is grouped and ends with examples; the bash completion generated
 * from the commands loads in a real bash and completes a flag (the .deb ships this output, made at
 * prepare-package; .ci/check-deb loads the installed files).
 */
class HelpAndCompletionTest {
    @TempDir
    Path dir;

    private static String run(String... args) {
        StringWriter out = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(out, true));
        assertThat(code).as(out.toString()).isZero();
        return out.toString();
    }

    @Test
    void helpOfEveryCommandIsGroupedAndEndsWithExamples() {
        Map<String, List<String>> groups = Map.of(
                "ssserver", List.of("Server:", "Network:", "Operating:", "Logging:", "Help:"),
                "ssmanager", List.of("Server:", "Network:", "Operating:", "Logging:", "Help:"),
                "sslocal", List.of("Server:", "Listening:", "Network:", "Operating:", "Logging:", "Help:"),
                "ssurl", List.of("Converting:", "QR codes:", "Help:"));
        for (Map.Entry<String, List<String>> e : groups.entrySet()) {
            String help = run(e.getKey(), "--help");
            assertThat(help).as(e.getKey()).startsWith("Usage: " + e.getKey() + " [OPTIONS]")
                    .doesNotContain("Other options:");
            List<String> lines = help.lines().toList();
            int at = -1;
            for (String heading : e.getValue()) { // each group, in this order
                int next = lines.indexOf(heading);
                assertThat(next).as(e.getKey() + ": " + heading + " after the one before\n" + help).isGreaterThan(at);
                at = next;
            }
            int examples = lines.indexOf("Examples:");
            assertThat(examples).as(e.getKey() + " ends with examples\n" + help).isGreaterThan(at);
            assertThat(lines.subList(examples + 1, lines.size())).as(help).isNotEmpty()
                    .allMatch(l -> l.isBlank() || l.startsWith("  " + e.getKey() + " ") || l.startsWith("  printf "));
            assertThat(lines).as(e.getKey() + ": lines fit 80 columns").allMatch(l -> l.length() <= 80);
        }
        assertThat(run("ssserver", "--help")).contains("--test-config");
    }

    @Test
    void bashCompletionLoadsAndCompletesAFlag() throws Exception {
        for (String command : Completion.COMMANDS) {
            Path script = Files.writeString(dir.resolve(command), run("completion", "bash", command));
            ExternalPeer.Result syntax = ExternalPeer.run(30, "bash", "-n", script.toString());
            assertThat(syntax.exitCode()).as(syntax.stderr()).isZero();
            String prefix = command.equals("ssurl") ? "--enc" : "--test-c";
            String expected = command.equals("ssurl") ? "--encode" : "--test-config";
            // what bash does on TAB after "<command> --test-c": sets COMP_* and calls the function
            ExternalPeer.Result r = ExternalPeer.run(30, "bash", "-c", "source " + script
                    + " && complete -p " + command
                    + " && COMP_LINE='" + command + " " + prefix + "' && COMP_POINT=${#COMP_LINE}"
                    + " && COMP_WORDS=(" + command + " " + prefix + ") && COMP_CWORD=1"
                    + " && _complete_" + command + " " + command + " " + prefix + " " + command + " 2>/dev/null;"
                    + " printf 'reply:%s\\n' \"${COMPREPLY[@]}\"");
            assertThat(r.exitCode()).as(r.stderr()).isZero();
            String out = new String(r.stdout(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(out).as(command).contains("-F _complete_" + command + " " + command)
                    .contains("reply:" + expected + "\n");
        }
        Path every = Files.writeString(dir.resolve("all"), run("completion", "bash"));
        ExternalPeer.Result all = ExternalPeer.run(30, "bash", "-c", "source " + every
                + " && complete -p ssserver sslocal ssmanager ssurl");
        assertThat(all.exitCode()).as(all.stderr()).isZero();
    }

    @Test
    void completionUsage() {
        StringWriter err = new StringWriter();
        assertThat(Main.run(new String[] {"completion", "zsh"}, new PrintWriter(new StringWriter()),
                new PrintWriter(err, true))).isEqualTo(2);
        assertThat(err.toString()).contains("completion bash");
    }
}
