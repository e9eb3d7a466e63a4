package dev.ssjvm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssjvm.cli.LaunchersIT.Launched;
import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.service.config.LocalListener;
import dev.ssjvm.service.config.LocalSettings;
import dev.ssjvm.service.config.ServerEndpoint;
import dev.ssjvm.service.local.ShadowsocksLocal;
import dev.ssjvm.service.testing.Closer;
import dev.ssjvm.service.testing.ExternalPeer;
import dev.ssjvm.service.testing.Socks;
import dev.ssjvm.service.testing.TestTarget;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The resource caps of a real ssserver process (bin/ssserver) under floods: good clients (our sslocal,
 * in this process, with JDK SOCKS sockets) are served through a flood of silent and garbage
 * connections while the server's RSS stays under a bound, nothing leaks (the server runs with the
 * paranoid leak detector) and its descriptors return to where they were; and a server out of
 * descriptors (prlimit) keeps its relays, logs a bounded number of lines, and accepts again once
 * descriptors are free. Every flood is bounded in connections.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ResourceCapsIT {
    private static final CipherKind METHOD = CipherKind.AES_256_GCM;
    private static final String KEY = "resource-caps";
    /** The bound on the flooded server's RSS (README "Reliability"): heap capped at 96 MiB, plus the JVM. */
    private static final long RSS_BOUND_KB = 320 * 1024;
    private static final String JVM_OPTS = "-XX:+UseSerialGC -Xmn8m -Xmx96m -XX:+ExitOnOutOfMemoryError"
            + " -Dio.netty.leakDetection.level=paranoid";

    @TempDir
    Path dir;

    @RegisterExtension
    final Closer closer = new Closer();

    private Launched server(List<String> prefix, int port, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("-s", "127.0.0.1", "-p", "" + port, "-k", KEY, "-m",
                METHOD.toString(), "--forbidden-ip", ""));
        args.addAll(List.of(extra));
        return closer.add(Launched.start(dir, prefix, Map.of("SSJVM_JAVA_OPTS", JVM_OPTS), "ssserver",
                args.toArray(String[]::new)).awaitTcp(port));
    }

    private ShadowsocksLocal local(int port) throws IOException {
        return closer.add(ShadowsocksLocal.start(LocalSettings.of(
                List.of(new ServerEndpoint("127.0.0.1", port, METHOD, KEY)),
                List.of(LocalListener.socks("127.0.0.1", 0)))));
    }

    private static boolean echoes(ShadowsocksLocal local, TestTarget target, int value) {
        try (Socket s = Socks.connect(local.tcpAddresses().get(0), "127.0.0.1", target.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(new byte[] {'E', (byte) value});
            return s.getInputStream().read() == (value & 0xFF);
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void goodClientsAreServedThroughAFloodOfSilentAndGarbageConnections() throws Exception {
        int port = ExternalPeer.freePort();
        TestTarget target = closer.add(new TestTarget());
        Launched server = server(List.of(), port, "--handshake-timeout", "3", "--max-handshakes", "512",
                "--max-handshakes-per-ip", "32");
        ShadowsocksLocal local = local(port);
        assertThat(echoes(local, target, 1)).isTrue();
        long baselineFds = fds(server);

        ExecutorService pool = Executors.newFixedThreadPool(5);
        AtomicLong maxRss = new AtomicLong();
        List<Future<int[]>> floods = new ArrayList<>();
        for (int t = 0; t < 4; t++) { // 4 sources x 1,250 connections, up to 100 open at once each
            String source = "127.0.0." + (10 + t);
            int seed = t;
            floods.add(pool.submit(() -> flood(port, source, 1250, 100, new Random(seed))));
        }
        Future<?> sampler = pool.submit(() -> {
            while (!floods.stream().allMatch(Future::isDone)) {
                maxRss.accumulateAndGet(rssKb(server), Math::max);
                Thread.sleep(100);
            }
            return null;
        });
        int served = 0;
        int value = 0;
        while (served < 5 || !floods.stream().allMatch(Future::isDone)) {
            assertThat(echoes(local, target, ++value)).as("good client " + value + " during the flood").isTrue();
            served++;
            assertThat(served).as("good clients (bounded)").isLessThan(100_000);
        }
        int refused = 0;
        int opened = 0;
        for (Future<int[]> f : floods) {
            int[] r = f.get(2, TimeUnit.MINUTES);
            opened += r[0];
            refused += r[1];
        }
        sampler.get(1, TimeUnit.MINUTES);
        pool.shutdown();
        assertThat(opened).isEqualTo(5000);
        assertThat(refused).as("connections reset over the per-address cap").isPositive();
        assertThat(maxRss.get()).as("server RSS in KiB during the flood").isPositive().isLessThan(RSS_BOUND_KB);

        // every flood connection is gone from the server: its descriptors come back to the baseline
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (fds(server) > baselineFds + 2 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(fds(server)).as("server descriptors after the flood").isLessThanOrEqualTo(baselineFds + 2);
        assertThat(echoes(local, target, 99)).isTrue();
        System.gc(); // ours; the server's own collections ran under the flood
        assertThat(server.log()).as("leak reports").doesNotContain("LEAK:");
        assertThat(server.process.isAlive()).isTrue();
        System.out.printf("flood: %d connections, %d reset, %d good clients served, server max RSS %d KiB%n",
                opened, refused, served, maxRss.get());
    }

    /**
     * Opens {@code count} connections from {@code source}, half silent, half sending garbage, keeping
     * at most {@code open} at once (the oldest is closed).
     *
     * @return connections opened, and those the server reset
     */
    private static int[] flood(int port, String source, int count, int open, Random random) throws IOException {
        ArrayDeque<Socket> live = new ArrayDeque<>();
        InetSocketAddress server = new InetSocketAddress("127.0.0.1", port);
        int refused = 0;
        try {
            for (int i = 0; i < count; i++) {
                Socket s = new Socket();
                try {
                    s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
                    s.connect(server, 5000);
                    if (i % 2 == 1) {
                        byte[] junk = new byte[1 + random.nextInt(2000)];
                        random.nextBytes(junk);
                        s.getOutputStream().write(junk);
                    }
                    live.add(s);
                } catch (SocketException e) { // reset over the cap
                    s.close();
                    refused++;
                }
                if (live.size() > open) {
                    Socket oldest = live.poll();
                    refused += wasReset(oldest) ? 1 : 0;
                    oldest.close();
                }
            }
        } finally {
            for (Socket s : live) {
                s.close();
            }
        }
        return new int[] {count, refused};
    }

    /** Whether the server reset this connection (without waiting: a live one has nothing to read). */
    private static boolean wasReset(Socket s) {
        try {
            s.setSoTimeout(1);
            return s.getInputStream().read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Test
    void outOfDescriptorsKeepsItsRelaysLogsBoundedAndAcceptsAgain() throws Exception {
        int port = ExternalPeer.freePort();
        int limit = 256;
        TestTarget target = closer.add(new TestTarget());
        Launched server = server(List.of(ExternalPeer.require("prlimit"), "--nofile=" + limit + ":" + limit), port,
                "--handshake-timeout", "120", "--max-handshakes", "10000", "--max-handshakes-per-ip", "10000",
                "--workers", "1");
        ShadowsocksLocal local = local(port);
        // an established relay, kept open throughout
        Socket relay = closer.add(Socks.connect(local.tcpAddresses().get(0), "127.0.0.1", target.port()));
        relay.setSoTimeout(10_000);
        relay.getOutputStream().write(new byte[] {'E', 5});
        assertThat(relay.getInputStream().read()).isEqualTo(5);
        long start = System.nanoTime();

        // silent connections until the server has no descriptor left; the kernel still completes
        // handshakes into the backlog, so these connects succeed
        List<Socket> silent = new ArrayList<>();
        try {
            for (int i = 0; i < limit + 200 && fds(server) < limit; i++) {
                Socket s = new Socket();
                silent.add(s);
                s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                if (i % 20 == 19) {
                    Thread.sleep(20); // let the server take what it can
                }
            }
            server.awaitLog("cannot accept connections", 1);
            assertThat(fds(server)).as("descriptors of the server").isGreaterThanOrEqualTo(limit - 1);
            // the open relay still works, both ways
            for (int i = 0; i < 20; i++) {
                relay.getOutputStream().write(10 + i); // the target echoes everything after the 'E'
                assertThat(relay.getInputStream().read()).as("relay while out of descriptors").isEqualTo(10 + i);
                Thread.sleep(100);
            }
            assertThat(server.process.isAlive()).isTrue();
        } finally {
            for (Socket s : silent) {
                s.close();
            }
        }
        // descriptors come free as the silent connections end: new clients are served again
        boolean served = false;
        for (int attempt = 0; attempt < 50 && !served; attempt++) {
            served = echoes(local, target, 77);
            if (!served) {
                Thread.sleep(200);
            }
        }
        assertThat(served).as("a new client once descriptors are free").isTrue();
        server.awaitLog("accepting connections again", 1);
        relay.getOutputStream().write(6);
        assertThat(relay.getInputStream().read()).isEqualTo(6);

        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        long lines = server.log().lines().filter(l -> l.contains("cannot accept connections")).count();
        // one line per 10 s at most (the first at once), whatever the number of failed accepts
        assertThat(lines).as("log lines about failed accepts in " + seconds + " s").isBetween(1L, 2 + seconds / 10);
        assertThat(server.log()).doesNotContain("LEAK:").doesNotContain("reached at the end of the pipeline");
    }

    private static long fds(Launched server) {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(server.process.pid()), "fd"))) {
            return fds.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long rssKb(Launched server) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(server.process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException gone) {
            return 0;
        }
        return 0;
    }
}
