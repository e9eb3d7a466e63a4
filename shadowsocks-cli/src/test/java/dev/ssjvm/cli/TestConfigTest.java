package dev.ssjvm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --test-config}: one run reports every mistake of a file, each with its key and a fix, and
 * exits non-zero; a good file is "config OK" with exit 0. Nothing is bound: a good file's port stays
 * free (checked by binding it right after).
 */
class TestConfigTest {
    @TempDir
    Path dir;

    record Run(int code, String out) {
        List<String> problems() {
            return out.lines().filter(l -> l.contains("; fix: ")).toList();
        }
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out + err.toString());
    }

    /** Five different mistakes: each is one line naming the file and the key, with a fix. */
    @Test
    void serverReportsAllFiveMistakes() throws Exception {
        Path file = Files.writeString(dir.resolve("server.json"), """
                {
                  "server": "127.0.0.1",
                  "method": "aes-256-gcn",
                  "mode": "tcp_udp",
                  "timout": 60,
                  "servers": [
                    {"server_port": "eighty", "password": "secret"},
                    {"server_port": 8389, "method": "2022-blake3-aes-128-gcm", "password": "too-short"}
                  ]
                }""");
        Run r = run("ssserver", "--test-config", "-c", file.toString());
        assertThat(r.code()).as(r.out()).isEqualTo(2);
        List<String> problems = r.problems();
        assertThat(problems).as(r.out()).hasSize(5).allMatch(l -> l.startsWith(file + ": "));
        assertThat(problems).as(r.out())
                .anyMatch(l -> l.contains("key 'method'") && l.contains("aes-256-gcn") && l.contains("fix: use one of"))
                .anyMatch(l -> l.contains("key 'mode'") && l.contains("fix: use tcp_only, tcp_and_udp or udp_only"))
                .anyMatch(l -> l.contains("key 'timout'") && l.contains("did you mean 'timeout'")
                        && l.contains("fix: rename it to 'timeout'"))
                .anyMatch(l -> l.contains("key 'servers[0].server_port'") && l.contains("expected an integer 1-65535")
                        && l.contains("fix: give an integer"))
                .anyMatch(l -> l.contains("key 'servers[1].password'")
                        && l.contains("fix: generate a key that fits with: ssurl genkey -m 2022-blake3-aes-128-gcm"));
        assertThat(r.out()).contains("ssserver: 5 problems in " + file).doesNotContain("secret").doesNotContain("too-short");
    }

    @Test
    void localReportsAllFiveMistakes() throws Exception {
        Path file = Files.writeString(dir.resolve("local.json"), """
                {
                  "local_adress": "127.0.0.1",
                  "local_port": "1080x",
                  "mode": "both",
                  "method": "chacha20-poly",
                  "servers": [
                    {"server": "127.0.0.1", "server_port": 8388, "password": "secret"},
                    {"server": "127.0.0.1", "server_port": 8389, "method": "2022-blake3-aes-256-gcm",
                     "password": "not-base64!"}
                  ]
                }""");
        Run r = run("sslocal", "--test-config", "-c", file.toString());
        assertThat(r.code()).as(r.out()).isEqualTo(2);
        List<String> problems = r.problems();
        assertThat(problems).as(r.out()).hasSize(5).allMatch(l -> l.startsWith(file + ": "));
        assertThat(problems).as(r.out())
                .anyMatch(l -> l.contains("key 'local_adress'") && l.contains("fix: rename it to 'local_address'"))
                .anyMatch(l -> l.contains("key 'local_port'") && l.contains("fix: give an integer 1-65535"))
                .anyMatch(l -> l.contains("key 'mode'") && l.contains("both"))
                .anyMatch(l -> l.contains("key 'method'") && l.contains("chacha20-poly"))
                .anyMatch(l -> l.contains("key 'servers[1].password'") && l.contains("ssurl genkey"));
        assertThat(r.out()).doesNotContain("secret").doesNotContain("not-base64");
    }

    @Test
    void goodFilesAreOkAndBindNothing() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Path server = Files.writeString(dir.resolve("good-server.json"), """
                {"server": "127.0.0.1", "server_port": %d, "password": "secret", "method": "aes-256-gcm",
                 "mode": "tcp_and_udp", "timeout": 60}""".formatted(port));
        Run s = run("ssserver", "--test-config", "-c", server.toString());
        assertThat(s.code()).as(s.out()).isZero();
        assertThat(s.out()).startsWith("config OK: " + server + ": 1 port: " + port + " (aes-256-gcm); mode");
        try (ServerSocket again = new ServerSocket(port)) {
            assertThat(again.getLocalPort()).as("the check bound nothing").isEqualTo(port);
        }

        Path local = Files.writeString(dir.resolve("good-local.json"), """
                {"server": "127.0.0.1", "server_port": 8388, "password": "secret", "method": "aes-256-gcm",
                 "local_address": "127.0.0.1", "local_port": %d}""".formatted(port));
        Run l = run("sslocal", "--test-config", "-c", local.toString());
        assertThat(l.code()).as(l.out()).isZero();
        assertThat(l.out()).startsWith("config OK: " + local + ": 1 server; socks on 127.0.0.1:" + port);
        try (ServerSocket again = new ServerSocket(port)) {
            assertThat(again.getLocalPort()).isEqualTo(port);
        }
    }

    /** Mistakes inside the lists and in the types of whole sections are reported, and reading goes on. */
    @Test
    void nestedMistakesAreReportedToo() throws Exception {
        Path file = Files.writeString(dir.resolve("nested.json"), """
                {"server": "127.0.0.1", "no_delay": "yes",
                 "servers": [{"server_port": 8388, "method": "2022-blake3-aes-128-gcm",
                              "password": "AAAAAAAAAAAAAAAAAAAAAA==", "users": [{"name": "alice"}], "mdoe": "tcp_only", "limits": 5}]}""");
        Run r = run("ssserver", "--test-config", "-c", file.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.problems()).as(r.out()).hasSize(4)
                .anyMatch(l -> l.contains("key 'servers[0].limits': expected an object"))
                .anyMatch(l -> l.contains("key 'no_delay': expected true or false"))
                .anyMatch(l -> l.contains("key 'servers[0].users[0].password' is missing")
                        && l.contains("fix: add the key 'servers[0].users[0].password'"))
                .anyMatch(l -> l.contains("key 'servers[0].mdoe'") && l.contains("rename it to 'mode'"));
    }

    /** Normal start is unchanged: the first problem, exit 2. */
    @Test
    void normalStartStillStopsAtTheFirstProblem() throws Exception {
        Path file = Files.writeString(dir.resolve("bad.json"), """
                {"server": "127.0.0.1", "server_port": "eighty", "password": "secret", "timout": 1}""");
        Run r = run("ssserver", "-c", file.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out().strip()).isEqualTo("ssserver: " + file
                + ": key 'server_port': expected an integer 1-65535, got a string \"eighty\"");
    }

    @Test
    void managerChecksToo() throws Exception {
        Path file = Files.writeString(dir.resolve("manager.json"), """
                {"manager_address": "127.0.0.1:6001", "method": "rc5"}""");
        Run r = run("ssmanager", "--test-config", "-c", file.toString());
        assertThat(r.code()).as(r.out()).isEqualTo(2);
        assertThat(r.problems()).as(r.out()).singleElement().asString().contains("key 'method'");
    }

    @Test
    void unreadableFileIsOneProblem() {
        Run r = run("sslocal", "--test-config", "-c", dir.resolve("absent.json").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).contains("absent.json: no such file");
        Run none = run("ssserver", "--test-config");
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.out()).contains("--test-config needs the file to check: -c FILE");
    }
}
