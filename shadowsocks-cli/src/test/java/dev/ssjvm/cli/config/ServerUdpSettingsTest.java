package dev.ssjvm.cli.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.service.config.LocalListener;
import dev.ssjvm.service.config.LocalSettings;
import dev.ssjvm.service.config.Mode;
import dev.ssjvm.service.config.ServerEndpoint;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code udp_timeout} and {@code udp_max_associations} in an ssserver config file take effect on the
 * running server (they used to be accepted and then ignored): from the file, through the loader, to
 * the server's associations, with our sslocal's UDP tunnel as the client.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ServerUdpSettingsTest {
    private static final CipherKind METHOD = CipherKind.AES_256_GCM;

    @TempDir
    Path dir;

    private ShadowsocksServer startServer(String extraKeys) throws Exception {
        int port = ExternalPeer.freePort();
        Path file = dir.resolve("server.json");
        Files.writeString(file, "{\"server\": \"127.0.0.1\", \"server_port\": " + port + ", \"password\": \"udp\","
                + " \"method\": \"" + METHOD + "\", \"mode\": \"tcp_and_udp\", \"forbidden_ip\": \"\", " + extraKeys + "}");
        ServerOptions options = new ServerOptions();
        new CommandLine(options).parseArgs("-c", file.toString());
        return ShadowsocksServer.start(ServerConfigLoader.load(options, n -> { }).server());
    }

    private static ShadowsocksLocal startTunnel(ShadowsocksServer server, InetSocketAddress target) throws Exception {
        return ShadowsocksLocal.start(LocalSettings.of(
                List.of(new ServerEndpoint("127.0.0.1", server.udpAddresses().get(0).getPort(), METHOD, "udp")),
                List.of(LocalListener.tunnel("127.0.0.1", 0, target))).withMode(Mode.TCP_AND_UDP));
    }

    /** Sends one datagram from a fresh socket (a new association all the way) and waits for the answer. */
    private static String exchange(InetSocketAddress tunnel, String text, int waitMillis) throws Exception {
        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            client.setSoTimeout(waitMillis);
            byte[] data = text.getBytes(StandardCharsets.US_ASCII);
            client.send(new DatagramPacket(data, data.length, tunnel));
            DatagramPacket in = new DatagramPacket(new byte[1024], 1024);
            try {
                client.receive(in);
            } catch (SocketTimeoutException e) {
                return null;
            }
            return new String(in.getData(), 0, in.getLength(), StandardCharsets.US_ASCII);
        }
    }

    @Test
    void aReplyAfterUdpTimeoutIsNotDeliveredOneBeforeItIs() throws Exception {
        try (UdpEcho slow = new UdpEcho(InetAddress.getLoopbackAddress(), "S:", Duration.ofMillis(3000));
                UdpEcho quick = new UdpEcho(InetAddress.getLoopbackAddress(), "Q:", Duration.ofMillis(200));
                ShadowsocksServer server = startServer("\"udp_timeout\": 1");
                ShadowsocksLocal toSlow = startTunnel(server, slow.address());
                ShadowsocksLocal toQuick = startTunnel(server, quick.address())) {
            assertThat(exchange(toQuick.udpAddresses().get(0), "before", 5000)).isEqualTo("Q:before");
            // the server's association idles out after 1 s; the reply, 3 s late, has nowhere to go
            assertThat(exchange(toSlow.udpAddresses().get(0), "after", 6000)).isNull();
            assertThat(slow.received()).as("the datagram itself got through").isEqualTo(1);
        }
    }

    @Test
    void udpMaxAssociationsBoundsTheServersTable() throws Exception {
        try (UdpEcho echo = new UdpEcho("E:");
                ShadowsocksServer server = startServer("\"udp_max_associations\": 1");
                ShadowsocksLocal first = startTunnel(server, echo.address());
                ShadowsocksLocal second = startTunnel(server, echo.address())) {
            assertThat(exchange(first.udpAddresses().get(0), "one", 5000)).isEqualTo("E:one");
            assertThat(exchange(second.udpAddresses().get(0), "two", 5000)).isEqualTo("E:two");
            // the second association evicted the first: one at a time, as configured
            assertThat(server.udpAssociations()).isEqualTo(1);
        }
    }
}
