package dev.ssjvm.service.interop;

import dev.ssjvm.service.config.PortSettings;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.service.acl.IpRangeSet;
import dev.ssjvm.service.config.LocalListener;
import dev.ssjvm.service.config.LocalSettings;
import dev.ssjvm.service.config.Mode;
import dev.ssjvm.service.config.ServerEndpoint;
import dev.ssjvm.service.config.ServerSettings;
import dev.ssjvm.service.local.ShadowsocksLocal;
import dev.ssjvm.service.server.ShadowsocksServer;
import dev.ssjvm.service.testing.ExternalPeer;
import dev.ssjvm.service.testing.LeakCheck;
import dev.ssjvm.service.testing.UdpEcho;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * UDP interop with shadowsocks-libev 3.3.5 from Debian in both directions, and a real DNS query
 * ({@code dig}) through our UDP tunnel to a private {@code dnsmasq}.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LibevUdpInteropTest {
    private static final String PASSWORD = "udp-interop";

    /** libev ss-tunnel -u -> our ssserver -> UDP echo. */
    @ParameterizedTest
    @EnumSource(names = {"AES_128_GCM", "AES_192_GCM", "AES_256_GCM", "CHACHA20_IETF_POLY1305", "XCHACHA20_IETF_POLY1305"})
    void libevTunnelToOurServer(CipherKind method) throws Exception {
        try (UdpEcho echo = new UdpEcho("E:"); ShadowsocksServer server = ShadowsocksServer.start(ourServer(method))) {
            int serverPort = server.udpAddresses().get(0).getPort();
            int tunnelPort = ExternalPeer.freePort();
            try (ExternalPeer tunnel = ExternalPeer.start("ss-tunnel", "-u", "-s", "127.0.0.1", "-p", "" + serverPort,
                    "-b", "127.0.0.1", "-l", "" + tunnelPort, "-k", PASSWORD, "-m", method.methodName(),
                    "-L", "127.0.0.1:" + echo.port()).awaitTcp(tunnelPort)) {
                assertUdpEcho(new InetSocketAddress("127.0.0.1", tunnelPort), "E:");
            }
        }
    }

    /** our sslocal -u -L -> libev ss-server -u -> UDP echo. */
    @ParameterizedTest
    @EnumSource(names = {"AES_128_GCM", "AES_192_GCM", "AES_256_GCM", "CHACHA20_IETF_POLY1305", "XCHACHA20_IETF_POLY1305"})
    void ourTunnelToLibevServer(CipherKind method) throws Exception {
        int serverPort = ExternalPeer.freePort();
        try (UdpEcho echo = new UdpEcho("E:");
                ExternalPeer ssServer = ExternalPeer.start("ss-server", "-u", "-s", "127.0.0.1", "-p", "" + serverPort,
                        "-k", PASSWORD, "-m", method.methodName()).awaitTcp(serverPort);
                ShadowsocksLocal local = ShadowsocksLocal.start(ourTunnel(serverPort, method, echo.address()))) {
            assertUdpEcho(local.udpAddresses().get(0), "E:");
        }
    }

    /** dig -> our UDP tunnel -> our ssserver -> dnsmasq, and the same through libev's ss-server. */
    @Test
    void realDnsQueryThroughOurUdpTunnel() throws Exception {
        int dnsPort = ExternalPeer.freePort();
        try (ExternalPeer dnsmasq = ExternalPeer.start("dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null",
                "--no-resolv", "--no-hosts", "--user=root", "--pid-file=", "--bind-interfaces",
                "--listen-address=127.0.0.1", "--port=" + dnsPort, "--address=/interop.test/10.20.30.40")
                .awaitTcp(dnsPort)) {
            InetSocketAddress dns = new InetSocketAddress("127.0.0.1", dnsPort);
            try (ShadowsocksServer server = ShadowsocksServer.start(ourServer(CipherKind.CHACHA20_IETF_POLY1305));
                    ShadowsocksLocal local = ShadowsocksLocal.start(
                            ourTunnel(server.udpAddresses().get(0).getPort(), CipherKind.CHACHA20_IETF_POLY1305, dns))) {
                assertThat(dig(local.udpAddresses().get(0).getPort())).isEqualTo("10.20.30.40");
            }
            int libevPort = ExternalPeer.freePort();
            try (ExternalPeer ssServer = ExternalPeer.start("ss-server", "-u", "-s", "127.0.0.1", "-p", "" + libevPort,
                    "-k", PASSWORD, "-m", "aes-256-gcm").awaitTcp(libevPort);
                    ShadowsocksLocal local = ShadowsocksLocal.start(ourTunnel(libevPort, CipherKind.AES_256_GCM, dns))) {
                assertThat(dig(local.udpAddresses().get(0).getPort())).isEqualTo("10.20.30.40");
            }
        }
    }

    private static String dig(int port) throws Exception {
        ExternalPeer.Result result = ExternalPeer.run(30, "dig", "@127.0.0.1", "-p", "" + port, "+short", "+tries=3",
                "+time=2", "interop.test", "A");
        assertThat(result.exitCode()).as("dig: %s", result.stderr()).isZero();
        return new String(result.stdout(), StandardCharsets.US_ASCII).trim();
    }

    static ServerSettings ourServer(CipherKind method) {
        return ServerSettings.builder()
                .port(PortSettings.of("127.0.0.1", 0, method, PASSWORD))
                .mode(Mode.TCP_AND_UDP)
                .forbidden(IpRangeSet.empty())
                .build();
    }

    static LocalSettings ourTunnel(int serverPort, CipherKind method, InetSocketAddress target) {
        return LocalSettings.of(List.of(new ServerEndpoint("127.0.0.1", serverPort, method, PASSWORD)),
                List.of(LocalListener.tunnel("127.0.0.1", 0, target))).withMode(Mode.TCP_AND_UDP);
    }

    /** Sends datagrams to a UDP tunnel and expects each echoed; retries a lost first packet. */
    static void assertUdpEcho(InetSocketAddress tunnel, String tag) throws Exception {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            socket.setSoTimeout(2000);
            for (int i = 0; i < 10; i++) {
                byte[] data = ("ping " + i).getBytes(StandardCharsets.US_ASCII);
                String reply = null;
                for (int attempt = 0; attempt < 3 && reply == null; attempt++) {
                    socket.send(new DatagramPacket(data, data.length, tunnel));
                    DatagramPacket in = new DatagramPacket(new byte[2048], 2048);
                    try {
                        socket.receive(in);
                        reply = new String(in.getData(), 0, in.getLength(), StandardCharsets.US_ASCII);
                    } catch (SocketTimeoutException lost) {
                        // UDP: a peer still starting may drop the very first datagram
                    }
                }
                assertThat(reply).isEqualTo(tag + "ping " + i);
            }
        }
    }
}
