package dev.ssjvm.service.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;

/**
 * A real peer implementation (shadowsocks-libev, v2ray, curl, ...) run as a child process. Only the
 * process started here is ever stopped, by its own handle.
 *
 * <p>When a binary is missing the test is skipped, unless {@code SSJVM_REQUIRE_PEERS=1} (CI sets it),
 * in which case it fails: interop must never silently not run in CI.
 */
public final class ExternalPeer implements AutoCloseable {
    private final Process process;
    private final Path log;
    private final String name;

    private ExternalPeer(Process process, Path log, String name) {
        this.process = process;
        this.log = log;
        this.name = name;
    }

    /** The absolute path of {@code binary} on the PATH; skips or fails the test when absent. */
    public static String require(String binary) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin") + ":/usr/sbin:/sbin";
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, binary);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        missing(binary + " is not installed (apt-get install the peer packages; see .ci/run)");
        return null;
    }

    /**
     * A peer the test needs is not there (a binary, or a library of one): skips the test, or fails it
     * when {@code SSJVM_REQUIRE_PEERS=1}. Never returns normally.
     */
    public static void missing(String message) {
        if ("1".equals(System.getenv("SSJVM_REQUIRE_PEERS"))) {
            fail(message + ", and SSJVM_REQUIRE_PEERS=1 forbids skipping");
        }
        Assumptions.abort(message);
    }

    public static ExternalPeer start(String... command) throws IOException {
        String name = Path.of(command[0]).getFileName().toString();
        Path log = Files.createTempFile("peer-" + name, ".log");
        List<String> argv = new ArrayList<>(Arrays.asList(command));
        argv.set(0, require(command[0]));
        Process process = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new ExternalPeer(process, log, name);
    }

    /** Waits until something accepts TCP connections on {@code port}, failing with the peer's log if it dies. */
    public ExternalPeer awaitTcp(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                fail(name + " exited with " + process.exitValue() + ":\n" + log());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return this;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        fail(name + " did not listen on " + port + " in time:\n" + log());
        return this;
    }

    /** Gives a UDP-only peer time to bind; there is no handshake to wait for. */
    public ExternalPeer awaitStart() throws Exception {
        Thread.sleep(300);
        if (!process.isAlive()) {
            fail(name + " exited with " + process.exitValue() + ":\n" + log());
        }
        return this;
    }

    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        Files.deleteIfExists(log);
    }

    /** The ports {@link #freePort} hands out, in turn, from a random start; see {@link #portRange}. */
    private static final int[] RANGE = portRange();
    private static final AtomicInteger NEXT =
            new AtomicInteger(RANGE[0] + ThreadLocalRandom.current().nextInt(RANGE[1] - RANGE[0]));

    /**
     * A port that was free a moment ago for TCP and UDP on every address, as a server binding the
     * wildcard needs it, and that no other test of this JVM was given. It comes from just below the
     * kernel's ephemeral range: a port the kernel picked (bind to 0) could be the source port of some
     * outgoing connection by the time the test binds it, and with many connections in flight that
     * happened (CI: "cannot listen on 0.0.0.0:35839: Address already in use").
     */
    public static int freePort() throws IOException {
        int span = RANGE[1] - RANGE[0];
        for (int tries = 0; tries < span; tries++) {
            int port = NEXT.getAndUpdate(p -> p + 1 >= RANGE[1] ? RANGE[0] : p + 1);
            try (ServerSocket tcp = new ServerSocket(); DatagramSocket udp = new DatagramSocket(null)) {
                tcp.bind(new InetSocketAddress(port));
                udp.bind(new InetSocketAddress(port));
                return port;
            } catch (IOException inUse) {
                // taken: the next one
            }
        }
        throw new IOException("no free port in " + RANGE[0] + "-" + (RANGE[1] - 1));
    }

    /**
     * [first, end) of the ports to hand out: the 10,000 below the ephemeral range
     * ({@code /proc/sys/net/ipv4/ip_local_port_range}, 32768-60999 by default); when that range starts
     * too low for it, the 10,000 above it.
     */
    private static int[] portRange() {
        int low = 32_768;
        int high = 60_999;
        try {
            String[] range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim()
                    .split("\\s+");
            low = Integer.parseInt(range[0]);
            high = Integer.parseInt(range[1]);
        } catch (IOException | RuntimeException unreadable) {
            // not Linux, or no /proc: the defaults
        }
        if (low >= 11_024) {
            return new int[] {low - 10_000, low};
        }
        return high <= 55_535 ? new int[] {high + 1, high + 10_001} : new int[] {low, high + 1};
    }

    /** Runs a short-lived command (curl, dig, ...) to completion and returns its exit code and output. */
    public static Result run(long timeoutSeconds, String... command) throws Exception {
        List<String> argv = new ArrayList<>(Arrays.asList(command));
        argv.set(0, require(command[0]));
        Path out = Files.createTempFile("cmd-out", ".bin");
        Path err = Files.createTempFile("cmd-err", ".txt");
        try {
            Process p = new ProcessBuilder(argv).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                fail(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s");
            }
            return new Result(p.exitValue(), Files.readAllBytes(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    public record Result(int exitCode, byte[] stdout, String stderr) {}
}
