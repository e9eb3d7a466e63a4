package dev.ssjvm.service.interop;

import static org.assertj.core.api.Assertions.assertThat;

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
import dev.ssjvm.service.testing.NodeShadowsocks;
import dev.ssjvm.service.testing.SocksUdpClient;
import dev.ssjvm.service.testing.TestDns;
import dev.ssjvm.service.testing.UdpEcho;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The stream ciphers against the original Node.js port (npm {@code shadowsocks} 1.5.3, run with
 * {@code node --openssl-legacy-provider}): {@code table}, which shadowsocks-libev dropped, and a few
 * that both have, as a second independent peer. Both directions over TCP (curl, hash-checked), and
 * UDP in both directions (our tunnel to its server, its SOCKS5 UDP relay to ours).
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class NodeStreamInteropTest {
    private static final String PASSWORD = "node-interop";

    /** node sslocal -> our ssserver, curl through node's SOCKS5 port. */
    @ParameterizedTest
    @EnumSource(names = {"TABLE", "RC4_MD5", "AES_256_CFB", "BF_CFB", "CAMELLIA_128_CFB"})
    void nodeLocalToOurServer(CipherKind method) throws Exception {
        try (TestDns dns = new TestDns().add("target.test", InetAddress.getLoopbackAddress());
                HttpTarget http = new HttpTarget();
                ShadowsocksServer server = ShadowsocksServer.start(ServerSettings.builder()
                        .port(PortSettings.of("127.0.0.1", 0, method, PASSWORD))
                        .forbidden(IpRangeSet.empty())
                        .nameServers(List.of(dns.address()))
                        .build())) {
            int serverPort = server.tcpAddresses().get(0).getPort();
            int socksPort = ExternalPeer.freePort();
            try (ExternalPeer local = ExternalPeer.start(node("sslocal", "-s", "127.0.0.1", "-p", "" + serverPort,
                    "-b", "127.0.0.1", "-l", "" + socksPort, "-k", PASSWORD, "-m", method.methodName()))
                    .awaitTcp(socksPort)) {
                LibevTcpInteropTest.assertCurlDownloadAndUpload(socksPort, "target.test", http);
                assertThat(local.isAlive()).isTrue();
            }
        }
    }

    /** our sslocal -> node ssserver, curl through our SOCKS5 port. */
    @ParameterizedTest
    @EnumSource(names = {"TABLE", "RC4_MD5", "AES_256_CFB", "BF_CFB", "CAMELLIA_128_CFB"})
    void ourLocalToNodeServer(CipherKind method) throws Exception {
        int serverPort = ExternalPeer.freePort();
        try (HttpTarget http = new HttpTarget();
                ExternalPeer ssServer = ExternalPeer.start(node("ssserver", "-s", "127.0.0.1", "-p", "" + serverPort,
                        "-k", PASSWORD, "-m", method.methodName())).awaitTcp(serverPort);
                ShadowsocksLocal local = ShadowsocksLocal.start(LocalSettings.of(
                        List.of(new ServerEndpoint("127.0.0.1", serverPort, method, PASSWORD)),
                        List.of(LocalListener.socks("127.0.0.1", 0))))) {
            LibevTcpInteropTest.assertCurlDownloadAndUpload(local.tcpAddresses().get(0).getPort(), "127.0.0.1", http);
        }
    }

    /** our sslocal -u tunnel -> node ssserver (UDP on the same port) -> UDP echo. */
    @ParameterizedTest
    @EnumSource(names = {"TABLE", "RC4_MD5", "AES_256_CFB"})
    void ourUdpTunnelToNodeServer(CipherKind method) throws Exception {
        int serverPort = ExternalPeer.freePort();
        try (UdpEcho echo = new UdpEcho("E:");
                ExternalPeer ssServer = ExternalPeer.start(node("ssserver", "-s", "127.0.0.1", "-p", "" + serverPort,
                        "-k", PASSWORD, "-m", method.methodName())).awaitTcp(serverPort);
                ShadowsocksLocal local = ShadowsocksLocal.start(LocalSettings.of(
                        List.of(new ServerEndpoint("127.0.0.1", serverPort, method, PASSWORD)),
                        List.of(LocalListener.tunnel("127.0.0.1", 0, echo.address()))).withMode(Mode.TCP_AND_UDP))) {
            LibevUdpInteropTest.assertUdpEcho(local.udpAddresses().get(0), "E:");
        }
    }

    /** node sslocal (SOCKS5 UDP ASSOCIATE) -> our ssserver -> UDP echo. */
    @ParameterizedTest
    @EnumSource(names = {"TABLE", "RC4_MD5", "AES_256_CFB"})
    void nodeUdpLocalToOurServer(CipherKind method) throws Exception {
        try (UdpEcho echo = new UdpEcho("E:");
                ShadowsocksServer server = ShadowsocksServer.start(ServerSettings.builder()
                        .port(PortSettings.of("127.0.0.1", 0, method, PASSWORD))
                        .mode(Mode.TCP_AND_UDP)
                        .forbidden(IpRangeSet.empty())
                        .build())) {
            int serverPort = server.tcpAddresses().get(0).getPort();
            int socksPort = ExternalPeer.freePort();
            try (ExternalPeer local = ExternalPeer.start(node("sslocal", "-s", "127.0.0.1", "-p", "" + serverPort,
                    "-b", "127.0.0.1", "-l", "" + socksPort, "-k", PASSWORD, "-m", method.methodName()))
                    .awaitTcp(socksPort);
                    SocksUdpClient client = new SocksUdpClient(new InetSocketAddress("127.0.0.1", socksPort))) {
                for (int i = 0; i < 5; i++) {
                    byte[] data = ("ping " + i).getBytes(StandardCharsets.US_ASCII);
                    SocksUdpClient.Reply reply = null;
                    for (int attempt = 0; attempt < 3 && reply == null; attempt++) {
                        client.send(echo.address(), data);
                        reply = client.receive(2000);
                    }
                    assertThat(reply).as("reply to ping %d", i).isNotNull();
                    assertThat(new String(reply.data(), StandardCharsets.US_ASCII)).isEqualTo("E:ping " + i);
                }
            }
        }
    }

    private static String[] node(String script, String... flags) throws Exception {
        List<String> argv = new ArrayList<>(Arrays.asList(NodeShadowsocks.command(script)));
        argv.addAll(Arrays.asList(flags));
        return argv.toArray(String[]::new);
    }
}
