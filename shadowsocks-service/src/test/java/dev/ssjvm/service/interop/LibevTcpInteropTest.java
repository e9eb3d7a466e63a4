package dev.ssjvm.service.interop;

import dev.ssjvm.service.config.PortSettings;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.service.acl.IpRangeSet;
import dev.ssjvm.service.config.LocalListener;
import dev.ssjvm.service.config.LocalSettings;
import dev.ssjvm.service.config.ServerEndpoint;
import dev.ssjvm.service.config.ServerSettings;
import dev.ssjvm.service.local.ShadowsocksLocal;
import dev.ssjvm.service.server.ShadowsocksServer;
import dev.ssjvm.service.testing.ExternalPeer;
import dev.ssjvm.service.testing.HttpTarget;
import dev.ssjvm.service.testing.LeakCheck;
import dev.ssjvm.service.testing.TestData;
import dev.ssjvm.service.testing.TestDns;
import dev.ssjvm.service.testing.TestTarget;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * TCP interop with shadowsocks-libev 3.3.5 from Debian, both directions, for every AEAD method both
 * implement, driven by curl. Our side runs in process; theirs are real ss-local, ss-server and
 * ss-tunnel processes on loopback.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LibevTcpInteropTest {
    private static final String PASSWORD = "interop-p4ss";
    private static final long BODY = 3_000_000;

    /** libev ss-local -> our ssserver, then curl through ss-local: download and upload by hash. */
    @ParameterizedTest
    @EnumSource(names = {"AES_128_GCM", "AES_192_GCM", "AES_256_GCM", "CHACHA20_IETF_POLY1305", "XCHACHA20_IETF_POLY1305"})
    void libevLocalToOurServer(CipherKind method) throws Exception {
        try (TestDns dns = new TestDns().add("target.test", InetAddress.getLoopbackAddress());
                HttpTarget http = new HttpTarget();
                ShadowsocksServer server = ShadowsocksServer.start(ourServer(method, dns))) {
            int serverPort = server.tcpAddresses().get(0).getPort();
            int socksPort = ExternalPeer.freePort();
            try (ExternalPeer ssLocal = ExternalPeer.start("ss-local", "-s", "127.0.0.1", "-p", "" + serverPort,
                    "-b", "127.0.0.1", "-l", "" + socksPort, "-k", PASSWORD, "-m", method.methodName())
                    .awaitTcp(socksPort)) {
                assertCurlDownloadAndUpload(socksPort, "target.test", http);
            }
        }
    }

    /** our sslocal -> libev ss-server, then curl through our SOCKS5 port. */
    @ParameterizedTest
    @EnumSource(names = {"AES_128_GCM", "AES_192_GCM", "AES_256_GCM", "CHACHA20_IETF_POLY1305", "XCHACHA20_IETF_POLY1305"})
    void ourLocalToLibevServer(CipherKind method) throws Exception {
        int serverPort = ExternalPeer.freePort();
        try (HttpTarget http = new HttpTarget();
                ExternalPeer ssServer = ExternalPeer.start("ss-server", "-s", "127.0.0.1", "-p", "" + serverPort,
                        "-k", PASSWORD, "-m", method.methodName()).awaitTcp(serverPort);
                ShadowsocksLocal local = ShadowsocksLocal.start(LocalSettings.of(
                        List.of(new ServerEndpoint("127.0.0.1", serverPort, method, PASSWORD)),
                        List.of(LocalListener.socks("127.0.0.1", 0))))) {
            assertCurlDownloadAndUpload(local.tcpAddresses().get(0).getPort(), "127.0.0.1", http);
            assertCurlDownloadAndUpload(local.tcpAddresses().get(0).getPort(), "localhost", http);
        }
    }

    /** libev ss-tunnel (its client side) -> our ssserver -> echo target. */
    @ParameterizedTest
    @EnumSource(names = {"AES_256_GCM", "CHACHA20_IETF_POLY1305", "XCHACHA20_IETF_POLY1305"})
    void libevTunnelToOurServer(CipherKind method) throws Exception {
        try (TestDns dns = new TestDns().add("target.test", InetAddress.getLoopbackAddress());
                TestTarget target = new TestTarget();
                ShadowsocksServer server = ShadowsocksServer.start(ourServer(method, dns))) {
            int serverPort = server.tcpAddresses().get(0).getPort();
            int tunnelPort = ExternalPeer.freePort();
            try (ExternalPeer tunnel = ExternalPeer.start("ss-tunnel", "-s", "127.0.0.1", "-p", "" + serverPort,
                    "-b", "127.0.0.1", "-l", "" + tunnelPort, "-k", PASSWORD, "-m", method.methodName(),
                    "-L", "target.test:" + target.port()).awaitTcp(tunnelPort)) {
                assertEchoes(new InetSocketAddress("127.0.0.1", tunnelPort));
            }
        }
    }

    /** our sslocal in tunnel mode (-L) -> libev ss-server -> echo target. */
    @ParameterizedTest
    @EnumSource(names = {"AES_128_GCM", "AES_256_GCM", "CHACHA20_IETF_POLY1305"})
    void ourTunnelToLibevServer(CipherKind method) throws Exception {
        int serverPort = ExternalPeer.freePort();
        try (TestTarget target = new TestTarget();
                ExternalPeer ssServer = ExternalPeer.start("ss-server", "-s", "127.0.0.1", "-p", "" + serverPort,
                        "-k", PASSWORD, "-m", method.methodName()).awaitTcp(serverPort);
                ShadowsocksLocal local = ShadowsocksLocal.start(LocalSettings.of(
                        List.of(new ServerEndpoint("127.0.0.1", serverPort, method, PASSWORD)),
                        List.of(LocalListener.tunnel("127.0.0.1", 0, target.address()))))) {
            assertEchoes(local.tcpAddresses().get(0));
        }
    }

    /**
     * ss-tunnel drops the whole connection when its client half-closes, often in the middle of a
     * chunk. Our server must treat that as a truncated stream, free everything and keep no
     * connection open (the leak check of this class covers the buffers).
     */
    @Test
    void libevTearingDownOnHalfCloseLeavesNothingBehind() throws Exception {
        try (TestDns dns = new TestDns().add("target.test", InetAddress.getLoopbackAddress());
                TestTarget target = new TestTarget();
                ShadowsocksServer server = ShadowsocksServer.start(ourServer(CipherKind.AES_256_GCM, dns))) {
            int serverPort = server.tcpAddresses().get(0).getPort();
            int tunnelPort = ExternalPeer.freePort();
            try (ExternalPeer tunnel = ExternalPeer.start("ss-tunnel", "-s", "127.0.0.1", "-p", "" + serverPort,
                    "-b", "127.0.0.1", "-l", "" + tunnelPort, "-k", PASSWORD, "-m", "aes-256-gcm",
                    "-L", "target.test:" + target.port()).awaitTcp(tunnelPort)) {
                byte[] payload = new byte[1_000_000];
                for (int i = 0; i < 5; i++) {
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress("127.0.0.1", tunnelPort), 5000);
                        s.setSoTimeout(30_000);
                        s.getOutputStream().write('E');
                        s.getOutputStream().write(payload);
                        s.shutdownOutput();
                        try {
                            s.getInputStream().readAllBytes();
                        } catch (java.net.SocketException reset) {
                            // libev may reset; either way the connection is over
                        }
                    }
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (server.openConnections() > 0 && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertThat(server.openConnections()).as("server connections still open").isZero();
            }
        }
    }

    /** A libev client with the wrong password gets nowhere, and the target never hears of it. */
    @Test
    void libevClientWithWrongPasswordReachesNothing() throws Exception {
        try (TestDns dns = new TestDns().add("target.test", InetAddress.getLoopbackAddress());
                HttpTarget http = new HttpTarget();
                ShadowsocksServer server = ShadowsocksServer.start(ourServer(CipherKind.AES_256_GCM, dns))) {
            int serverPort = server.tcpAddresses().get(0).getPort();
            int socksPort = ExternalPeer.freePort();
            try (ExternalPeer ssLocal = ExternalPeer.start("ss-local", "-s", "127.0.0.1", "-p", "" + serverPort,
                    "-b", "127.0.0.1", "-l", "" + socksPort, "-k", "wrong-password", "-m", "aes-256-gcm")
                    .awaitTcp(socksPort)) {
                ExternalPeer.Result result = ExternalPeer.run(30, "curl", "-sS", "--max-time", "4",
                        "--socks5-hostname", "127.0.0.1:" + socksPort, "http://target.test:" + http.port() + "/bytes/10");
                assertThat(result.exitCode()).isNotZero();
                assertThat(http.requests()).isZero();
            }
        }
    }

    static ServerSettings ourServer(CipherKind method, TestDns dns) {
        return ServerSettings.builder()
                .port(PortSettings.of("127.0.0.1", 0, method, PASSWORD))
                .forbidden(IpRangeSet.empty())
                .nameServers(List.of(dns.address()))
                .build();
    }

    static void assertCurlDownloadAndUpload(int socksPort, String host, HttpTarget http) throws Exception {
        String proxy = "127.0.0.1:" + socksPort;
        ExternalPeer.Result get = ExternalPeer.run(60, "curl", "-sS", "--max-time", "30", "--socks5-hostname", proxy,
                "http://" + host + ":" + http.port() + "/bytes/" + BODY);
        assertThat(get.exitCode()).as("curl: %s", get.stderr()).isZero();
        assertThat(get.stdout()).hasSize((int) BODY);
        assertThat(TestData.sha256().digest(get.stdout())).isEqualTo(TestData.streamHash(BODY));

        byte[] upload = new byte[2_000_000];
        new Random(11).nextBytes(upload);
        Path file = Files.createTempFile("upload", ".bin");
        try {
            Files.write(file, upload);
            ExternalPeer.Result post = ExternalPeer.run(60, "curl", "-sS", "--max-time", "30", "--socks5-hostname", proxy,
                    "--data-binary", "@" + file, "http://" + host + ":" + http.port() + "/sha256");
            assertThat(post.exitCode()).as("curl: %s", post.stderr()).isZero();
            assertThat(new String(post.stdout())).isEqualTo(HexFormat.of().formatHex(TestData.sha256().digest(upload)));
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * Echo through a tunnel. shadowsocks-libev does not relay half-close (a FIN tears the whole
     * connection down), so this reads the expected length instead of waiting for end of stream.
     */
    static void assertEchoes(InetSocketAddress tunnel) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(tunnel, 5000);
            s.setSoTimeout(30_000);
            TestTarget.assertEchoes(s, 1_000_000, 3);
        }
    }
}
