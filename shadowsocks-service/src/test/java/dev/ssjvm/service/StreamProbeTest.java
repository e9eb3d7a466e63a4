package dev.ssjvm.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssjvm.core.address.SocksAddressCodec;
import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.crypto.StreamCiphers;
import dev.ssjvm.service.server.ShadowsocksServer;
import dev.ssjvm.service.testing.LeakCheck;
import dev.ssjvm.service.testing.Probe;
import dev.ssjvm.service.testing.ProxyStack;
import dev.ssjvm.service.testing.Socks;
import dev.ssjvm.service.testing.TestDns;
import dev.ssjvm.service.testing.TestTarget;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A stream-cipher port under probing: it cannot authenticate, but whatever decrypts to no address
 * (a bad address type, a wrong key, junk), a replayed IV, or a first flight that never completes
 * gets the AEAD ports' treatment: silence, no target contacted, FIN at the handshake deadline.
 * Also every stream method, {@code none} included, between our own sslocal and ssserver.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class StreamProbeTest {
    private static final CipherKind METHOD = CipherKind.AES_256_CFB;
    private static final String PASSWORD = "stream-probe";
    private static final Duration DEADLINE = Duration.ofSeconds(3);

    @Test
    void badInputGetsSilenceThenFinAtTheDeadline() throws Exception {
        Map<String, byte[]> probes = new LinkedHashMap<>();
        Random random = new Random(12);
        for (int length : new int[] {1, 15, 16, 17, 40, 100, 1000, 70_000}) {
            probes.put("random " + length, junkWithoutAddress(random, length));
        }
        probes.put("unknown address type", flight(PASSWORD, new byte[] {9, 127, 0, 0, 1, 0, 80}, 1));
        probes.put("empty domain name", flight(PASSWORD, new byte[] {3, 0, 0, 80}, 2));
        probes.put("wrong password", wrongPasswordFlight());
        probes.put("address never completes", flight(PASSWORD, new byte[] {3, (byte) 200, 'a', 'b'}, 3));
        probes.put("nothing at all", new byte[0]);

        try (TestDns dns = new TestDns(); TestTarget target = new TestTarget();
                ShadowsocksServer server = ShadowsocksServer.start(
                        ProxyStack.serverSettings(METHOD, PASSWORD, dns).handshakeTimeout(DEADLINE).build())) {
            InetSocketAddress address = server.tcpAddresses().get(0);
            ExecutorService pool = Executors.newFixedThreadPool(probes.size());
            Map<String, Future<Probe.Reaction>> reactions = new LinkedHashMap<>();
            probes.forEach((name, bytes) -> reactions.put(name, pool.submit(() -> Probe.send(address, bytes, DEADLINE))));
            assertThat(echoes(address, flight(PASSWORD, echoRequest(target), 100))).isTrue();
            for (Map.Entry<String, Future<Probe.Reaction>> e : reactions.entrySet()) {
                assertThat(e.getValue().get(60, TimeUnit.SECONDS)).as(e.getKey()).isEqualTo(Probe.SILENT_UNTIL_DEADLINE);
            }
            pool.shutdown();
            assertThat(target.accepted()).as("connections that reached the target").isEqualTo(1);
        }
    }

    @Test
    void replayedIvIsTreatedLikeJunk() throws Exception {
        try (TestDns dns = new TestDns(); TestTarget target = new TestTarget();
                ShadowsocksServer server = ShadowsocksServer.start(
                        ProxyStack.serverSettings(METHOD, PASSWORD, dns).handshakeTimeout(DEADLINE).build())) {
            InetSocketAddress address = server.tcpAddresses().get(0);
            byte[] recorded = flight(PASSWORD, echoRequest(target), 7);
            assertThat(echoes(address, recorded)).as("first use answers").isTrue();
            assertThat(Probe.send(address, recorded, DEADLINE)).isEqualTo(Probe.SILENT_UNTIL_DEADLINE);
            assertThat(target.accepted()).isEqualTo(1);
        }
    }

    /** Every stream method, our sslocal to our ssserver: a 1 MB echo through SOCKS5. */
    @ParameterizedTest
    @EnumSource(names = {"AES_128_CFB", "AES_192_CTR", "CAMELLIA_256_CFB", "CHACHA20_IETF", "CHACHA20", "SALSA20",
        "BF_CFB", "RC4_MD5", "TABLE", "NONE"})
    void ourLocalToOurServer(CipherKind method) throws Exception {
        try (ProxyStack stack = ProxyStack.start(method, "own-" + method)) {
            try (Socket s = Socks.connect(stack.socks(), ProxyStack.TARGET_NAME, stack.target.port())) {
                TestTarget.assertEchoes(s, 1_000_000, 5);
            }
        }
    }

    private static byte[] echoRequest(TestTarget target) {
        byte[] address = SocksAddressCodec.encode(target.address());
        byte[] out = Arrays.copyOf(address, address.length + 2);
        out[address.length] = 'E';
        out[address.length + 1] = 7;
        return out;
    }

    /** IV (from {@code seed}) then the plaintext encrypted under {@code password}, as a client sends it. */
    private static byte[] flight(String password, byte[] plain, long seed) {
        byte[] iv = new byte[METHOD.saltSize()];
        new Random(seed).nextBytes(iv);
        byte[] out = Arrays.copyOf(iv, iv.length + plain.length);
        StreamCiphers.create(METHOD, StreamCiphers.masterKey(METHOD, password), iv, true)
                .processBytes(plain, 0, plain.length, out, iv.length);
        return out;
    }

    /** A request under another password, with an IV chosen so that our key decrypts it to no address type. */
    private static byte[] wrongPasswordFlight() {
        byte[] plain = "\u0001\u007f\u0000\u0000\u0001\u0000\u0050GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        for (long seed = 0; ; seed++) {
            byte[] bytes = flight("not-the-password", plain, seed);
            if (!decryptsToAddressType(bytes)) {
                return bytes;
            }
        }
    }

    private static byte[] junkWithoutAddress(Random random, int length) {
        while (true) {
            byte[] junk = new byte[length];
            random.nextBytes(junk);
            if (!decryptsToAddressType(junk)) {
                return junk;
            }
        }
    }

    /** Whether the server would read the first plaintext byte of {@code bytes} as a valid address type. */
    private static boolean decryptsToAddressType(byte[] bytes) {
        if (bytes.length <= METHOD.saltSize()) {
            return false;
        }
        byte[] first = new byte[1];
        StreamCiphers.create(METHOD, StreamCiphers.masterKey(METHOD, PASSWORD), Arrays.copyOf(bytes, METHOD.saltSize()),
                false).processBytes(bytes, METHOD.saltSize(), 1, first, 0);
        return first[0] == 1 || first[0] == 3 || first[0] == 4;
    }

    /** Sends a flight and expects the server's IV and the one echoed byte, decrypting to 7. */
    private static boolean echoes(InetSocketAddress server, byte[] flight) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(server, 5000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(flight);
            byte[] reply = s.getInputStream().readNBytes(METHOD.saltSize() + 1);
            if (reply.length != METHOD.saltSize() + 1) {
                return false;
            }
            byte[] plain = new byte[1];
            StreamCiphers.create(METHOD, StreamCiphers.masterKey(METHOD, PASSWORD),
                    Arrays.copyOf(reply, METHOD.saltSize()), false).processBytes(reply, METHOD.saltSize(), 1, plain, 0);
            return plain[0] == 7;
        }
    }
}
