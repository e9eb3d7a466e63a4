package dev.ssjvm.service.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.service.acl.IpRangeSet;
import dev.ssjvm.service.config.LocalListener;
import dev.ssjvm.service.config.LocalSettings;
import dev.ssjvm.service.config.Mode;
import dev.ssjvm.service.config.PortSettings;
import dev.ssjvm.service.config.ServerEndpoint;
import dev.ssjvm.service.config.ServerSettings;
import dev.ssjvm.service.local.ShadowsocksLocal;
import dev.ssjvm.service.server.ShadowsocksServer;
import dev.ssjvm.service.testing.Await;
import dev.ssjvm.service.testing.ExternalPeer;
import dev.ssjvm.service.testing.LeakCheck;
import dev.ssjvm.service.testing.RecordingRelay;
import dev.ssjvm.service.testing.TestTarget;
import dev.ssjvm.service.testing.UdpEcho;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Outline's connection prefix as a middlebox sees it: a relay between our sslocal and the server
 * records what sslocal sends. Every TCP connection and every UDP packet starts with the prefix, the
 * rest of the salt stays random, and traffic still flows through our ssserver and through libev's
 * ss-server (to which the prefix is just salt bytes).
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ConnectionPrefixTest {
    private static final String PASSWORD = "prefix-interop";
    /** A TLS 1.0 record header, Outline's example of a prefix, with a byte above 0x7F. */
    private static final byte[] PREFIX = {0x16, 0x03, 0x01, 0x00, (byte) 0xa8, 0x01, 0x01};

    @ParameterizedTest
    @EnumSource(names = {"AES_128_GCM", "CHACHA20_IETF_POLY1305"})
    void throughOurServer(CipherKind method) throws Exception {
        try (ShadowsocksServer server = ShadowsocksServer.start(ourServer(method))) {
            InetSocketAddress address = server.tcpAddresses().get(0);
            assertThat(server.udpAddresses().get(0).getPort()).isEqualTo(address.getPort());
            checkThroughRelay(method, address.getPort());
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"AES_256_GCM", "CHACHA20_IETF_POLY1305"})
    void throughLibevServer(CipherKind method) throws Exception {
        int serverPort = ExternalPeer.freePort();
        try (ExternalPeer ssServer = ExternalPeer.start("ss-server", "-u", "-s", "127.0.0.1", "-p", "" + serverPort,
                "-k", PASSWORD, "-m", method.methodName()).awaitTcp(serverPort)) {
            checkThroughRelay(method, serverPort);
        }
    }

    private static void checkThroughRelay(CipherKind method, int serverPort) throws Exception {
        try (TestTarget target = new TestTarget();
                UdpEcho echo = new UdpEcho("E:");
                RecordingRelay relay = new RecordingRelay(new InetSocketAddress("127.0.0.1", serverPort));
                ShadowsocksLocal tcpLocal = ShadowsocksLocal.start(tunnel(method, relay.port(), target.address()));
                ShadowsocksLocal udpLocal = ShadowsocksLocal.start(tunnel(method, relay.port(), echo.address()))) {
            for (int i = 0; i < 3; i++) {
                try (Socket s = TestTarget.echo(new Socket("127.0.0.1", tcpLocal.tcpAddresses().get(0).getPort()))) {
                    TestTarget.roundTrip(s, "through the relay " + i);
                }
            }
            LibevUdpInteropTest.assertUdpEcho(udpLocal.udpAddresses().get(0), "E:");

            Await.until(() -> relay.connectionStarts().size() == 3, "the relay has seen the 3 connections end");
            List<byte[]> connections = relay.connectionStarts();
            assertSaltsStartWithPrefix(method, connections);
            List<byte[]> datagrams = relay.datagramStarts();
            assertThat(datagrams).hasSizeGreaterThanOrEqualTo(10);
            assertSaltsStartWithPrefix(method, datagrams);
        }
    }

    /** Each starts with the prefix; the random rest of the salts differs between them. */
    private static void assertSaltsStartWithPrefix(CipherKind method, List<byte[]> starts) {
        Set<String> rests = new HashSet<>();
        for (byte[] start : starts) {
            assertThat(Arrays.copyOf(start, PREFIX.length)).as("first bytes on the wire").isEqualTo(PREFIX);
            rests.add(Arrays.toString(Arrays.copyOfRange(start, PREFIX.length, method.saltSize())));
        }
        assertThat(rests).as("random part of the salts").hasSize(starts.size());
    }

    @Test
    void aPrefixThatLeavesFewerThanFourRandomBytesIsRefused() {
        byte[] tooLong = new byte[CipherKind.AES_128_GCM.saltSize() - 3];
        InetSocketAddress target = new InetSocketAddress("127.0.0.1", 9);
        assertThatThrownBy(() -> ShadowsocksLocal.start(tunnel(CipherKind.AES_128_GCM, 1, target, tooLong)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("leaves fewer than 4 random bytes")
                .hasMessageContaining("at most 12");
        assertThatThrownBy(() -> ShadowsocksLocal.start(tunnel(CipherKind.BLAKE3_AES_128_GCM, 1, target,
                "AAAAAAAAAAAAAAAAAAAAAA==", new byte[] {1})))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("only for the 2017 AEAD methods");
    }

    @Test
    void theLongestAllowedPrefixWorks() throws Exception {
        byte[] longest = "GET /index.html".getBytes(StandardCharsets.US_ASCII); // 15 bytes
        assertThat(longest).hasSize(CipherKind.AES_128_GCM.saltSize() - 1);
        byte[] fits = Arrays.copyOf(longest, CipherKind.AES_128_GCM.saltSize() - 4);
        try (ShadowsocksServer server = ShadowsocksServer.start(ourServer(CipherKind.AES_128_GCM));
                TestTarget target = new TestTarget();
                RecordingRelay relay = new RecordingRelay(server.tcpAddresses().get(0));
                ShadowsocksLocal local = ShadowsocksLocal.start(
                        tunnel(CipherKind.AES_128_GCM, relay.port(), target.address(), fits))) {
            try (Socket s = TestTarget.echo(new Socket("127.0.0.1", local.tcpAddresses().get(0).getPort()))) {
                TestTarget.roundTrip(s, "longest prefix");
            }
            Await.until(() -> relay.connectionStarts().size() == 1, "the relay has seen the connection end");
            assertThat(Arrays.copyOf(relay.connectionStarts().get(0), fits.length)).isEqualTo(fits);
        }
    }

    private static ServerSettings ourServer(CipherKind method) {
        return ServerSettings.builder()
                .port(PortSettings.of("127.0.0.1", 0, method, PASSWORD))
                .mode(Mode.TCP_AND_UDP)
                .forbidden(IpRangeSet.empty())
                .build();
    }

    private static LocalSettings tunnel(CipherKind method, int serverPort, InetSocketAddress target) {
        return tunnel(method, serverPort, target, PREFIX);
    }

    private static LocalSettings tunnel(CipherKind method, int serverPort, InetSocketAddress target, byte[] prefix) {
        return tunnel(method, serverPort, target, PASSWORD, prefix);
    }

    private static LocalSettings tunnel(CipherKind method, int serverPort, InetSocketAddress target, String password,
            byte[] prefix) {
        return LocalSettings.of(
                List.of(new ServerEndpoint("127.0.0.1", serverPort, method, password).withPrefix(prefix)),
                List.of(LocalListener.tunnel("127.0.0.1", 0, target))).withMode(Mode.TCP_AND_UDP);
    }
}
