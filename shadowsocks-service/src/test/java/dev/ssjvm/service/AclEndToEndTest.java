package dev.ssjvm.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.service.acl.Acl;
import dev.ssjvm.service.acl.AclFile;
import dev.ssjvm.service.config.LocalListener;
import dev.ssjvm.service.config.LocalSettings;
import dev.ssjvm.service.config.Mode;
import dev.ssjvm.service.config.PortSettings;
import dev.ssjvm.service.config.ServerEndpoint;
import dev.ssjvm.service.config.ServerSettings;
import dev.ssjvm.service.local.ShadowsocksLocal;
import dev.ssjvm.service.metrics.Failure;
import dev.ssjvm.service.metrics.TrafficStats;
import dev.ssjvm.service.server.ShadowsocksServer;
import dev.ssjvm.service.testing.LeakCheck;
import dev.ssjvm.service.testing.ProxyStack;
import dev.ssjvm.service.testing.Socks;
import dev.ssjvm.service.testing.SocksUdpClient;
import dev.ssjvm.service.testing.TestDns;
import dev.ssjvm.service.testing.TestTarget;
import dev.ssjvm.service.testing.UdpEcho;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * ACL files end to end: our sslocal and ssserver on loopback, the JDK's SOCKS client, two targets
 * (127.0.0.1 and 127.0.0.2), and one test DNS for each side, so that it shows which side looked a name
 * up. The server's own accounting says whether a connection reached it.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class AclEndToEndTest {
    private static final CipherKind METHOD = CipherKind.AES_128_GCM;
    private static final String PASSWORD = "acl-test";

    @TempDir
    Path dir;

    private TestDns localDns;
    private TestDns serverDns;
    private TestTarget near; // 127.0.0.1: bypassed in the local ACL
    private TestTarget far; // 127.0.0.2: proxied
    private ShadowsocksServer server;
    private ShadowsocksLocal local;

    @BeforeEach
    void targets() throws IOException {
        near = new TestTarget();
        far = new TestTarget(InetAddress.getByName("127.0.0.2"), false);
        localDns = new TestDns().add("lan.test", InetAddress.getByName("127.0.0.1"))
                .add("far.test", InetAddress.getByName("127.0.0.2"))
                .add("direct.test", InetAddress.getByName("127.0.0.1"));
        serverDns = new TestDns().add("far.test", InetAddress.getByName("127.0.0.2"))
                .add("plain.test", InetAddress.getByName("127.0.0.1"))
                .add("blocked.test", InetAddress.getByName("127.0.0.1"))
                .add("www.blocked.test", InetAddress.getByName("127.0.0.1"));
    }

    @AfterEach
    void close() throws IOException {
        if (local != null) {
            local.close();
        }
        if (server != null) {
            server.close();
        }
        near.close();
        far.close();
        localDns.close();
        serverDns.close();
    }

    private AclFile acl(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return AclFile.load(file);
    }

    private void startServer(AclFile acl) throws IOException {
        server = ShadowsocksServer.start(ProxyStack.serverSettings(METHOD, PASSWORD, serverDns).acl(acl).build());
    }

    /** A local with one SOCKS listener per ACL, names resolved by the local test DNS. */
    private void startLocal(Acl... acls) throws IOException {
        List<LocalListener> listeners = java.util.Arrays.stream(acls)
                .map(acl -> LocalListener.socks("127.0.0.1", 0).withAcl(acl)).toList();
        LocalSettings settings = LocalSettings.of(List.of(new ServerEndpoint("127.0.0.1",
                server.tcpAddresses().get(0).getPort(), METHOD, PASSWORD)), listeners);
        local = ShadowsocksLocal.start(settings.withCommon(settings.common().withNameServers(List.of(localDns.address()))));
    }

    private long serverConnections() {
        return server.traffic().ofPort(server.tcpAddresses().get(0).getPort()).tcpAccepted();
    }

    private long serverUdpAssociations() {
        return server.traffic().ofPort(server.tcpAddresses().get(0).getPort()).users().values().stream()
                .mapToLong(TrafficStats.UserTotals::udpAssociations).sum();
    }

    private long blockedAtServer() {
        return server.traffic().ofPort(server.tcpAddresses().get(0).getPort()).tcpFailures()
                .getOrDefault(Failure.BLOCKED_TARGET, 0L);
    }

    /** Connects through listener {@code listener} and makes one echo round trip with the target. */
    private void roundTrip(int listener, String host, int port) throws IOException {
        try (Socket s = TestTarget.echo(Socks.connect(local.tcpAddresses().get(listener), host, port))) {
            TestTarget.roundTrip(s, "hello " + host);
        }
    }

    @Test
    void udpToBypassedTargetsGoesStraightFromSslocalAndTheRestThroughTheServer() throws Exception {
        server = ShadowsocksServer.start(ProxyStack.serverSettings(METHOD, PASSWORD, serverDns)
                .mode(Mode.TCP_AND_UDP).build());
        LocalListener socks = LocalListener.socks("127.0.0.1", 0).withAcl(acl("udp.acl", """
                [proxy_all]
                [bypass_list]
                127.0.0.1/32
                ||direct.test
                """));
        LocalSettings settings = LocalSettings.of(List.of(new ServerEndpoint("127.0.0.1",
                server.tcpAddresses().get(0).getPort(), METHOD, PASSWORD)), List.of(socks)).withMode(Mode.TCP_AND_UDP);
        local = ShadowsocksLocal.start(settings.withCommon(settings.common().withNameServers(List.of(localDns.address()))));
        try (UdpEcho nearEcho = new UdpEcho(InetAddress.getByName("127.0.0.1"), "near:");
                UdpEcho farEcho = new UdpEcho(InetAddress.getByName("127.0.0.2"), "far:");
                SocksUdpClient client = new SocksUdpClient(local.tcpAddresses().get(0))) {
            // by address and by name rule: straight to the target, the server sees no association
            client.send(nearEcho.address(), "a".getBytes(StandardCharsets.UTF_8));
            assertThat(new String(client.receive(5000).data(), StandardCharsets.UTF_8)).isEqualTo("near:a");
            client.send(InetSocketAddress.createUnresolved("direct.test", nearEcho.port()),
                    "b".getBytes(StandardCharsets.UTF_8));
            SocksUdpClient.Reply byName = client.receive(5000);
            assertThat(new String(byName.data(), StandardCharsets.UTF_8)).isEqualTo("near:b");
            assertThat(byName.source()).isEqualTo(nearEcho.address());
            assertThat(serverUdpAssociations()).as("no UDP through the server").isZero();

            // anything else: through the server, on the same association
            client.send(farEcho.address(), "c".getBytes(StandardCharsets.UTF_8));
            SocksUdpClient.Reply proxied = client.receive(5000);
            assertThat(new String(proxied.data(), StandardCharsets.UTF_8)).isEqualTo("far:c");
            assertThat(proxied.source()).isEqualTo(farEcho.address());
            assertThat(serverUdpAssociations()).isEqualTo(1);
            assertThat(nearEcho.received()).isEqualTo(2);
            assertThat(farEcho.received()).isEqualTo(1);
        }
    }

    @Test
    void bypassedTargetsAreReachedWithoutTheServerAndTheRestThroughIt() throws IOException {
        startServer(null);
        startLocal(acl("local.acl", """
                [proxy_all]
                [bypass_list]
                127.0.0.1/32
                ||direct.test
                """), acl("names-only.acl", """
                [proxy_all]
                [bypass_list]
                ||direct.test
                """));

        // an address in the bypass list: straight from sslocal
        roundTrip(0, "127.0.0.1", near.port());
        assertThat(near.accepted()).isEqualTo(1);
        assertThat(serverConnections()).as("the server saw no connection").isZero();

        // a name rule: connected directly (the name resolved by sslocal's resolver)
        roundTrip(0, "direct.test", near.port());
        assertThat(near.accepted()).isEqualTo(2);
        assertThat(serverConnections()).isZero();

        // a name that resolves into a bypassed CIDR: looked up locally, then direct
        int localQueries = localDns.queries();
        roundTrip(0, "lan.test", near.port());
        assertThat(localDns.queries()).as("lan.test looked up by sslocal").isGreaterThan(localQueries);
        assertThat(near.accepted()).isEqualTo(3);
        assertThat(serverConnections()).isZero();

        // an address outside the bypass list: through the server
        roundTrip(0, "127.0.0.2", far.port());
        assertThat(far.accepted()).isEqualTo(1);
        assertThat(serverConnections()).isEqualTo(1);

        // a name that resolves outside it: looked up locally, then sent by name to the server, which resolves it
        int serverQueries = serverDns.queries();
        roundTrip(0, "far.test", far.port());
        assertThat(far.accepted()).isEqualTo(2);
        assertThat(serverConnections()).isEqualTo(2);
        assertThat(serverDns.queries()).as("the server got the name, not the address").isGreaterThan(serverQueries);

        // an ACL without address rules: an unmatched name goes with the default, no local lookup
        localQueries = localDns.queries();
        roundTrip(1, "plain.test", near.port());
        assertThat(localDns.queries()).as("no lookup by sslocal").isEqualTo(localQueries);
        assertThat(serverConnections()).isEqualTo(3);
        roundTrip(1, "direct.test", near.port());
        assertThat(serverConnections()).as("its name rule still bypasses").isEqualTo(3);
        assertThat(near.accepted()).isEqualTo(5);
    }

    @Test
    void bypassAllProxiesOnlyItsProxyList() throws IOException {
        startServer(null);
        startLocal(acl("bypass-all.acl", """
                [bypass_all]
                [proxy_list]
                127.0.0.2
                |plain.test
                """));
        roundTrip(0, "plain.test", near.port()); // name rule: proxied (the server resolves it)
        assertThat(serverConnections()).isEqualTo(1);
        roundTrip(0, "far.test", far.port()); // resolved locally into the proxy list: proxied
        assertThat(serverConnections()).isEqualTo(2);
        roundTrip(0, "lan.test", near.port()); // resolved locally, in no list: the default, direct
        roundTrip(0, "127.0.0.1", near.port());
        assertThat(serverConnections()).isEqualTo(2);
        assertThat(near.accepted()).isEqualTo(3);
    }

    @Test
    void theServerRefusesItsOutboundBlockListAndServesTheRest() throws IOException {
        startServer(acl("server.acl", """
                [outbound_block_list]
                127.0.0.2
                ||blocked.test
                [bypass_list]
                10.0.0.0/8
                """));
        startLocal(Acl.PROXY_ALL);

        assertRefused("127.0.0.2", far.port());
        assertThat(far.accepted()).as("blocked by address: the target never saw it").isZero();
        assertThat(blockedAtServer()).isEqualTo(1);

        int queries = serverDns.queries();
        assertRefused("www.blocked.test", near.port());
        assertThat(serverDns.queries()).as("a blocked name is not looked up").isEqualTo(queries);
        assertThat(near.accepted()).isZero();
        assertThat(blockedAtServer()).isEqualTo(2);

        assertRefused("far.test", far.port()); // resolved, then its address is in the block list
        assertThat(far.accepted()).isZero();
        assertThat(blockedAtServer()).isEqualTo(3);

        roundTrip(0, "plain.test", near.port());
        roundTrip(0, "127.0.0.1", near.port());
        assertThat(near.accepted()).as("the others are served").isEqualTo(2);
    }

    @Test
    void aReloadSwapsTheBlockList() throws Exception {
        AclFile blocking = acl("server.acl", "[outbound_block_list]\n127.0.0.2\n");
        startServer(blocking);
        startLocal(Acl.PROXY_ALL);
        assertRefused("127.0.0.2", far.port());

        Files.writeString(dir.resolve("server.acl"), "[outbound_block_list]\n||blocked.test\n");
        ServerSettings next = ProxyStack.serverSettings(METHOD, PASSWORD, serverDns)
                .ports(List.of(PortSettings.of("127.0.0.1", server.tcpAddresses().get(0).getPort(), METHOD, PASSWORD)))
                .acl(AclFile.load(dir.resolve("server.acl"))).build();
        server.apply(next, Duration.ZERO);
        roundTrip(0, "127.0.0.2", far.port());
        assertRefused("blocked.test", near.port());
        assertThat(far.accepted()).isEqualTo(1);
        assertThat(near.accepted()).isZero();
    }

    /** The local accepts the CONNECT (the server is up) and the server then closes without a byte. */
    private void assertRefused(String host, int port) throws IOException {
        try (Socket s = Socks.connect(local.tcpAddresses().get(0), host, port)) {
            s.getOutputStream().write('E');
            s.getOutputStream().write("anyone there?".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            s.setSoTimeout(20_000);
            assertThat(s.getInputStream().read()).as(host + " refused").isEqualTo(-1);
        }
    }
}
