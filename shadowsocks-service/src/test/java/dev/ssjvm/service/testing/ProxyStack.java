package dev.ssjvm.service.testing;

import dev.ssjvm.core.protocol.UserKey;
import dev.ssjvm.service.config.CommonSettings;
import dev.ssjvm.service.config.PortSettings;
import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.service.acl.IpRangeSet;
import dev.ssjvm.service.config.LocalListener;
import dev.ssjvm.service.config.LocalSettings;
import dev.ssjvm.service.config.Mode;
import dev.ssjvm.service.config.ServerEndpoint;
import dev.ssjvm.service.config.ServerSettings;
import dev.ssjvm.service.local.ShadowsocksLocal;
import dev.ssjvm.service.server.ShadowsocksServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Our sslocal and ssserver, in process, on loopback ports, with a test DNS (target.test -> 127.0.0.1)
 * and a test target. The local side has a SOCKS5 listener and a tunnel to the target.
 */
public final class ProxyStack implements AutoCloseable {
    public static final String TARGET_NAME = "target.test";

    public final TestDns dns;
    public final TestTarget target;
    public final ShadowsocksServer server;
    public final ShadowsocksLocal local;

    private ProxyStack(TestDns dns, TestTarget target, ShadowsocksServer server, ShadowsocksLocal local) {
        this.dns = dns;
        this.target = target;
        this.server = server;
        this.local = local;
    }

    public static ProxyStack start(CipherKind method, String password) throws IOException {
        return start(method, password, Map.of());
    }

    public static ProxyStack start(CipherKind method, String password, Map<String, String> socksUsers)
            throws IOException {
        return start(method, password, socksUsers, Mode.TCP_ONLY, CommonSettings.DEFAULT_TIMEOUT, null);
    }

    /**
     * @param tunnelTarget where the local tunnel forwards; {@code null} for the TCP test target
     */
    public static ProxyStack start(CipherKind method, String password, Map<String, String> socksUsers, Mode mode,
            Duration udpTimeout, InetSocketAddress tunnelTarget) throws IOException {
        return start(method, password, List.of(), password, socksUsers, mode, udpTimeout, tunnelTarget);
    }

    /**
     * A stack whose server and local keys may differ: a multi-user 2022 server (identity key and
     * users) and a local holding {@code iPSK:uPSK}.
     */
    public static ProxyStack start(CipherKind method, String serverPassword, List<UserKey> users,
            String localPassword, Map<String, String> socksUsers, Mode mode, Duration udpTimeout,
            InetSocketAddress tunnelTarget) throws IOException {
        TestDns dns = new TestDns().add(TARGET_NAME, InetAddress.getLoopbackAddress());
        TestTarget target = new TestTarget();
        ShadowsocksServer server = ShadowsocksServer.start(serverSettings(method, serverPassword, dns)
                .ports(List.of(PortSettings.of("127.0.0.1", 0, method, serverPassword).withUsers(users)))
                .mode(mode).udpTimeout(udpTimeout).build());
        int serverPort = mode.tcp() ? server.tcpAddresses().get(0).getPort() : server.udpAddresses().get(0).getPort();
        return new ProxyStack(dns, target, server, startLocal(method, localPassword, serverPort, socksUsers, mode,
                udpTimeout, tunnelTarget != null ? tunnelTarget
                        : InetSocketAddress.createUnresolved(TARGET_NAME, target.port())));
    }

    /** Another local for the same server, e.g. a second user of a multi-user port. */
    public ShadowsocksLocal startLocal(CipherKind method, String localPassword, Mode mode) throws IOException {
        int serverPort = mode.tcp() ? server.tcpAddresses().get(0).getPort() : server.udpAddresses().get(0).getPort();
        return startLocal(method, localPassword, serverPort, Map.of(), mode, CommonSettings.DEFAULT_TIMEOUT,
                InetSocketAddress.createUnresolved(TARGET_NAME, target.port()));
    }

    private static ShadowsocksLocal startLocal(CipherKind method, String password, int serverPort,
            Map<String, String> socksUsers, Mode mode, Duration udpTimeout, InetSocketAddress tunnelTarget)
            throws IOException {
        LocalSettings localSettings = LocalSettings.of(
                List.of(new ServerEndpoint("127.0.0.1", serverPort, method, password)),
                List.of(LocalListener.socks("127.0.0.1", 0),
                        LocalListener.tunnel("127.0.0.1", 0, tunnelTarget)))
                .withSocksUsers(socksUsers)
                .withMode(mode)
                .withUdpTimeout(udpTimeout);
        return ShadowsocksLocal.start(localSettings);
    }

    /** Server settings for tests: loopback, ephemeral port, loopback targets allowed, test DNS. */
    public static ServerSettings.Builder serverSettings(CipherKind method, String password, TestDns dns) {
        return ServerSettings.builder()
                .port(PortSettings.of("127.0.0.1", 0, method, password))
                .forbidden(IpRangeSet.empty())
                .nameServers(List.of(dns.address()))
                .handshakeTimeout(Duration.ofSeconds(10));
    }

    public InetSocketAddress socks() {
        return local.tcpAddresses().get(0);
    }

    public InetSocketAddress tunnel() {
        return local.tcpAddresses().get(1);
    }

    /** The UDP socket of the local tunnel (UDP modes only). */
    public InetSocketAddress udpTunnel() {
        return local.udpAddresses().get(0);
    }

    public InetSocketAddress serverAddress() {
        return server.tcpAddresses().get(0);
    }

    @Override
    public void close() throws IOException {
        local.close();
        server.close();
        target.close();
        dns.close();
    }
}
