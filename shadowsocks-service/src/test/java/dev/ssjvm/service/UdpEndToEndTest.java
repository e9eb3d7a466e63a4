package dev.ssjvm.service;

import dev.ssjvm.service.config.PortSettings;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.service.config.LocalListener;
import dev.ssjvm.service.config.LocalSettings;
import dev.ssjvm.service.config.Mode;
import dev.ssjvm.service.config.ServerEndpoint;
import dev.ssjvm.service.local.ShadowsocksLocal;
import dev.ssjvm.service.server.ShadowsocksServer;
import dev.ssjvm.service.testing.LeakCheck;
import dev.ssjvm.service.testing.ProxyStack;
import dev.ssjvm.service.testing.Sip004Writer;
import dev.ssjvm.service.testing.SocksUdpClient;
import dev.ssjvm.service.testing.TestDns;
import dev.ssjvm.service.testing.UdpEcho;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** UDP through our sslocal (SOCKS5 UDP ASSOCIATE and UDP tunnel) and our ssserver, to UDP echo targets. */
@ExtendWith(LeakCheck.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class UdpEndToEndTest {

    private static ProxyStack udpStack(CipherKind method, Duration udpTimeout, InetSocketAddress tunnelTarget)
            throws Exception {
        return ProxyStack.start(method, "udp-" + method, Map.of(), Mode.TCP_AND_UDP, udpTimeout, tunnelTarget);
    }

    @ParameterizedTest
    @EnumSource(names = {"AES_128_GCM", "AES_192_GCM", "AES_256_GCM", "CHACHA20_IETF_POLY1305", "XCHACHA20_IETF_POLY1305"})
    void socksUdpEchoForEveryMethod(CipherKind method) throws Exception {
        try (UdpEcho echo = new UdpEcho("A:");
                ProxyStack stack = udpStack(method, Duration.ofSeconds(60), null);
                SocksUdpClient client = new SocksUdpClient(stack.socks())) {
            for (int i = 0; i < 20; i++) {
                byte[] data = ("datagram " + i).getBytes(StandardCharsets.US_ASCII);
                client.send(echo.address(), data);
                assertEcho(client.receive(5000), echo.address(), "A:", data);
            }
            // a domain target, resolved by the server
            client.send(InetSocketAddress.createUnresolved(ProxyStack.TARGET_NAME, echo.port()), new byte[] {7});
            SocksUdpClient.Reply reply = client.receive(5000);
            assertThat(reply).isNotNull();
            assertThat(reply.data()).containsExactly('A', ':', 7);
        }
    }

    @Test
    void repliesFromASecondTargetComeBackOnTheSameAssociation() throws Exception {
        try (UdpEcho a = new UdpEcho("A:"); UdpEcho b = new UdpEcho("B:");
                ProxyStack stack = udpStack(CipherKind.AES_256_GCM, Duration.ofSeconds(60), null);
                SocksUdpClient client = new SocksUdpClient(stack.socks())) {
            client.send(a.address(), new byte[] {1});
            client.send(b.address(), new byte[] {2});
            List<SocksUdpClient.Reply> replies = List.of(client.receive(5000), client.receive(5000));
            assertThat(replies).extracting(SocksUdpClient.Reply::source)
                    .containsExactlyInAnyOrder(a.address(), b.address());
            for (SocksUdpClient.Reply r : replies) {
                String expected = r.source().equals(a.address()) ? "A:\u0001" : "B:\u0002";
                assertThat(new String(r.data(), StandardCharsets.ISO_8859_1)).isEqualTo(expected);
            }
            assertThat(stack.server.udpAssociations()).isEqualTo(1);
        }
    }

    @Test
    void manyAssociationsAtOnce() throws Exception {
        int clients = 40;
        try (UdpEcho echo = new UdpEcho("E:");
                ProxyStack stack = udpStack(CipherKind.CHACHA20_IETF_POLY1305, Duration.ofSeconds(60), null)) {
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            List<Future<Integer>> results = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int id = c;
                results.add(pool.submit(() -> {
                    int ok = 0;
                    try (SocksUdpClient client = new SocksUdpClient(stack.socks())) {
                        for (int i = 0; i < 25; i++) {
                            byte[] data = ("client " + id + " packet " + i).getBytes(StandardCharsets.US_ASCII);
                            client.send(echo.address(), data);
                            SocksUdpClient.Reply r = client.receive(5000);
                            if (r != null && Arrays.equals(r.data(), concat("E:".getBytes(), data))) {
                                ok++;
                            }
                        }
                        if (id == 0) {
                            awaitValue(() -> stack.server.udpAssociations(), clients);
                        }
                    }
                    return ok;
                }));
            }
            int total = 0;
            for (Future<Integer> r : results) {
                total += r.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();
            // UDP may drop under load, but on loopback with one packet in flight per client it must not
            assertThat(total).isEqualTo(clients * 25);
        }
    }

    @Test
    void idleAssociationsExpireAndTakeTheControlConnectionWithThem() throws Exception {
        try (UdpEcho echo = new UdpEcho("A:");
                ProxyStack stack = udpStack(CipherKind.AES_128_GCM, Duration.ofSeconds(1), null);
                SocksUdpClient client = new SocksUdpClient(stack.socks())) {
            client.send(echo.address(), new byte[] {1});
            assertThat(client.receive(5000)).isNotNull();
            assertThat(stack.server.udpAssociations()).isEqualTo(1);
            awaitValue(() -> stack.server.udpAssociations(), 0);
            assertThat(client.controlClosed(10_000)).as("control connection closed with the association").isTrue();
        }
    }

    @Test
    void closingTheControlConnectionEndsTheAssociation() throws Exception {
        try (UdpEcho echo = new UdpEcho("A:");
                ProxyStack stack = udpStack(CipherKind.AES_256_GCM, Duration.ofSeconds(60), null);
                SocksUdpClient client = new SocksUdpClient(stack.socks())) {
            client.send(echo.address(), new byte[] {1});
            assertThat(client.receive(5000)).isNotNull();
            client.closeControl();
            Thread.sleep(300);
            int before = echo.received();
            client.send(echo.address(), new byte[] {2});
            assertThat(client.receive(1000)).isNull();
            assertThat(echo.received()).isEqualTo(before);
        }
    }

    @Test
    void fragmentsAndMalformedSocksHeadersAreDropped() throws Exception {
        try (UdpEcho echo = new UdpEcho("A:");
                ProxyStack stack = udpStack(CipherKind.AES_256_GCM, Duration.ofSeconds(60), null);
                SocksUdpClient client = new SocksUdpClient(stack.socks())) {
            client.send(echo.address(), new byte[] {1}, 1);
            client.sendRaw(new byte[] {0, 0});
            client.sendRaw(new byte[] {0, 0, 0, 9, 1, 2, 3, 4, 0, 1});
            client.sendRaw(new byte[] {0, 0, 0, 3, 50, 'a'});
            assertThat(client.receive(500)).isNull();
            assertThat(echo.received()).isZero();
            client.send(echo.address(), new byte[] {2});
            assertThat(client.receive(5000)).isNotNull();
        }
    }

    @Test
    void datagramsUpToTheLoopbackLimitArriveWhole() throws Exception {
        try (UdpEcho echo = new UdpEcho("A:");
                ProxyStack stack = udpStack(CipherKind.XCHACHA20_IETF_POLY1305, Duration.ofSeconds(60), null);
                SocksUdpClient client = new SocksUdpClient(stack.socks())) {
            for (int size : new int[] {1, 1472, 9000, 30_000, 65_000}) {
                byte[] data = new byte[size];
                new Random(size).nextBytes(data);
                client.send(echo.address(), data);
                SocksUdpClient.Reply r = client.receive(5000);
                assertThat(r).as("reply to %d bytes", size).isNotNull();
                assertThat(r.data().length).isEqualTo(size + 2);
                assertThat(Arrays.equals(r.data(), concat("A:".getBytes(), data))).isTrue();
            }
        }
    }

    @Test
    void udpTunnelForwardsToItsFixedTarget() throws Exception {
        try (UdpEcho echo = new UdpEcho("T:");
                ProxyStack stack = udpStack(CipherKind.AES_256_GCM, Duration.ofSeconds(60), echo.address());
                DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            socket.setSoTimeout(5000);
            for (int i = 0; i < 10; i++) {
                byte[] data = ("query " + i).getBytes(StandardCharsets.US_ASCII);
                socket.send(new DatagramPacket(data, data.length, stack.udpTunnel()));
                DatagramPacket reply = new DatagramPacket(new byte[65536], 65536);
                socket.receive(reply);
                assertThat(new String(reply.getData(), 0, reply.getLength(), StandardCharsets.US_ASCII))
                        .isEqualTo("T:query " + i);
            }
        }
    }

    @Test
    void ipv6EndToEnd() throws Exception {
        InetAddress v6 = InetAddress.getByName("::1");
        try (TestDns dns = new TestDns(); UdpEcho echo = new UdpEcho(v6, "6:");
                ShadowsocksServer server = ShadowsocksServer.start(ProxyStack.serverSettings(CipherKind.AES_256_GCM, "six", dns)
                        .ports(List.of(PortSettings.of("::1", 0, CipherKind.AES_256_GCM, "six")))
                        .mode(Mode.TCP_AND_UDP).build());
                ShadowsocksLocal local = ShadowsocksLocal.start(LocalSettings.of(
                        List.of(new ServerEndpoint("::1", server.udpAddresses().get(0).getPort(), CipherKind.AES_256_GCM, "six")),
                        List.of(LocalListener.socks("::1", 0))).withMode(Mode.TCP_AND_UDP));
                SocksUdpClient client = new SocksUdpClient(local.tcpAddresses().get(0))) {
            assertThat(client.relay().getAddress()).isEqualTo(v6);
            client.send(echo.address(), new byte[] {6, 6});
            assertEcho(client.receive(5000), echo.address(), "6:", new byte[] {6, 6});
        }
    }

    @Test
    void junkAndTruncatedPacketsAreDroppedWhileGoodClientsAreServed() throws Exception {
        try (UdpEcho echo = new UdpEcho("A:");
                ProxyStack stack = udpStack(CipherKind.AES_256_GCM, Duration.ofSeconds(60), null);
                SocksUdpClient client = new SocksUdpClient(stack.socks());
                DatagramSocket attacker = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            InetSocketAddress serverUdp = stack.server.udpAddresses().get(0);
            Random random = new Random(9);
            int junkSent = 0;
            byte[] good = new Sip004Writer(CipherKind.AES_256_GCM, "udp-" + CipherKind.AES_256_GCM).bytes();
            for (int round = 0; round < 200; round++) {
                byte[] junk = new byte[random.nextInt(2000)];
                random.nextBytes(junk);
                attacker.send(new DatagramPacket(junk, junk.length, serverUdp));
                junkSent++;
                byte[] wrongKey = sealedPacket("wrong password", echo.address(), new byte[] {1});
                attacker.send(new DatagramPacket(wrongKey, wrongKey.length, serverUdp));
                junkSent++;
                byte[] right = sealedPacket("udp-" + CipherKind.AES_256_GCM, echo.address(), new byte[] {1});
                byte[] truncated = Arrays.copyOf(right, right.length - 1 - random.nextInt(right.length - 1));
                attacker.send(new DatagramPacket(truncated, truncated.length, serverUdp));
                junkSent++;
                if (round % 20 == 0) {
                    client.send(echo.address(), new byte[] {(byte) round});
                    assertThat(client.receive(5000)).as("good client during the flood").isNotNull();
                }
            }
            assertThat(good).isNotEmpty();
            int expectedDrops = junkSent;
            awaitValue(() -> (int) stack.server.udpDroppedPackets(), expectedDrops);
            assertThat(echo.received()).as("only the good client's packets reach the target").isEqualTo(10);
            assertThat(stack.server.udpAssociations()).as("junk creates no associations").isEqualTo(1);
        }
    }

    /** A SIP004 UDP packet built by hand from the spec (salt, then the sealed address and payload). */
    private static byte[] sealedPacket(String password, InetSocketAddress target, byte[] payload) {
        CipherKind kind = CipherKind.AES_256_GCM;
        byte[] salt = new byte[kind.saltSize()];
        new Random().nextBytes(salt);
        byte[] key = dev.ssjvm.crypto.Kdf.sessionSubkey(dev.ssjvm.crypto.Kdf.evpBytesToKey(password, kind.keySize()), salt);
        byte[] address = dev.ssjvm.core.address.SocksAddressCodec.encode(target);
        byte[] sealed = dev.ssjvm.crypto.AeadFactory.automatic().create(kind.aead(), key)
                .seal(new byte[kind.nonceSize()], concat(address, payload));
        return concat(salt, sealed);
    }

    private static void assertEcho(SocksUdpClient.Reply reply, InetSocketAddress from, String tag, byte[] data) {
        assertThat(reply).as("a reply").isNotNull();
        assertThat(reply.source()).isEqualTo(from);
        assertThat(Arrays.equals(reply.data(), concat(tag.getBytes(StandardCharsets.US_ASCII), data))).isTrue();
    }

    static void awaitValue(IntSupplier value, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (value.getAsInt() != expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(value.getAsInt()).isEqualTo(expected);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
