package dev.ssjvm.service.interop;

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
import dev.ssjvm.service.testing.ExternalPeer;
import dev.ssjvm.service.testing.HttpTarget;
import dev.ssjvm.service.testing.LeakCheck;
import dev.ssjvm.service.testing.TestDns;
import dev.ssjvm.service.testing.UdpEcho;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The legacy stream ciphers against shadowsocks-libev 3.3.5 from Debian, every one it has (its
 * {@code ss-server -h} list), both directions, TCP (curl download and upload, hash-checked) and UDP
 * (ss-tunnel -u and our tunnel, echoed datagrams).
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LibevStreamInteropTest {
    private static final String PASSWORD = "legacy-interop";

    /** libev ss-local -> our ssserver, curl through ss-local. */
    @ParameterizedTest
    @EnumSource(names = {"RC4_MD5", "AES_128_CFB", "AES_192_CFB", "AES_256_CFB", "AES_128_CTR", "AES_192_CTR",
        "AES_256_CTR", "CAMELLIA_128_CFB", "CAMELLIA_192_CFB", "CAMELLIA_256_CFB", "BF_CFB", "SALSA20", "CHACHA20",
        "CHACHA20_IETF"})
    void libevLocalToOurServer(CipherKind method) throws Exception {
        try (TestDns dns = new TestDns().add("target.test", InetAddress.getLoopbackAddress());
                HttpTarget http = new HttpTarget();
                ShadowsocksServer server = ShadowsocksServer.start(ourServer(method, List.of(dns.address())))) {
            int serverPort = server.tcpAddresses().get(0).getPort();
            int socksPort = ExternalPeer.freePort();
            try (ExternalPeer ssLocal = ExternalPeer.start("ss-local", "-s", "127.0.0.1", "-p", "" + serverPort,
                    "-b", "127.0.0.1", "-l", "" + socksPort, "-k", PASSWORD, "-m", method.methodName())
                    .awaitTcp(socksPort)) {
                LibevTcpInteropTest.assertCurlDownloadAndUpload(socksPort, "target.test", http);
            }
        }
    }

    /** our sslocal -> libev ss-server, curl through our SOCKS5 port. */
    @ParameterizedTest
    @EnumSource(names = {"RC4_MD5", "AES_128_CFB", "AES_192_CFB", "AES_256_CFB", "AES_128_CTR", "AES_192_CTR",
        "AES_256_CTR", "CAMELLIA_128_CFB", "CAMELLIA_192_CFB", "CAMELLIA_256_CFB", "BF_CFB", "SALSA20", "CHACHA20",
        "CHACHA20_IETF"})
    void ourLocalToLibevServer(CipherKind method) throws Exception {
        int serverPort = ExternalPeer.freePort();
        try (HttpTarget http = new HttpTarget();
                ExternalPeer ssServer = ExternalPeer.start("ss-server", "-s", "127.0.0.1", "-p", "" + serverPort,
                        "-k", PASSWORD, "-m", method.methodName()).awaitTcp(serverPort);
                ShadowsocksLocal local = ShadowsocksLocal.start(LocalSettings.of(
                        List.of(new ServerEndpoint("127.0.0.1", serverPort, method, PASSWORD)),
                        List.of(LocalListener.socks("127.0.0.1", 0))))) {
            LibevTcpInteropTest.assertCurlDownloadAndUpload(local.tcpAddresses().get(0).getPort(), "127.0.0.1", http);
        }
    }

    /** libev ss-tunnel -u -> our ssserver -> UDP echo. */
    @ParameterizedTest
    @EnumSource(names = {"RC4_MD5", "AES_128_CFB", "AES_192_CFB", "AES_256_CFB", "AES_128_CTR", "AES_192_CTR",
        "AES_256_CTR", "CAMELLIA_128_CFB", "CAMELLIA_192_CFB", "CAMELLIA_256_CFB", "BF_CFB", "SALSA20", "CHACHA20",
        "CHACHA20_IETF"})
    void libevUdpTunnelToOurServer(CipherKind method) throws Exception {
        try (UdpEcho echo = new UdpEcho("E:");
                ShadowsocksServer server = ShadowsocksServer.start(ourServer(method, List.of()))) {
            int serverPort = server.udpAddresses().get(0).getPort();
            int tunnelPort = ExternalPeer.freePort();
            try (ExternalPeer tunnel = ExternalPeer.start("ss-tunnel", "-u", "-s", "127.0.0.1", "-p", "" + serverPort,
                    "-b", "127.0.0.1", "-l", "" + tunnelPort, "-k", PASSWORD, "-m", method.methodName(),
                    "-L", "127.0.0.1:" + echo.port()).awaitTcp(tunnelPort)) {
                LibevUdpInteropTest.assertUdpEcho(new InetSocketAddress("127.0.0.1", tunnelPort), "E:");
            }
        }
    }

    /** our sslocal -u tunnel -> libev ss-server -u -> UDP echo. */
    @ParameterizedTest
    @EnumSource(names = {"RC4_MD5", "AES_128_CFB", "AES_192_CFB", "AES_256_CFB", "AES_128_CTR", "AES_192_CTR",
        "AES_256_CTR", "CAMELLIA_128_CFB", "CAMELLIA_192_CFB", "CAMELLIA_256_CFB", "BF_CFB", "SALSA20", "CHACHA20",
        "CHACHA20_IETF"})
    void ourUdpTunnelToLibevServer(CipherKind method) throws Exception {
        int serverPort = ExternalPeer.freePort();
        try (UdpEcho echo = new UdpEcho("E:");
                ExternalPeer ssServer = ExternalPeer.start("ss-server", "-u", "-s", "127.0.0.1", "-p", "" + serverPort,
                        "-k", PASSWORD, "-m", method.methodName()).awaitTcp(serverPort);
                ShadowsocksLocal local = ShadowsocksLocal.start(LocalSettings.of(
                        List.of(new ServerEndpoint("127.0.0.1", serverPort, method, PASSWORD)),
                        List.of(LocalListener.tunnel("127.0.0.1", 0, echo.address()))).withMode(Mode.TCP_AND_UDP))) {
            LibevUdpInteropTest.assertUdpEcho(local.udpAddresses().get(0), "E:");
        }
    }

    private static ServerSettings ourServer(CipherKind method, List<InetSocketAddress> nameServers) {
        ServerSettings.Builder builder = ServerSettings.builder()
                .port(PortSettings.of("127.0.0.1", 0, method, PASSWORD))
                .mode(Mode.TCP_AND_UDP)
                .forbidden(IpRangeSet.empty());
        if (!nameServers.isEmpty()) {
            builder.nameServers(nameServers);
        }
        return builder.build();
    }
}
