package dev.ssjvm.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.crypto.Sip022Keys;
import dev.ssjvm.service.config.LocalListener;
import dev.ssjvm.service.config.LocalSettings;
import dev.ssjvm.service.config.ServerEndpoint;
import dev.ssjvm.service.local.ShadowsocksLocal;
import dev.ssjvm.service.server.ShadowsocksServer;
import dev.ssjvm.service.testing.LeakCheck;
import dev.ssjvm.service.testing.Probe;
import dev.ssjvm.service.testing.ProxyStack;
import dev.ssjvm.service.testing.Sip022Writer;
import dev.ssjvm.service.testing.Socks;
import dev.ssjvm.service.testing.TestDns;
import dev.ssjvm.service.testing.TestTarget;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Replay and clock skew against a 2022 server, from the outside: a legitimate client's first flight is
 * recorded with a raw socket and replayed, verbatim and with a new timestamp under the same salt; the
 * target must never hear of the replays, and the server must react to them as to random bytes.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class Sip022ProbeTest {
    private static final CipherKind METHOD = CipherKind.BLAKE3_AES_256_GCM;
    private static final Duration DEADLINE = Duration.ofSeconds(3);

    @Test
    void replayedFirstFlightReachesNothingAndLooksLikeNoise() throws Exception {
        String psk = Sip022Keys.generatePsk(METHOD);
        try (TestDns dns = new TestDns(); TestTarget target = new TestTarget();
                ShadowsocksServer server = ShadowsocksServer.start(ProxyStack.serverSettings(METHOD, psk, dns)
                        .handshakeTimeout(DEADLINE).build())) {
            InetSocketAddress address = server.tcpAddresses().get(0);
            byte[] flight = recordFirstFlight(psk, target);

            // the recorded flight itself is good: the target hears from it once
            try (Socket s = new Socket()) {
                s.connect(address);
                s.setSoTimeout(10_000);
                s.getOutputStream().write(flight);
                assertThat(s.getInputStream().read()).as("the original is answered").isNotEqualTo(-1);
            }
            assertThat(target.accepted()).isEqualTo(1);

            byte[] salt = Arrays.copyOf(flight, METHOD.saltSize());
            long now = System.currentTimeMillis() / 1000;
            byte[] sameSaltNewTime = Sip022Writer.request(METHOD, psk, salt, now + 1, target.address(), new byte[] {'E', 1});
            byte[] random = new byte[flight.length];
            new Random(7).nextBytes(random);

            for (byte[] probe : List.of(flight, sameSaltNewTime, random)) {
                assertThat(Probe.send(address, probe, DEADLINE)).isEqualTo(Probe.SILENT_UNTIL_DEADLINE);
            }
            assertThat(target.accepted()).as("the replays never reached the target").isEqualTo(1);
        }
    }

    @Test
    void clientClock31SecondsAheadIsRefusedAnd29Accepted() throws Exception {
        String psk = Sip022Keys.generatePsk(METHOD);
        try (TestDns dns = new TestDns(); TestTarget target = new TestTarget();
                ShadowsocksServer server = ShadowsocksServer.start(ProxyStack.serverSettings(METHOD, psk, dns)
                        .handshakeTimeout(DEADLINE).build())) {
            InetSocketAddress address = server.tcpAddresses().get(0);
            Random random = new Random(1);
            for (int skew : new int[] {31, -31}) {
                byte[] salt = new byte[METHOD.saltSize()];
                random.nextBytes(salt);
                long ts = startOfASecond() + skew;
                byte[] flight = Sip022Writer.request(METHOD, psk, salt, ts, target.address(), new byte[] {'E', 1});
                assertThat(Probe.send(address, flight, DEADLINE)).as("skew %d s", skew).isEqualTo(Probe.SILENT_UNTIL_DEADLINE);
            }
            assertThat(target.accepted()).isZero();
            for (int skew : new int[] {29, -29}) {
                byte[] salt = new byte[METHOD.saltSize()];
                random.nextBytes(salt);
                long ts = startOfASecond() + skew;
                byte[] flight = Sip022Writer.request(METHOD, psk, salt, ts, target.address(), new byte[] {'E', 1});
                try (Socket s = new Socket()) {
                    s.connect(address);
                    s.setSoTimeout(10_000);
                    s.getOutputStream().write(flight);
                    assertThat(s.getInputStream().read()).as("skew %d s is answered", skew).isNotEqualTo(-1);
                }
            }
            assertThat(target.accepted()).isEqualTo(2);
        }
    }

    /**
     * Waits for the first tenth of a second and returns the current Unix second, so the server, which
     * reads its clock a few milliseconds later, sees exactly the skew the test intends.
     */
    private static long startOfASecond() throws InterruptedException {
        while (System.currentTimeMillis() % 1000 > 100) {
            Thread.sleep(5);
        }
        return System.currentTimeMillis() / 1000;
    }

    /** Our sslocal pointed at a raw socket posing as the server: what it sends first, byte for byte. */
    private static byte[] recordFirstFlight(String psk, TestTarget target) throws Exception {
        try (ServerSocket recorder = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ShadowsocksLocal local = ShadowsocksLocal.start(LocalSettings.of(
                        List.of(new ServerEndpoint("127.0.0.1", recorder.getLocalPort(), METHOD, psk)),
                        List.of(LocalListener.socks("127.0.0.1", 0))))) {
            CompletableFuture<byte[]> recorded = CompletableFuture.supplyAsync(() -> {
                try (Socket s = recorder.accept()) {
                    s.setSoTimeout(500);
                    InputStream in = s.getInputStream();
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    byte[] buf = new byte[4096];
                    try {
                        int n;
                        while ((n = in.read(buf)) >= 0) {
                            out.write(buf, 0, n);
                        }
                    } catch (SocketTimeoutException enough) {
                        // the client sent all it had and now waits for an answer
                    }
                    return out.toByteArray();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            try (Socket client = Socks.connect(local.tcpAddresses().get(0), "127.0.0.1", target.port())) {
                client.getOutputStream().write(new byte[] {'E', 1});
                return recorded.get(10, TimeUnit.SECONDS);
            }
        }
    }
}
