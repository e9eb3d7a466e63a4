package dev.ssjvm.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssjvm.core.address.SocksAddressCodec;
import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.service.limits.Refusal;
import dev.ssjvm.service.server.ShadowsocksServer;
import dev.ssjvm.service.testing.LeakCheck;
import dev.ssjvm.service.testing.ProxyStack;
import dev.ssjvm.service.testing.Sip004Writer;
import dev.ssjvm.service.testing.TestDns;
import dev.ssjvm.service.testing.TestTarget;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The handshake limits on a real server: silent connections from one address beyond
 * {@code max_handshakes_per_ip} are reset at once; beyond {@code max_handshakes} the oldest silent one
 * is reset to make room; the others stay open (silent until the deadline); a client is served meanwhile;
 * the count returns to 0 when they close. Sources are distinct loopback addresses (127.0.0.0/8).
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class HandshakeLimitsTest {
    private static final CipherKind METHOD = CipherKind.AES_256_GCM;
    private static final String PASSWORD = "handshake-limits";

    @Test
    void connectionsOverThePerAddressAndTotalLimitsAreResetAndTheOthersStay() throws Exception {
        try (TestDns dns = new TestDns(); TestTarget target = new TestTarget();
                ShadowsocksServer server = ShadowsocksServer.start(ProxyStack.serverSettings(METHOD, PASSWORD, dns)
                        .handshakeTimeout(Duration.ofSeconds(60)).maxHandshakes(8, 3).build())) {
            InetSocketAddress address = server.tcpAddresses().get(0);
            List<Socket> held = new ArrayList<>();
            try {
                // 5 from 127.0.0.2: 3 held, 2 reset (per address)
                assertThat(open(address, "127.0.0.2", 5, held)).as("reset, per address").isEqualTo(2);
                // 3 from each of .3 and .4: all held; the 9th makes room by resetting the oldest (from .2,
                // seconds old: each held connection above waited 1 s for a reset that did not come)
                assertThat(open(address, "127.0.0.3", 3, held)).as("reset, .3").isZero();
                assertThat(open(address, "127.0.0.4", 3, held)).as("reset, .4").isZero();
                assertThat(server.handshakesInProgress()).isEqualTo(8);
                assertThat(wasReset(held.remove(0))).as("the oldest, reset to make room").isTrue();
                // each refusal counted (ssjvm_limit_hits{reason="handshakes_per_ip"|"handshakes"})
                Map<Refusal, Long> hits = server.traffic().snapshot().get(address.getPort()).limitHits();
                assertThat(hits.get(Refusal.HANDSHAKES_PER_IP)).as("per-address refusals").isEqualTo(2);
                assertThat(hits.get(Refusal.HANDSHAKES)).as("total-limit resets").isEqualTo(1);
                // one silent connection leaves: a good client takes its slot
                held.remove(0).close();
                awaitHandshakes(server, 7);
                assertThat(echoThroughServer(address, target)).as("a good client, in the freed slot").isTrue();
                awaitHandshakes(server, 7); // the good client's slot ended when its relay started
            } finally {
                for (Socket s : held) {
                    s.close();
                }
            }
            awaitHandshakes(server, 0);
            assertThat(echoThroughServer(address, target)).isTrue();
            awaitHandshakes(server, 0);
        }
    }

    /** Opens {@code count} silent connections from {@code source}; those kept go to {@code held}. */
    private static int open(InetSocketAddress server, String source, int count, List<Socket> held)
            throws IOException {
        int reset = 0;
        for (int i = 0; i < count; i++) {
            Socket s = new Socket();
            s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
            try {
                s.connect(server, 5000); // may already see the reset
                s.setSoTimeout(1000); // a reset arrives within a millisecond on loopback
                s.getInputStream().read(); // a held connection is silent: this times out
                s.close();
                reset++;
            } catch (SocketTimeoutException e) {
                held.add(s);
            } catch (IOException e) { // connection reset
                s.close();
                reset++;
            }
        }
        return reset;
    }

    /** Whether the server reset (or closed) {@code s}; closes it. */
    private static boolean wasReset(Socket s) throws IOException {
        try (s) {
            s.setSoTimeout(5000);
            return s.getInputStream().read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) { // connection reset
            return true;
        }
    }

    private static void awaitHandshakes(ShadowsocksServer server, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.handshakesInProgress() != expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(server.handshakesInProgress()).as("connections in the handshake").isEqualTo(expected);
    }

    private static boolean echoThroughServer(InetSocketAddress server, TestTarget target) throws Exception {
        byte[] address = SocksAddressCodec.encode(target.address());
        byte[] payload = new byte[address.length + 2];
        System.arraycopy(address, 0, payload, 0, address.length);
        payload[address.length] = 'E';
        payload[address.length + 1] = 7;
        byte[] flight = new Sip004Writer(METHOD, PASSWORD).chunk(payload).bytes();
        try (Socket s = new Socket()) {
            s.connect(server, 5000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(flight);
            byte[] reply = s.getInputStream().readNBytes(METHOD.saltSize() + 2 + 16 + 1 + 16);
            return reply.length == METHOD.saltSize() + 2 + 16 + 1 + 16;
        }
    }
}
