package dev.ssjvm.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssjvm.core.address.SocksAddressCodec;
import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.service.server.ShadowsocksServer;
import dev.ssjvm.service.testing.LeakCheck;
import dev.ssjvm.service.testing.Probe;
import dev.ssjvm.service.testing.ProxyStack;
import dev.ssjvm.service.testing.Sip004Writer;
import dev.ssjvm.service.testing.TestDns;
import dev.ssjvm.service.testing.TestTarget;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Active probing: whatever a stranger sends, the server answers nothing, does not close early, never
 * contacts a target, closes every such connection the same way at the handshake deadline, and keeps
 * serving real clients. Leaks fail the class.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ProbeResistanceTest {
    private static final CipherKind METHOD = CipherKind.AES_256_GCM;
    private static final String PASSWORD = "probe-resistant";
    private static final Duration DEADLINE = Duration.ofSeconds(3);

    @Test
    void everyKindOfBadInputGetsTheSameSilentTreatment() throws Exception {
        Map<String, byte[]> probes = new LinkedHashMap<>();
        Random random = new Random(2022);
        for (int length : new int[] {1, 15, 16, 31, 32, 33, 49, 50, 51, 64, 100, 1000, 5000, 70_000}) {
            byte[] junk = new byte[length];
            random.nextBytes(junk);
            probes.put("random " + length, junk);
        }
        byte[] request = concat(SocksAddressCodec.encode(new InetSocketAddress(InetAddress.getLoopbackAddress(), 1)),
                "GET / HTTP/1.1\r\n\r\n".getBytes());
        probes.put("wrong password", new Sip004Writer(METHOD, "not-the-password").chunk(request).bytes());
        byte[] good = new Sip004Writer(METHOD, PASSWORD).chunk(request).bytes();
        for (int cut : new int[] {10, 32, 40, 50, good.length - 1}) {
            probes.put("truncated at " + cut, Arrays.copyOf(good, cut));
        }
        byte[] tampered = good.clone();
        tampered[40] ^= 1;
        probes.put("tampered length", tampered);
        byte[] tamperedPayload = good.clone();
        tamperedPayload[good.length - 5] ^= 1;
        probes.put("tampered payload", tamperedPayload);
        probes.put("length over 0x3FFF", new Sip004Writer(METHOD, PASSWORD).chunkClaimingLength(0x4000, new byte[64]).bytes());
        probes.put("length 0xFFFF", new Sip004Writer(METHOD, PASSWORD).chunkClaimingLength(0xFFFF, new byte[64]).bytes());
        probes.put("unknown address type", new Sip004Writer(METHOD, PASSWORD)
                .chunk(new byte[] {9, 127, 0, 0, 1, 0, 80}).bytes());
        probes.put("nothing at all", new byte[0]);

        try (TestDns dns = new TestDns(); TestTarget target = new TestTarget();
                ShadowsocksServer server = ShadowsocksServer.start(
                        ProxyStack.serverSettings(METHOD, PASSWORD, dns).handshakeTimeout(DEADLINE).build())) {
            InetSocketAddress address = server.tcpAddresses().get(0);
            ExecutorService pool = Executors.newFixedThreadPool(probes.size());
            Map<String, Future<Probe.Reaction>> reactions = new LinkedHashMap<>();
            probes.forEach((name, bytes) -> reactions.put(name, pool.submit(() -> probe(address, bytes))));
            // meanwhile a real client is served normally
            assertThat(echoThroughServer(address, target)).isTrue();
            for (Map.Entry<String, Future<Probe.Reaction>> e : reactions.entrySet()) {
                assertThat(e.getValue().get(60, TimeUnit.SECONDS)).as(e.getKey())
                        .isEqualTo(Probe.SILENT_UNTIL_DEADLINE);
            }
            pool.shutdown();
            assertThat(target.accepted()).as("connections that reached the target").isEqualTo(1);
            assertThat(echoThroughServer(address, target)).isTrue();
        }
    }

    @Test
    void replayedFirstFlightIsTreatedLikeJunk() throws Exception {
        try (TestDns dns = new TestDns(); TestTarget target = new TestTarget();
                ShadowsocksServer server = ShadowsocksServer.start(
                        ProxyStack.serverSettings(METHOD, PASSWORD, dns).handshakeTimeout(DEADLINE).build())) {
            InetSocketAddress address = server.tcpAddresses().get(0);
            byte[] flight = new Sip004Writer(METHOD, PASSWORD)
                    .chunk(concat(SocksAddressCodec.encode(target.address()), new byte[] {'E', 1, 2, 3})).bytes();
            try (Socket s = new Socket()) {
                s.connect(address);
                s.getOutputStream().write(flight);
                s.setSoTimeout(10_000);
                assertThat(s.getInputStream().read()).as("first use answers").isNotEqualTo(-1);
            }
            assertThat(probe(address, flight)).isEqualTo(Probe.SILENT_UNTIL_DEADLINE);
            assertThat(target.accepted()).isEqualTo(1);
        }
    }

    /**
     * A stream that goes bad after the relay is up: the target side is dropped at once, and once the
     * client has also sent its FIN there is nothing left to drain, so the connection closes instead
     * of lingering until the idle timeout.
     */
    @Test
    void streamTruncatedMidRelayThenFinIsClosedAndTheTargetDropped() throws Exception {
        try (TestDns dns = new TestDns(); TestTarget target = new TestTarget();
                ShadowsocksServer server = ShadowsocksServer.start(ProxyStack.serverSettings(METHOD, PASSWORD, dns)
                        .timeout(Duration.ofSeconds(300)).build())) {
            Sip004Writer writer = new Sip004Writer(METHOD, PASSWORD)
                    .chunk(concat(SocksAddressCodec.encode(target.address()), new byte[] {'E', 7}));
            int established = writer.bytes().length;
            byte[] withBadChunk = writer.chunk(new byte[1000]).bytes();
            try (Socket s = new Socket()) {
                s.connect(server.tcpAddresses().get(0), 5000);
                s.setSoTimeout(20_000);
                s.getOutputStream().write(Arrays.copyOf(withBadChunk, established));
                // the echo of byte 7 proves the relay is established
                assertThat(s.getInputStream().readNBytes(METHOD.saltSize() + 2 + 16 + 1 + 16)).isNotEmpty();
                s.getOutputStream().write(Arrays.copyOfRange(withBadChunk, established, withBadChunk.length - 100));
                s.shutdownOutput();
                int b;
                try {
                    b = s.getInputStream().read();
                } catch (SocketException reset) {
                    b = -1;
                }
                assertThat(b).as("connection closed after the truncated stream ended").isEqualTo(-1);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (server.openConnections() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(server.openConnections()).isZero();
        }
    }

    private static Probe.Reaction probe(InetSocketAddress server, byte[] bytes) throws Exception {
        return Probe.send(server, bytes, DEADLINE);
    }

    private static boolean echoThroughServer(InetSocketAddress server, TestTarget target) throws Exception {
        byte[] flight = new Sip004Writer(METHOD, PASSWORD)
                .chunk(concat(SocksAddressCodec.encode(target.address()), new byte[] {'E', 7})).bytes();
        try (Socket s = new Socket()) {
            s.connect(server, 5000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(flight);
            // the reply is salt + sealed length + sealed payload; its mere arrival proves the relay works
            byte[] reply = s.getInputStream().readNBytes(METHOD.saltSize() + 2 + 16 + 1 + 16);
            return reply.length == METHOD.saltSize() + 2 + 16 + 1 + 16;
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
