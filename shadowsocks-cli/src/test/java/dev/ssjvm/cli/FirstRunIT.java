package dev.ssjvm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssjvm.core.url.ShadowsocksUrl;
import dev.ssjvm.service.testing.ExternalPeer;
import dev.ssjvm.service.testing.HttpTarget;
import dev.ssjvm.service.testing.TestData;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first five minutes: {@code bin/ssserver} with no config and no key in a fresh HOME (here with -p,
 * for a free port, and --forbidden-ip '' so the test's loopback target is allowed) makes and keeps a
 * 0600 config, and the URL it prints works with Debian's ss-local; {@code bin/sslocal URL} alone
 * serves a mixed port on 127.0.0.1:1080.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class FirstRunIT {
    private static final Path ROOT = Path.of(System.getProperty("ssjvm.root", "..")).toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    void printedUrlWorksWithSsLocalAndTheSecondStartReusesTheKey() throws Exception {
        ExternalPeer.require("ss-local");
        Path home = Files.createDirectories(dir.resolve("home"));
        Path xdg = home.resolve(".xdg");
        int port = ExternalPeer.freePort();
        String url;
        try (HttpTarget http = new HttpTarget()) {
            try (Started server = Started.start(dir, home, xdg, "ssserver", "-p", "" + port,
                    "--public-host", "127.0.0.1", "--forbidden-ip", "")) {
                url = server.awaitLine("ss://");
                String out = server.output();
                assertThat(out).contains("First run").contains(xdg.resolve("ssjvm/ssserver.json").toString())
                        .contains("127.0.0.1 (from --public-host)").contains("\u2588");
                ShadowsocksUrl parsed = ShadowsocksUrl.parse(url);
                assertThat(parsed.method().methodName()).isEqualTo("chacha20-ietf-poly1305");
                assertThat(parsed.port()).isEqualTo(port);
                assertThat(parsed.password()).hasSizeGreaterThanOrEqualTo(32);
                Path config = xdg.resolve("ssjvm/ssserver.json");
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config))).isEqualTo("rw-------");
                assertThat(Files.readString(config)).contains(parsed.password());

                int socks = ExternalPeer.freePort();
                try (ExternalPeer local = ExternalPeer.start("ss-local", "-s", parsed.host(), "-p", "" + parsed.port(),
                        "-k", parsed.password(), "-m", parsed.method().methodName(), "-b", "127.0.0.1",
                        "-l", "" + socks).awaitTcp(socks)) {
                    ExternalPeer.Result r = ExternalPeer.run(60, "curl", "-sS", "--max-time", "30",
                            "--socks5-hostname", "127.0.0.1:" + socks, "http://127.0.0.1:" + http.port() + "/bytes/200000");
                    assertThat(r.exitCode()).as(r.stderr() + local.log() + server.output()).isZero();
                    assertThat(TestData.sha256().digest(r.stdout())).isEqualTo(TestData.streamHash(200_000));
                }
                assertThat(server.logOnly()).as("the log never shows the key").doesNotContain(parsed.password());
            }
            try (Started again = Started.start(dir, home, xdg, "ssserver", "-p", "" + port,
                    "--public-host", "127.0.0.1", "--forbidden-ip", "")) {
                assertThat(again.awaitLine("ss://")).as("the second start reuses the key").isEqualTo(url);
                assertThat(again.output()).contains("Using the server config saved in").doesNotContain("First run");
            }
        }
    }

    @Test
    void sslocalWithOnlyAUrlServesAMixedPortOn1080() throws Exception {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 1080));
        } catch (IOException busy) {
            Assumptions.abort("127.0.0.1:1080 is in use here");
        }
        int port = ExternalPeer.freePort();
        Path home = Files.createDirectories(dir.resolve("home2"));
        try (HttpTarget http = new HttpTarget();
                Started server = Started.start(dir, home, home.resolve(".config"), "ssserver", "-p", "" + port,
                        "--public-host", "127.0.0.1", "--forbidden-ip", "")) {
            String url = server.awaitLine("ss://");
            try (Started local = Started.start(dir, home, home.resolve(".config"), "sslocal", url)) {
                local.awaitTcp(1080);
                // the line comes once the listeners are bound, so it may follow the first accepted connect
                assertThat(local.awaitLine("sslocal: SOCKS5 + HTTP mixed port")).contains("on 127.0.0.1:1080");
                for (String proxy : List.of("--socks5-hostname", "--proxy")) {
                    ExternalPeer.Result r = ExternalPeer.run(60, "curl", "-sS", "--max-time", "30", proxy,
                            "127.0.0.1:1080", "http://127.0.0.1:" + http.port() + "/bytes/1000");
                    assertThat(r.exitCode()).as(proxy + ": " + r.stderr() + local.output()).isZero();
                    assertThat(TestData.sha256().digest(r.stdout())).isEqualTo(TestData.streamHash(1000));
                }
            }
        }
    }

    /** ssurl -e --user of a multi-user 2022 port gives a URL that sslocal connects with as that user. */
    @Test
    void aUsersUrlOfAMultiUserPortConnects() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home3"));
        String ipsk = ssurl(home, "genkey", "-m", "2022-blake3-aes-128-gcm");
        String alice = ssurl(home, "genkey", "-m", "2022-blake3-aes-128-gcm");
        String bob = ssurl(home, "genkey", "-m", "2022-blake3-aes-128-gcm");
        int port = ExternalPeer.freePort();
        int socks = ExternalPeer.freePort();
        Path config = Files.writeString(dir.resolve("users.json"), "{\"server\": \"0.0.0.0\", \"server_port\": " + port
                + ", \"method\": \"2022-blake3-aes-128-gcm\", \"password\": \"" + ipsk + "\", \"forbidden_ip\": \"\","
                + " \"users\": [{\"name\": \"alice\", \"password\": \"" + alice + "\"},"
                + " {\"name\": \"bob\", \"password\": \"" + bob + "\"}]}");
        String url = ssurl(home, "-e", config.toString(), "--user", "bob", "--public-host", "127.0.0.1");
        assertThat(ShadowsocksUrl.parse(url).password()).isEqualTo(ipsk + ":" + bob);
        assertThat(ShadowsocksUrl.parse(url).tag()).isEqualTo("bob");
        try (HttpTarget http = new HttpTarget();
                Started server = Started.start(dir, home, home.resolve(".config"), "ssserver", "-c", config.toString(),
                        "-v");
                Started local = Started.start(dir, home, home.resolve(".config"), "sslocal", url, "-l", "" + socks)) {
            server.awaitTcp(port);
            local.awaitTcp(socks);
            ExternalPeer.Result r = ExternalPeer.run(60, "curl", "-sS", "--max-time", "30", "--socks5-hostname",
                    "127.0.0.1:" + socks, "http://127.0.0.1:" + http.port() + "/bytes/100000");
            assertThat(r.exitCode()).as(r.stderr() + local.output() + server.output()).isZero();
            assertThat(TestData.sha256().digest(r.stdout())).isEqualTo(TestData.streamHash(100_000));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!server.output().contains("user bob") && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(server.output()).contains("user bob");
        }
    }

    /** bin/ssurl's first line of output. */
    private String ssurl(Path home, String... args) throws Exception {
        try (Started run = Started.start(dir, home, home.resolve(".config"), "ssurl", args)) {
            assertThat(run.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(run.process.exitValue()).as(run.output()).isZero();
            return Files.readAllLines(run.out).stream().filter(l -> !l.startsWith("building")).findFirst()
                    .orElseThrow().trim();
        }
    }

    /** A launcher run with its own HOME and XDG_CONFIG_HOME; stdout and stderr in separate files. */
    static final class Started implements AutoCloseable {
        final Process process;
        final Path out;
        final Path err;

        private Started(Process process, Path out, Path err) {
            this.process = process;
            this.out = out;
            this.err = err;
        }

        static Started start(Path dir, Path home, Path xdg, String launcher, String... args) throws IOException {
            Path out = Files.createTempFile(dir, launcher, ".out");
            Path err = Files.createTempFile(dir, launcher, ".err");
            List<String> command = new ArrayList<>();
            command.add(ROOT.resolve("bin").resolve(launcher).toString());
            command.addAll(List.of(args));
            ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().put("HOME", home.toString());
            pb.environment().put("XDG_CONFIG_HOME", xdg.toString());
            return new Started(pb.start(), out, err);
        }

        String output() throws IOException {
            return Files.readString(out) + Files.readString(err);
        }

        String logOnly() throws IOException {
            return Files.readString(err);
        }

        /** The first stdout line starting with {@code prefix}, waiting up to 60 s for it. */
        String awaitLine(String prefix) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                for (String line : Files.readAllLines(out)) {
                    if (line.startsWith(prefix)) {
                        return line.trim();
                    }
                }
                if (!process.isAlive()) {
                    throw new AssertionError("exited with " + process.exitValue() + ":\n" + output());
                }
                Thread.sleep(50);
            }
            throw new AssertionError("no line starting with " + prefix + ":\n" + output());
        }

        void awaitTcp(int port) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new AssertionError("exited with " + process.exitValue() + ":\n" + output());
                }
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                    return;
                } catch (IOException notYet) {
                    Thread.sleep(50);
                }
            }
            throw new AssertionError("nothing listens on " + port + ":\n" + output());
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
