package dev.ssjvm.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.service.testing.LeakCheck;
import dev.ssjvm.service.testing.ProxyStack;
import dev.ssjvm.service.testing.Socks;
import dev.ssjvm.service.testing.TestData;
import dev.ssjvm.service.testing.TestTarget;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Our sslocal -> our ssserver -> a plain JDK target, driven by the JDK's SOCKS client, for every SIP004
 * method.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class EndToEndTest {
    private static final long HUNDRED_MB = 100L * 1024 * 1024;

    @ParameterizedTest
    @EnumSource(names = {"AES_128_GCM", "AES_192_GCM", "AES_256_GCM", "CHACHA20_IETF_POLY1305", "XCHACHA20_IETF_POLY1305"})
    void hundredMegabytesEachWayCheckedByHash(CipherKind method) throws Exception {
        try (ProxyStack stack = ProxyStack.start(method, "bulk-" + method)) {
            try (Socket s = Socks.connect(stack.socks(), ProxyStack.TARGET_NAME, stack.target.port())) {
                DataOutputStream out = new DataOutputStream(s.getOutputStream());
                out.writeByte('U');
                out.writeLong(HUNDRED_MB);
                TestData.stream(HUNDRED_MB, out);
                out.flush();
                byte[] digest = s.getInputStream().readNBytes(32);
                assertThat(digest).as("upload hash").isEqualTo(TestData.streamHash(HUNDRED_MB));
            }
            try (Socket s = Socks.connect(stack.socks(), ProxyStack.TARGET_NAME, stack.target.port())) {
                DataOutputStream out = new DataOutputStream(s.getOutputStream());
                out.writeByte('D');
                out.writeLong(HUNDRED_MB);
                out.flush();
                TestData.Digest got = TestData.readAll(s.getInputStream());
                assertThat(got.count()).isEqualTo(HUNDRED_MB);
                assertThat(got.sha256()).as("download hash").isEqualTo(TestData.streamHash(HUNDRED_MB));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"AES_128_GCM", "AES_192_GCM", "AES_256_GCM", "CHACHA20_IETF_POLY1305", "XCHACHA20_IETF_POLY1305"})
    void twoHundredConcurrentConnections(CipherKind method) throws Exception {
        int connections = 200;
        try (ProxyStack stack = ProxyStack.start(method, "many")) {
            ExecutorService pool = Executors.newFixedThreadPool(connections);
            CountDownLatch allOpen = new CountDownLatch(connections);
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                int seed = i;
                results.add(pool.submit(() -> {
                    byte[] payload = new byte[20_000 + seed * 97];
                    new Random(seed).nextBytes(payload);
                    try (Socket s = Socks.connect(stack.socks(), ProxyStack.TARGET_NAME, stack.target.port())) {
                        allOpen.countDown();
                        // every connection is open at the same time before any data moves
                        assertThat(allOpen.await(60, TimeUnit.SECONDS)).isTrue();
                        OutputStream out = s.getOutputStream();
                        out.write('E');
                        out.write(payload);
                        s.shutdownOutput();
                        byte[] echoed = s.getInputStream().readAllBytes();
                        return Arrays.equals(echoed, payload);
                    }
                }));
            }
            for (Future<Boolean> result : results) {
                assertThat(result.get(120, TimeUnit.SECONDS)).isTrue();
            }
            pool.shutdown();
            assertThat(stack.target.accepted()).isEqualTo(connections);
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"AES_256_GCM", "CHACHA20_IETF_POLY1305"})
    void halfCloseTravelsBothWays(CipherKind method) throws Exception {
        try (ProxyStack stack = ProxyStack.start(method, "half")) {
            try (Socket s = Socks.connect(stack.socks(), ProxyStack.TARGET_NAME, stack.target.port())) {
                OutputStream out = s.getOutputStream();
                out.write('E');
                out.write("first half".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                byte[] first = s.getInputStream().readNBytes(10);
                assertThat(new String(first, StandardCharsets.US_ASCII)).isEqualTo("first half");
                out.write(" and the rest".getBytes(StandardCharsets.US_ASCII));
                // our FIN must reach the target, whose FIN (after its echo) must come back
                s.shutdownOutput();
                byte[] rest = s.getInputStream().readAllBytes();
                assertThat(new String(rest, StandardCharsets.US_ASCII)).isEqualTo(" and the rest");
            }
        }
    }

    /**
     * The HTTP/1.0 pattern: the client sends its request and half-closes at once, then a large
     * response flows back through channels whose input has ended and whose writes must wait for the
     * socket (this is what broke under Netty 4.2.18's epoll handler).
     */
    @ParameterizedTest
    @EnumSource(names = {"AES_256_GCM", "CHACHA20_IETF_POLY1305"})
    void largeDownloadAfterTheClientHalfCloses(CipherKind method) throws Exception {
        long size = 20L * 1024 * 1024;
        try (ProxyStack stack = ProxyStack.start(method, "half-then-download")) {
            for (int i = 0; i < 3; i++) {
                try (Socket s = Socks.connect(stack.socks(), ProxyStack.TARGET_NAME, stack.target.port())) {
                    DataOutputStream out = new DataOutputStream(s.getOutputStream());
                    out.writeByte('D');
                    out.writeLong(size);
                    out.flush();
                    s.shutdownOutput();
                    Thread.sleep(100); // let the half-close settle everywhere before the bulk arrives
                    TestData.Digest got = TestData.readAll(s.getInputStream());
                    assertThat(got.count()).isEqualTo(size);
                    assertThat(got.sha256()).isEqualTo(TestData.streamHash(size));
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"AES_128_GCM", "XCHACHA20_IETF_POLY1305"})
    void tunnelForwardsToItsFixedTarget(CipherKind method) throws Exception {
        try (ProxyStack stack = ProxyStack.start(method, "tunnel")) {
            try (Socket s = new Socket()) {
                s.connect(stack.tunnel(), 5000);
                s.setSoTimeout(30_000);
                byte[] payload = new byte[300_000];
                new Random(1).nextBytes(payload);
                OutputStream out = s.getOutputStream();
                out.write('E');
                out.write(payload);
                s.shutdownOutput();
                assertThat(s.getInputStream().readAllBytes()).isEqualTo(payload);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"AES_256_GCM"})
    void targetThatSpeaksFirstIsHeardWithoutTheClientSendingAnything(CipherKind method) throws Exception {
        try (ProxyStack stack = ProxyStack.start(method, "banner");
                TestTarget greeter = new TestTarget(InetAddress.getLoopbackAddress(), true);
                Socket s = Socks.connect(stack.socks(), ProxyStack.TARGET_NAME, greeter.port())) {
            byte[] banner = s.getInputStream().readNBytes(TestTarget.BANNER.length());
            assertThat(new String(banner, StandardCharsets.US_ASCII)).isEqualTo(TestTarget.BANNER);
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"AES_256_GCM", "CHACHA20_IETF_POLY1305"})
    void refusedTargetClosesTheClientConnection(CipherKind method) throws Exception {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        try (ProxyStack stack = ProxyStack.start(method, "refused")) {
            try (Socket s = Socks.connect(stack.socks(), "127.0.0.1", closedPort)) {
                s.getOutputStream().write("hello?".getBytes(StandardCharsets.US_ASCII));
                assertThat(readToEndOrReset(s.getInputStream())).isEmpty();
            }
            assertWorks(stack);
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"AES_256_GCM", "XCHACHA20_IETF_POLY1305"})
    void nameThatDoesNotResolveClosesTheClientConnection(CipherKind method) throws Exception {
        try (ProxyStack stack = ProxyStack.start(method, "nxdomain")) {
            try (Socket s = Socks.connect(stack.socks(), "does-not-exist.test", stack.target.port())) {
                s.getOutputStream().write("hello?".getBytes(StandardCharsets.US_ASCII));
                assertThat(readToEndOrReset(s.getInputStream())).isEmpty();
            }
            assertThat(stack.target.accepted()).isZero();
            assertWorks(stack);
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"AES_256_GCM"})
    void socksUsernamePasswordIsEnforced(CipherKind method) throws Exception {
        try (ProxyStack stack = ProxyStack.start(method, "auth", java.util.Map.of("alice", "wonderland"))) {
            // without credentials the JDK client is refused
            assertThat(tryConnect(stack, null, null)).isFalse();
            assertThat(tryConnect(stack, "alice", "wrong")).isFalse();
            assertThat(tryConnect(stack, "alice", "wonderland")).isTrue();
            assertThat(stack.target.accepted()).isEqualTo(1);
        }
    }

    /** A server on 127.0.0.1 and ::1 at once; a client over IPv6 asks for an IPv6 literal (ATYP 4). */
    @ParameterizedTest
    @EnumSource(names = {"AES_256_GCM", "CHACHA20_IETF_POLY1305"})
    void ipv6ListenersAndIpv6Targets(CipherKind method) throws Exception {
        InetAddress v6 = InetAddress.getByName("::1");
        try (dev.ssjvm.service.testing.TestDns dns = new dev.ssjvm.service.testing.TestDns();
                TestTarget target = new TestTarget(v6, false);
                dev.ssjvm.service.server.ShadowsocksServer server = dev.ssjvm.service.server.ShadowsocksServer.start(
                        ProxyStack.serverSettings(method, "six", dns)
                                .port(dev.ssjvm.service.config.PortSettings.of("::1", 0, method, "six"))
                                .build())) {
            assertThat(server.tcpAddresses()).hasSize(2);
            int v6Port = server.tcpAddresses().get(1).getPort();
            assertThat(server.tcpAddresses().get(1).getAddress()).isEqualTo(v6);
            try (dev.ssjvm.service.local.ShadowsocksLocal local = dev.ssjvm.service.local.ShadowsocksLocal.start(
                    dev.ssjvm.service.config.LocalSettings.of(
                            List.of(new dev.ssjvm.service.config.ServerEndpoint("::1", v6Port, method, "six")),
                            List.of(dev.ssjvm.service.config.LocalListener.socks("::1", 0))))) {
                try (Socket s = new Socket(new java.net.Proxy(java.net.Proxy.Type.SOCKS, local.tcpAddresses().get(0)))) {
                    s.setSoTimeout(20_000);
                    s.connect(new InetSocketAddress(v6, target.port()), 10_000); // resolved: sent as ATYP 4
                    byte[] payload = new byte[100_000];
                    new Random(6).nextBytes(payload);
                    s.getOutputStream().write('E');
                    s.getOutputStream().write(payload);
                    s.shutdownOutput();
                    byte[] back = s.getInputStream().readAllBytes();
                    assertThat(back.length).isEqualTo(payload.length);
                    assertThat(Arrays.equals(back, payload)).isTrue();
                }
            }
            assertThat(target.accepted()).isEqualTo(1);
        }
    }

    /** {@code outbound_bind_addr}: connections to an IPv4 target leave from it (on the AF_INET socket such targets get). */
    @org.junit.jupiter.api.Test
    void outboundBindAddressIsTheSourceOfTargetConnections() throws Exception {
        CipherKind method = CipherKind.AES_256_GCM;
        try (ServerSocket target = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
                dev.ssjvm.service.testing.TestDns dns = new dev.ssjvm.service.testing.TestDns();
                dev.ssjvm.service.server.ShadowsocksServer server = dev.ssjvm.service.server.ShadowsocksServer.start(
                        ProxyStack.serverSettings(method, "bind", dns).outboundBindAddress("127.0.0.2").build());
                dev.ssjvm.service.local.ShadowsocksLocal local = dev.ssjvm.service.local.ShadowsocksLocal.start(
                        dev.ssjvm.service.config.LocalSettings.of(
                                List.of(new dev.ssjvm.service.config.ServerEndpoint("127.0.0.1",
                                        server.tcpAddresses().get(0).getPort(), method, "bind")),
                                List.of(dev.ssjvm.service.config.LocalListener.socks("127.0.0.1", 0))))) {
            target.setSoTimeout(20_000);
            try (Socket s = new Socket(new java.net.Proxy(java.net.Proxy.Type.SOCKS, local.tcpAddresses().get(0)))) {
                s.setSoTimeout(20_000);
                s.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), target.getLocalPort()), 10_000);
                s.getOutputStream().write('?');
                try (Socket accepted = target.accept()) {
                    assertThat(accepted.getInputStream().read()).isEqualTo('?');
                    assertThat(accepted.getInetAddress()).isEqualTo(InetAddress.getByName("127.0.0.2"));
                    accepted.getOutputStream().write('!');
                    assertThat(s.getInputStream().read()).isEqualTo('!');
                }
            }
        }
    }

    private static boolean tryConnect(ProxyStack stack, String user, String password) throws IOException {
        java.net.Authenticator previous = java.net.Authenticator.getDefault();
        java.net.Authenticator.setDefault(user == null ? null : new java.net.Authenticator() {
            @Override
            protected java.net.PasswordAuthentication getPasswordAuthentication() {
                return new java.net.PasswordAuthentication(user, password.toCharArray());
            }
        });
        try (Socket s = Socks.connect(stack.socks(), ProxyStack.TARGET_NAME, stack.target.port())) {
            s.getOutputStream().write('E');
            s.getOutputStream().write(7);
            return s.getInputStream().read() == 7;
        } catch (SocketException e) {
            return false;
        } finally {
            java.net.Authenticator.setDefault(previous);
        }
    }

    static void assertWorks(ProxyStack stack) throws IOException {
        try (Socket s = Socks.connect(stack.socks(), ProxyStack.TARGET_NAME, stack.target.port())) {
            s.getOutputStream().write(new byte[] {'E', 42});
            assertThat(s.getInputStream().read()).isEqualTo(42);
        }
    }

    /** Reads until the proxy closes; a reset counts as a close. */
    static byte[] readToEndOrReset(InputStream in) throws IOException {
        try {
            return in.readAllBytes();
        } catch (SocketException e) {
            return new byte[0];
        }
    }

    /** Reads until the proxy closes or stays silent for the socket's timeout; a reset counts as a close. */
    static byte[] readToEndOrTimeout(InputStream in) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try {
            int b;
            while ((b = in.read()) >= 0) {
                out.write(b);
            }
        } catch (java.net.SocketTimeoutException | SocketException e) {
            // silence or reset: whatever came so far is the answer
        }
        return out.toByteArray();
    }

    static InetSocketAddress loopback(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }
}
