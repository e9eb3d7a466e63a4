package dev.ssjvm.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.service.config.CommonSettings;
import dev.ssjvm.service.config.LocalListener;
import dev.ssjvm.service.config.LocalSettings;
import dev.ssjvm.service.config.ServerEndpoint;
import dev.ssjvm.service.local.ShadowsocksLocal;
import dev.ssjvm.service.server.ShadowsocksServer;
import dev.ssjvm.service.testing.LeakCheck;
import dev.ssjvm.service.testing.ProxyStack;
import dev.ssjvm.service.testing.Socks;
import dev.ssjvm.service.testing.TestDns;
import dev.ssjvm.service.testing.TestTarget;
import dev.ssjvm.service.transport.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code fast_open} and {@code reuse_port} are settings of sslocal too (they used to be read from its
 * config and ignored): the client's connections to the server use TCP Fast Open, and its listeners
 * may share a port.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LocalSocketOptionsTest {
    private static final CipherKind METHOD = CipherKind.AES_256_GCM;

    private static CommonSettings with(boolean fastOpen, boolean reusePort) {
        CommonSettings d = CommonSettings.defaults();
        return new CommonSettings(d.mode(), d.timeout(), d.udpTimeout(), d.udpMaxAssociations(), d.nameServers(),
                d.ipv6First(), d.noDelay(), fastOpen, reusePort, d.cryptoBackend(), d.transport(), d.workerThreads());
    }

    private static LocalSettings socksOn(int serverPort, int localPort, CommonSettings common) {
        return LocalSettings.of(List.of(new ServerEndpoint("127.0.0.1", serverPort, METHOD, "options")),
                List.of(LocalListener.socks("127.0.0.1", localPort))).withCommon(common);
    }

    @Test
    void fastOpenBothWaysStillRelaysEveryByte() throws Exception {
        try (TestDns dns = new TestDns().add(ProxyStack.TARGET_NAME, InetAddress.getLoopbackAddress());
                TestTarget target = new TestTarget();
                ShadowsocksServer server = ShadowsocksServer.start(ProxyStack.serverSettings(METHOD, "options", dns)
                        .common(with(true, false).withNameServers(List.of(dns.address()))).build());
                ShadowsocksLocal local = ShadowsocksLocal.start(socksOn(server.tcpAddresses().get(0).getPort(), 0,
                        with(true, false)))) {
            byte[] payload = new byte[200_000];
            new Random(3).nextBytes(payload);
            for (int i = 0; i < 3; i++) { // the first connection learns the cookie, the later ones use it
                try (Socket s = Socks.connect(local.tcpAddresses().get(0), ProxyStack.TARGET_NAME, target.port())) {
                    s.setSoTimeout(20_000);
                    OutputStream out = s.getOutputStream();
                    out.write('E');
                    out.write(payload);
                    s.shutdownOutput();
                    InputStream in = s.getInputStream();
                    assertThat(in.readAllBytes()).isEqualTo(payload);
                }
            }
        }
    }

    @Test
    void reusePortLetsTwoLocalsShareAPortAndWithoutItTheSecondIsRefused() throws Exception {
        assumeTrue(Transport.automatic().kind() == Transport.Kind.EPOLL, "SO_REUSEPORT is only offered with epoll");
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        try (ShadowsocksLocal first = ShadowsocksLocal.start(socksOn(1, port, with(false, true)));
                ShadowsocksLocal second = ShadowsocksLocal.start(socksOn(1, port, with(false, true)))) {
            assertThat(second.tcpAddresses().get(0)).isEqualTo(first.tcpAddresses().get(0));
        }
        try (ShadowsocksLocal first = ShadowsocksLocal.start(socksOn(1, port, with(false, false)))) {
            assertThatThrownBy(() -> ShadowsocksLocal.start(socksOn(1, port, with(false, false))).close())
                    .isInstanceOf(IOException.class).hasMessageContaining("cannot listen on 127.0.0.1:" + port);
        }
    }
}
