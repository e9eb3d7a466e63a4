package dev.ssjvm.service.local.redir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.service.config.CommonSettings;
import dev.ssjvm.service.config.LocalListener;
import dev.ssjvm.service.config.LocalSettings;
import dev.ssjvm.service.config.Mode;
import dev.ssjvm.service.config.ServerEndpoint;
import dev.ssjvm.service.local.ShadowsocksLocal;
import dev.ssjvm.service.testing.LeakCheck;
import io.netty.channel.epoll.Epoll;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the redir front end decides without a firewall: the sockaddr it reads back, the refusals, and
 * a client that reaches the redir port directly. The firewall's part is RedirIT's (shadowsocks-cli),
 * in network namespaces.
 */
@ExtendWith(LeakCheck.class)
class RedirFrontEndTest {

    @Test
    void readsSockaddrInAndIn6AsTheKernelWritesThem() throws Exception {
        ByteBuffer v4 = ByteBuffer.wrap(new byte[] {2, 0, 0x1f, (byte) 0x90, (byte) 198, 51, 100, 7,
                0, 0, 0, 0, 0, 0, 0, 0});
        assertThat(OriginalDestination.parse(v4, true)).isEqualTo(new InetSocketAddress("198.51.100.7", 8080));
        ByteBuffer v6 = ByteBuffer.allocate(28);
        v6.put(0, (byte) 10).putShort(2, (short) 443).putInt(4, 0x12345);
        v6.put(8, InetAddress.getByName("2001:db8::1").getAddress()).putInt(24, 3);
        assertThat(OriginalDestination.parse(v6, false)).isEqualTo(new InetSocketAddress("2001:db8::1", 443));
        v6.put(8, new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 192, 0, 2, 5});
        assertThat(OriginalDestination.parse(v6, false).getAddress().getHostAddress())
                .as("IPv4-mapped comes back plain").isEqualTo("192.0.2.5");
    }

    @Test
    void knowsItsOwnPort() {
        InetSocketAddress any = new InetSocketAddress("::", 60080);
        assertThat(RedirFrontEnd.isListener(new InetSocketAddress("127.0.0.1", 60080), any)).isTrue();
        assertThat(RedirFrontEnd.isListener(new InetSocketAddress("198.51.100.7", 80), any)).isFalse();
        assertThat(RedirFrontEnd.isListener(new InetSocketAddress("192.0.2.1", 60080),
                new InetSocketAddress("192.0.2.1", 60080))).isTrue();
        assertThat(RedirFrontEnd.isListener(new InetSocketAddress("192.0.2.9", 60080),
                new InetSocketAddress("192.0.2.1", 60080))).isFalse();
    }

    @Test
    void refusesWhatItCannotServe() {
        LocalListener redir = new LocalListener(LocalListener.REDIR, "127.0.0.1", 0, null, Map.of());
        assertThatThrownBy(() -> start(redir, "nio")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("redir").hasMessageContaining("epoll").hasMessageContaining("nio");
        Assumptions.assumeTrue(Epoll.isAvailable(), "epoll is not available here");
        assertThatThrownBy(() -> start(new LocalListener(LocalListener.REDIR, "127.0.0.1", 0,
                new InetSocketAddress("192.0.2.1", 53), Map.of()), "epoll")).hasMessageContaining("tunnel");
        assertThatThrownBy(() -> start(redir.withUsers(Map.of("a", "b")), "epoll"))
                .hasMessageContaining("no authentication");
    }

    @Test
    void aClientOfTheRedirPortItselfIsNotRelayed() throws Exception {
        Assumptions.assumeTrue(Epoll.isAvailable(), "epoll is not available here");
        ShadowsocksLocal local;
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        try {
            local = start(new LocalListener(LocalListener.REDIR, "127.0.0.1", 0, null, Map.of()), "epoll",
                    server.getLocalPort());
        } catch (IOException e) {
            server.close();
            Assumptions.abort("transparent sockets need CAP_NET_ADMIN: " + e.getMessage());
            return;
        }
        try (server; local) {
            InetSocketAddress port = local.tcpAddresses().get(0);
            try (Socket s = new Socket()) {
                s.connect(port, 5000);
                s.setSoTimeout(10_000);
                InputStream in = s.getInputStream();
                assertThat(in.read()).as("closed, not sent to the server (which is not there)").isEqualTo(-1);
            }
            try (DatagramSocket udp = new DatagramSocket()) {
                udp.setSoTimeout(300);
                udp.send(new DatagramPacket(new byte[] {1, 2, 3}, 3, local.udpAddresses().get(0)));
                assertThatThrownBy(() -> udp.receive(new DatagramPacket(new byte[16], 16)))
                        .isInstanceOf(SocketTimeoutException.class);
            }
            assertThat(local.openConnections()).isZero();
            server.setSoTimeout(300);
            assertThatThrownBy(server::accept).as("the server saw nothing").isInstanceOf(SocketTimeoutException.class);
        }
    }

    private static ShadowsocksLocal start(LocalListener listener, String transport) throws IOException {
        return start(listener, transport, 9);
    }

    private static ShadowsocksLocal start(LocalListener listener, String transport, int serverPort)
            throws IOException {
        CommonSettings common = CommonSettings.defaults();
        common = new CommonSettings(Mode.TCP_AND_UDP, common.timeout(), common.udpTimeout(), common.udpMaxAssociations(),
                common.nameServers(), common.ipv6First(), common.noDelay(), common.fastOpen(), common.reusePort(),
                common.cryptoBackend(), transport, 1);
        return ShadowsocksLocal.start(LocalSettings.of(List.of(new ServerEndpoint("127.0.0.1", serverPort,
                CipherKind.AES_128_GCM, "secret")), List.of(listener)).withCommon(common));
    }
}
