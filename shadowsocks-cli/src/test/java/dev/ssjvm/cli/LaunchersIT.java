package dev.ssjvm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssjvm.service.testing.ExternalPeer;
import dev.ssjvm.service.testing.HttpTarget;
import dev.ssjvm.service.testing.TestData;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launchers in bin/ as a user runs them, as separate processes, driven by curl. Runs after
 * 'package', so the launchers find the jar already built.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LaunchersIT {
    private static final Path ROOT = Path.of(System.getProperty("ssjvm.root", "..")).toAbsolutePath().normalize();

    @TempDir
    Path dir;

    /** The exact invocations (other port numbers), then curl through them. */
    @Test
    void exactInvocationsWorkAndTheDefaultBlockListGuardsLoopback() throws Exception {
        int serverPort = ExternalPeer.freePort();
        int socksPort = ExternalPeer.freePort();
        try (HttpTarget http = new HttpTarget();
                Launched server = Launched.start(dir, "ssserver", "-s", "127.0.0.1", "-p", "" + serverPort,
                        "-k", "secret", "-m", "aes-256-gcm").awaitTcp(serverPort);
                Launched local = Launched.start(dir, "sslocal", "-s", "127.0.0.1", "-p", "" + serverPort,
                        "-b", "127.0.0.1", "-l", "" + socksPort, "-k", "secret", "-m", "aes-256-gcm").awaitTcp(socksPort)) {
            ExternalPeer.Result result = curl(socksPort, "http://127.0.0.1:" + http.port() + "/bytes/100");
            assertThat(result.exitCode()).as("the default forbidden_ip refuses the server's own loopback").isNotZero();
            assertThat(http.requests()).isZero();
            assertThat(server.log()).contains("blocked").contains("forbidden_ip");
            assertThat(server.log()).contains("ready; connect a client with: sslocal -s 127.0.0.1 -p " + serverPort)
                    .doesNotContain("secret");
        }
    }

    @Test
    void serverLocalAndTunnelRelayWhenLoopbackIsAllowed() throws Exception {
        int serverPort = ExternalPeer.freePort();
        int socksPort = ExternalPeer.freePort();
        int tunnelPort = ExternalPeer.freePort();
        try (HttpTarget http = new HttpTarget();
                Launched server = Launched.start(dir, "ssserver", "-s", "127.0.0.1", "-p", "" + serverPort,
                        "-k", "secret", "-m", "chacha20-ietf-poly1305", "--forbidden-ip", "", "-v").awaitTcp(serverPort);
                Launched local = Launched.start(dir, "sslocal", "-s", "127.0.0.1", "-p", "" + serverPort,
                        "-b", "127.0.0.1", "-l", "" + socksPort, "-k", "secret", "-m", "chacha20-ietf-poly1305")
                        .awaitTcp(socksPort);
                Launched tunnel = Launched.start(dir, "sslocal", "-s", "127.0.0.1", "-p", "" + serverPort,
                        "-b", "127.0.0.1", "-l", "" + tunnelPort, "-k", "secret", "-m", "chacha20-ietf-poly1305",
                        "-L", "127.0.0.1:" + http.port()).awaitTcp(tunnelPort)) {
            ExternalPeer.Result viaSocks = curl(socksPort, "http://localhost:" + http.port() + "/bytes/1000000");
            assertThat(viaSocks.exitCode()).as(viaSocks.stderr()).isZero();
            assertThat(TestData.sha256().digest(viaSocks.stdout())).isEqualTo(TestData.streamHash(1_000_000));
            ExternalPeer.Result viaTunnel = ExternalPeer.run(60, "curl", "-sS", "--max-time", "30",
                    "http://127.0.0.1:" + tunnelPort + "/bytes/500000");
            assertThat(viaTunnel.exitCode()).as(viaTunnel.stderr()).isZero();
            assertThat(TestData.sha256().digest(viaTunnel.stdout())).isEqualTo(TestData.streamHash(500_000));
            assertThat(server.log()).contains("-> localhost:" + http.port());
            assertThat(server.log() + local.log() + tunnel.log()).as("logs never show the password").doesNotContain("secret");
        }
    }

    @Test
    void shadowsocks2022WithAGeneratedKeyAndTwoUsers() throws Exception {
        String ipsk = genkey("2022-blake3-aes-128-gcm");
        String alice = genkey("2022-blake3-aes-128-gcm");
        String bob = genkey("2022-blake3-aes-128-gcm");
        assertThat(java.util.Base64.getDecoder().decode(ipsk)).hasSize(16);
        int serverPort = ExternalPeer.freePort();
        int socksPort = ExternalPeer.freePort();
        Path config = dir.resolve("2022.json");
        Files.writeString(config, "{\"server\": \"127.0.0.1\", \"server_port\": " + serverPort + ","
                + " \"method\": \"2022-blake3-aes-128-gcm\", \"password\": \"" + ipsk + "\", \"mode\": \"tcp_and_udp\","
                + " \"forbidden_ip\": \"\", \"users\": [{\"name\": \"alice\", \"password\": \"" + alice + "\"},"
                + " {\"name\": \"bob\", \"password\": \"" + bob + "\"}]}");
        try (HttpTarget http = new HttpTarget();
                Launched server = Launched.start(dir, "ssserver", "-c", config.toString(), "-v").awaitTcp(serverPort);
                Launched local = Launched.start(dir, "sslocal", "-s", "127.0.0.1", "-p", "" + serverPort,
                        "-b", "127.0.0.1", "-l", "" + socksPort, "-m", "2022-blake3-aes-128-gcm",
                        "-k", ipsk + ":" + bob).awaitTcp(socksPort)) {
            ExternalPeer.Result result = curl(socksPort, "http://localhost:" + http.port() + "/bytes/200000");
            assertThat(result.exitCode()).as(result.stderr()).isZero();
            assertThat(TestData.sha256().digest(result.stdout())).isEqualTo(TestData.streamHash(200_000));
            assertThat(server.log()).contains("2 users").contains("user bob");
            assertThat(server.log() + local.log()).doesNotContain(ipsk).doesNotContain(bob).doesNotContain(alice);
        }
    }

    private String genkey(String method) throws Exception {
        Launched run = Launched.start(dir, "ssurl", "genkey", "-m", method);
        assertThat(run.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String key = run.log().lines().filter(l -> !l.startsWith("building")).findFirst().orElseThrow().trim();
        run.close();
        return key;
    }

    /**
     * SIP003 through the launchers: ssserver with obfs-server, sslocal with obfs-local (flags as libev
     * takes them), traffic checked by hash; SIGTERM stops each command's plugin with it.
     */
    @Test
    void pluginsRunWithTheCommandsAndStopWithThem() throws Exception {
        ExternalPeer.require("obfs-server");
        ExternalPeer.require("obfs-local");
        int serverPort = ExternalPeer.freePort();
        int socksPort = ExternalPeer.freePort();
        try (HttpTarget http = new HttpTarget();
                Launched server = Launched.start(dir, "ssserver", "-s", "127.0.0.1", "-p", "" + serverPort,
                        "-k", "secret", "-m", "aes-256-gcm", "--forbidden-ip", "", "--plugin", "obfs-server",
                        "--plugin-opts", "obfs=http").awaitTcp(serverPort);
                Launched local = Launched.start(dir, "sslocal", "-s", "127.0.0.1", "-p", "" + serverPort,
                        "-b", "127.0.0.1", "-l", "" + socksPort, "-k", "secret", "-m", "aes-256-gcm",
                        "--plugin", "obfs-local", "--plugin-opts", "obfs=http;obfs-host=www.example.com")
                        .awaitTcp(socksPort)) {
            ExternalPeer.Result result = null;
            for (int attempt = 0; attempt < 20; attempt++) { // sslocal's plugin may still be starting
                result = curl(socksPort, "http://localhost:" + http.port() + "/bytes/1000000");
                if (result.exitCode() == 0) {
                    break;
                }
                Thread.sleep(250);
            }
            assertThat(result.exitCode()).as(result.stderr() + server.log() + local.log()).isZero();
            assertThat(TestData.sha256().digest(result.stdout())).isEqualTo(TestData.streamHash(1_000_000));
            assertThat(server.log()).contains("plugin obfs-server for port " + serverPort + " started")
                    .contains("[simple-obfs]").doesNotContain("secret");
            assertThat(local.log()).contains("plugin obfs-local for server 127.0.0.1:" + serverPort + " started")
                    .doesNotContain("secret");
            for (Launched launched : List.of(server, local)) {
                List<ProcessHandle> plugins = launched.process.descendants()
                        .filter(h -> h.info().command().orElse("").contains("obfs-")).toList();
                assertThat(plugins).as("the plugin is a child of the command").hasSize(1);
                launched.process.destroy(); // SIGTERM to the one process we started
                assertThat(launched.process.waitFor(20, TimeUnit.SECONDS)).isTrue();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (plugins.get(0).isAlive() && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertThat(plugins.get(0).isAlive()).as("the plugin stopped with its command").isFalse();
            }
        }
    }

    @Test
    void sigtermShutsDownCleanlyAndRemovesThePidFile() throws Exception {
        int serverPort = ExternalPeer.freePort();
        Path pidFile = dir.resolve("ssserver.pid");
        Launched server = Launched.start(dir, "ssserver", "-s", "127.0.0.1", "-p", "" + serverPort, "-k", "secret",
                "-m", "aes-128-gcm", "-f", pidFile.toString()).awaitTcp(serverPort);
        assertThat(Files.readString(pidFile).trim()).isEqualTo(Long.toString(server.process.pid()));
        server.process.destroy(); // SIGTERM to the one process we started
        assertThat(server.process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(server.log()).contains("ssserver shutting down");
        assertThat(pidFile).doesNotExist();
        server.close();
    }

    @Test
    void logFileTakesTheLinesInsteadOfStderr() throws Exception {
        int serverPort = ExternalPeer.freePort();
        int socksPort = ExternalPeer.freePort();
        Path serverLog = dir.resolve("var/log/ssserver.log");
        Path localLog = dir.resolve("sslocal.log");
        Path config = dir.resolve("local.json");
        Files.writeString(config, "{\"server\": \"127.0.0.1\", \"server_port\": " + serverPort + ", \"password\": \"secret\","
                + " \"method\": \"aes-128-gcm\", \"local_port\": " + socksPort + ", \"log_file\": \"" + localLog + "\"}");
        Launched server = Launched.start(dir, "ssserver", "-s", "127.0.0.1", "-p", "" + serverPort, "-k", "secret",
                "-m", "aes-128-gcm", "--log-file", serverLog.toString()).awaitTcp(serverPort);
        try (Launched local = Launched.start(dir, "sslocal", "-c", config.toString()).awaitTcp(socksPort)) {
            // the lines come just after the ports open
            assertThat(awaitLine(serverLog, "ready; connect a client with")).doesNotContain("secret");
            awaitLine(localLog, "127.0.0.1:" + socksPort);
            assertThat(server.log() + local.log()).as("nothing on stdout or stderr")
                    .doesNotContain("ready").doesNotContain("INFO");
        }
        server.process.destroy(); // SIGTERM
        assertThat(server.process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(serverLog)).contains("ssserver shutting down");
        server.close();

        Path notADirectory = Files.writeString(dir.resolve("plain-file"), "");
        Launched refused = Launched.start(dir, "ssserver", "-p", "1", "-k", "x", "--log-file",
                notADirectory.resolve("x.log").toString());
        assertThat(refused.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(refused.process.exitValue()).isEqualTo(2);
        assertThat(refused.log().lines().filter(l -> !l.startsWith("building")).toList()).singleElement().asString()
                .startsWith("ssserver: log file " + notADirectory.resolve("x.log") + ": cannot write");
        refused.close();
    }

    @Test
    void brokenConfigIsOneLineNamingFileAndKeyWithExitCode2() throws Exception {
        Path config = dir.resolve("broken.json");
        Files.writeString(config, "{\"server_port\": 8388, \"password\": \"x\", \"method\": \"aes-257-gcm\"}");
        Launched run = Launched.start(dir, "ssserver", "-c", config.toString());
        assertThat(run.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(run.process.exitValue()).isEqualTo(2);
        List<String> lines = run.log().lines().filter(l -> !l.startsWith("building")).toList();
        assertThat(lines).singleElement().asString()
                .contains("broken.json").contains("key 'method'").contains("aes-257-gcm").doesNotContain("Exception");
        run.close();

        Launched badFlag = Launched.start(dir, "sslocal", "--no-such-flag");
        assertThat(badFlag.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(badFlag.process.exitValue()).isEqualTo(2);
        assertThat(badFlag.log().lines().toList()).singleElement().asString().contains("--no-such-flag");
        badFlag.close();
    }

    @Test
    void ssurlRoundTrip() throws Exception {
        Path config = dir.resolve("client.json");
        Files.writeString(config, "{\"server\": \"example.com\", \"server_port\": 8388, \"password\": \"p@ss\","
                + " \"method\": \"aes-256-gcm\"}");
        Launched encode = Launched.start(dir, "ssurl", "-e", config.toString());
        assertThat(encode.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String url = encode.log().lines().filter(l -> l.startsWith("ss://")).findFirst().orElseThrow();
        assertThat(url).isEqualTo("ss://YWVzLTI1Ni1nY206cEBzcw@example.com:8388");
        encode.close();
        Launched decode = Launched.start(dir, "ssurl", "-d", url);
        assertThat(decode.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(decode.log()).contains("\"password\" : \"p@ss\"").contains("\"server_port\" : 8388");
        decode.close();
    }

    /** The file's text once it has a line containing {@code text} (within 30 s). */
    private static String awaitLine(Path file, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            String content = Files.exists(file) ? Files.readString(file) : "";
            if (content.lines().anyMatch(l -> l.contains(text))) {
                return content;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no '" + text + "' in " + file + ":\n" + content);
            }
            Thread.sleep(50);
        }
    }

    private static ExternalPeer.Result curl(int socksPort, String url) throws Exception {
        return ExternalPeer.run(60, "curl", "-sS", "--max-time", "10", "--socks5-hostname", "127.0.0.1:" + socksPort, url);
    }

    /** A launcher run as its own process; its output goes to a file. */
    /** A launcher run as its own process; closing it stops that process only. */
    static final class Launched implements AutoCloseable {
        final Process process;
        final Path log;

        private Launched(Process process, Path log) {
            this.process = process;
            this.log = log;
        }

        static Launched start(Path dir, String launcher, String... args) throws IOException {
            return start(dir, List.of(), java.util.Map.of(), launcher, args);
        }

        /**
         * @param prefix a command that execs the launcher (such as {@code prlimit --nofile=N:N}), so the
         *     process is still the one started
         * @param env added to the environment
         */
        static Launched start(Path dir, List<String> prefix, java.util.Map<String, String> env, String launcher,
                String... args) throws IOException {
            Path log = Files.createTempFile(dir, launcher, ".log");
            List<String> command = new java.util.ArrayList<>(prefix);
            command.add(ROOT.resolve("bin").resolve(launcher).toString());
            command.addAll(List.of(args));
            ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            b.environment().putAll(env);
            return new Launched(b.start(), log);
        }

        Launched awaitTcp(int port) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new AssertionError("launcher exited with " + process.exitValue() + ":\n" + log());
                }
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                    return this;
                } catch (IOException notYet) {
                    Thread.sleep(50);
                }
            }
            throw new AssertionError("nothing listens on " + port + ":\n" + log());
        }

        String log() throws IOException {
            return Files.readString(log);
        }

        /** Sends a signal (HUP, TERM) to this process, the one we started. */
        void signal(String name) throws Exception {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
            assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -" + name).isTrue();
        }

        /** Waits until the log has {@code count} lines containing {@code text}. */
        void awaitLog(String text, int count) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (log().lines().filter(l -> l.contains(text)).count() < count) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no '" + text + "' (x" + count + ") in the log:\n" + log());
                }
                Thread.sleep(50);
            }
        }

        @Override
        public void close() throws Exception {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }
}
