package dev.ssjvm.service.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssjvm.core.address.HostAndPort;
import dev.ssjvm.core.protocol.MethodFamilies;
import dev.ssjvm.core.protocol.ProtocolContext;
import dev.ssjvm.core.replay.ReplayProtection;
import dev.ssjvm.crypto.AeadFactory;
import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.service.config.BalancerSettings;
import dev.ssjvm.service.config.CommonSettings;
import dev.ssjvm.service.config.LocalListener;
import dev.ssjvm.service.config.LocalSettings;
import dev.ssjvm.service.config.Mode;
import dev.ssjvm.service.config.ServerEndpoint;
import dev.ssjvm.service.metrics.TrafficStats;
import dev.ssjvm.service.server.ShadowsocksServer;
import dev.ssjvm.service.testing.Await;
import dev.ssjvm.service.testing.LeakCheck;
import dev.ssjvm.service.testing.ProxyStack;
import dev.ssjvm.service.testing.Socks;
import dev.ssjvm.service.testing.SocksUdpClient;
import dev.ssjvm.service.testing.TestData;
import dev.ssjvm.service.testing.TestDns;
import dev.ssjvm.service.testing.TestTarget;
import dev.ssjvm.service.testing.UdpEcho;
import dev.ssjvm.service.transport.ServiceIo;
import io.netty.channel.ChannelFuture;
import com.sun.net.httpserver.HttpServer;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Several servers behind one sslocal, all ours and in process on loopback: the health checks (TCP
 * probes to a local HTTP target, UDP probes to a local echo), the choice by score and weight, a
 * server stopped under load (new connections and UDP associations move, a transfer on the other
 * server goes on intact), and the connector's retry on the next server.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class FailoverTest {
    private static final CipherKind METHOD = CipherKind.CHACHA20_IETF_POLY1305;
    private static final String PASSWORD = "failover-test";
    /** Bytes of one checked round trip: far more than the probes send meanwhile. */
    private static final int MARK = 200_000;

    private final List<AutoCloseable> open = new ArrayList<>();
    private TestDns dns;
    private TestTarget target;
    private UdpEcho udpTarget;
    private CheckTarget tcpCheck;
    private UdpEcho udpCheck;

    @BeforeEach
    void targets() throws IOException {
        dns = keep(new TestDns());
        target = keep(new TestTarget());
        udpTarget = keep(new UdpEcho("u:"));
        tcpCheck = keep(new CheckTarget());
        udpCheck = keep(new UdpEcho("")); // echoes the DNS query as is: its id comes back
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    /** The TCP check target: Chromium's generate_204, from the JDK's HTTP server, counting requests. */
    private static final class CheckTarget implements AutoCloseable {
        private final HttpServer server;
        private final AtomicInteger requests = new AtomicInteger();

        CheckTarget() throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
            server.createContext("/generate_204", exchange -> {
                requests.incrementAndGet();
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
            });
            server.start();
        }

        int port() {
            return server.getAddress().getPort();
        }

        int requests() {
            return requests.get();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    private <T extends AutoCloseable> T keep(T resource) {
        open.add(resource);
        return resource;
    }

    private ShadowsocksServer server(String password) throws IOException {
        return keep(ShadowsocksServer.start(ProxyStack.serverSettings(METHOD, password, dns)
                .mode(Mode.TCP_AND_UDP).build()));
    }

    private static ServerEndpoint endpoint(ShadowsocksServer server, double tcpWeight, double udpWeight) {
        return new ServerEndpoint("127.0.0.1", server.tcpAddresses().get(0).getPort(), METHOD, PASSWORD)
                .withWeights(tcpWeight, udpWeight);
    }

    private ShadowsocksLocal local(List<ServerEndpoint> servers) throws IOException {
        BalancerSettings balancer = new BalancerSettings(Duration.ofMillis(200), Duration.ofMillis(100),
                Duration.ofSeconds(1), HostAndPort.of("127.0.0.1", tcpCheck.port()), udpCheck.address());
        return keep(ShadowsocksLocal.start(LocalSettings.of(servers, List.of(LocalListener.socks("127.0.0.1", 0)))
                .withMode(Mode.TCP_AND_UDP).withBalancer(balancer)));
    }

    private static long bytes(ShadowsocksServer server) {
        return server.traffic().snapshot().values().stream().mapToLong(TrafficStats.PortTotals::bytes).sum();
    }

    private interface Action {
        void run() throws Exception;
    }

    /** Runs {@code action} (which moves at least {@link #MARK} bytes) and says which server carried them. */
    private static ShadowsocksServer carrier(Action action, ShadowsocksServer... servers) throws Exception {
        long[] before = Arrays.stream(servers).mapToLong(FailoverTest::bytes).toArray();
        action.run();
        ShadowsocksServer[] found = new ShadowsocksServer[1];
        Await.until(() -> {
            for (int i = 0; i < servers.length; i++) {
                if (bytes(servers[i]) - before[i] >= MARK) {
                    found[0] = servers[i];
                    return true;
                }
            }
            return false;
        }, "one server carried the data");
        for (int i = 0; i < servers.length; i++) {
            if (servers[i] != found[0]) {
                assertThat(bytes(servers[i]) - before[i]).as("bytes through the other server").isLessThan(MARK);
            }
        }
        return found[0];
    }

    /** A new TCP connection through sslocal, one round trip of {@link #MARK} bytes each way. */
    private Action tcpRoundTrip(ShadowsocksLocal local) {
        return () -> {
            try (Socket s = TestTarget.echo(Socks.connect(local.tcpAddresses().get(0), "127.0.0.1", target.port()))) {
                TestTarget.roundTrip(s, "x".repeat(MARK));
            }
        };
    }

    /** A new UDP association through sslocal's SOCKS listener, one datagram of {@link #MARK / 4} bytes, 4 times. */
    private Action udpRoundTrip(ShadowsocksLocal local) {
        return () -> {
            try (SocksUdpClient client = new SocksUdpClient(local.tcpAddresses().get(0))) {
                byte[] data = new byte[MARK / 4 + 1];
                for (int i = 0; i < 4; i++) {
                    client.send(udpTarget.address(), data);
                    SocksUdpClient.Reply reply = client.receive(5000);
                    assertThat(reply).as("UDP reply").isNotNull();
                    assertThat(reply.data()).hasSize(data.length + 2);
                }
            }
        };
    }

    @Test
    void theHealthyServerIsChosenAndWeightsShiftTheChoice() throws Exception {
        ShadowsocksServer a = server(PASSWORD);
        ShadowsocksServer b = server(PASSWORD);
        // takes connections but not our key: its probes never answer, TCP or UDP
        ShadowsocksServer failing = server("another-key");
        ServerEndpoint failingEndpoint = endpoint(failing, 1, 1);
        ShadowsocksLocal local = local(List.of(failingEndpoint, endpoint(a, 1, 1)));
        assertThat(local.tcpServer()).as("before any probe, the first in the list").isEqualTo(failingEndpoint);

        Await.until(() -> local.tcpServer().equals(endpoint(a, 1, 1)) && local.udpServer().equals(endpoint(a, 1, 1)),
                "the failing server is left for the healthy one");
        assertThat(carrier(tcpRoundTrip(local), a, failing)).isSameAs(a);
        assertThat(carrier(udpRoundTrip(local), a, failing)).isSameAs(a);

        // two healthy servers: the weights decide, for TCP and UDP apart
        local.updateServers(List.of(endpoint(a, 0.1, 1), endpoint(b, 1, 0.1)));
        Await.until(() -> local.tcpServer().equals(endpoint(b, 1, 0.1))
                && local.udpServer().equals(endpoint(a, 0.1, 1)), "TCP via b, UDP via a");
        Await.until(() -> tcpCheck.requests() > 0, "probes");
        assertThat(carrier(tcpRoundTrip(local), a, b)).isSameAs(b);
        assertThat(carrier(udpRoundTrip(local), a, b)).isSameAs(a);

        local.updateServers(List.of(endpoint(a, 1, 0.1), endpoint(b, 0.1, 1)));
        Await.until(() -> local.tcpServer().equals(endpoint(a, 1, 0.1))
                && local.udpServer().equals(endpoint(b, 0.1, 1)), "TCP via a, UDP via b");
        assertThat(carrier(tcpRoundTrip(local), a, b)).isSameAs(a);
        assertThat(carrier(udpRoundTrip(local), a, b)).isSameAs(b);
    }

    @Test
    void aStoppedServerIsFailedOverWhileATransferOnTheOtherGoesOn() throws Exception {
        ShadowsocksServer a = server(PASSWORD);
        ShadowsocksServer b = server(PASSWORD);
        ShadowsocksLocal local = local(List.of(endpoint(b, 1, 1)));

        // an upload through b, its first half now and its second after a has come and gone
        long half = 16L << 20;
        SplittableRandom random = new SplittableRandom(42);
        MessageDigest sha = TestData.sha256();
        Socket upload = keep(Socks.connect(local.tcpAddresses().get(0), "127.0.0.1", target.port()));
        DataOutputStream out = new DataOutputStream(upload.getOutputStream());
        out.writeByte('U');
        out.writeLong(2 * half);
        long start = bytes(b);
        assertThat(carrier(() -> send(out, random, sha, half), a, b)).isSameAs(b);
        Await.until(() -> bytes(b) - start >= half, "the first half through b"); // none left in flight
        assertThat(tcpCheck.requests() + udpCheck.received()).as("no probes with one server").isZero();

        // a joins with far higher weights (so that probe latencies on a loaded machine cannot outweigh them):
        // new connections and associations go to it
        local.updateServers(List.of(endpoint(a, 1, 1), endpoint(b, 0.1, 0.1)));
        Await.until(() -> local.tcpServer().equals(endpoint(a, 1, 1)) && local.udpServer().equals(endpoint(a, 1, 1)),
                "a chosen");
        Await.until(() -> tcpCheck.requests() > 0 && udpCheck.received() > 0, "probes of both servers");
        assertThat(carrier(tcpRoundTrip(local), a, b)).isSameAs(a);
        assertThat(carrier(udpRoundTrip(local), a, b)).isSameAs(a);

        a.close();
        // new connections work at once, noticed by a probe or not: a refused connect is retried on b
        for (int i = 0; i < ServerHealth.DOWN_AFTER + 2; i++) {
            assertThat(carrier(tcpRoundTrip(local), a, b)).isSameAs(b);
        }
        Await.until(() -> local.tcpServer().equals(endpoint(b, 0.1, 0.1)), "TCP fails over to b");
        Await.until(() -> local.udpServer().equals(endpoint(b, 0.1, 0.1)), "UDP fails over to b");
        assertThat(carrier(udpRoundTrip(local), a, b)).isSameAs(b);

        // the upload through b never noticed
        assertThat(carrier(() -> send(out, random, sha, half), a, b)).isSameAs(b);
        upload.setSoTimeout(30_000);
        assertThat(upload.getInputStream().readNBytes(32)).as("upload hash").isEqualTo(sha.digest());
    }

    private static void send(DataOutputStream out, SplittableRandom random, MessageDigest sha, long length)
            throws IOException {
        byte[] buf = new byte[65536];
        for (long left = length; left > 0; left -= buf.length) {
            for (int i = 0; i < buf.length; i += 8) {
                long r = random.nextLong();
                for (int j = 0; j < 8; j++) {
                    buf[i + j] = (byte) (r >>> (8 * j));
                }
            }
            int n = (int) Math.min(buf.length, left);
            sha.update(buf, 0, n);
            out.write(buf, 0, n);
        }
        out.flush();
    }

    @Test
    void theConnectorRetriesARefusedConnectOnTheNextServer() throws Exception {
        ShadowsocksServer b = server(PASSWORD);
        int refusing;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            refusing = s.getLocalPort();
        }
        CommonSettings settings = CommonSettings.defaults();
        ServiceIo io = keep(new ServiceIo("test", settings));
        ProtocolContext context = new ProtocolContext(AeadFactory.preferringIfNamed(settings.cryptoBackend()),
                ReplayProtection.forClient(Clock.systemUTC()));
        ServerConnector.Remote dead = new ServerConnector.Remote(
                new ServerEndpoint("127.0.0.1", refusing, METHOD, PASSWORD),
                MethodFamilies.client(METHOD, PASSWORD, context));
        ServerConnector.Remote alive = new ServerConnector.Remote(endpoint(b, 1, 1),
                MethodFamilies.client(METHOD, PASSWORD, context));
        ServerConnector connector = new ServerConnector(List.of(dead, alive), io.transport(), io.resolver(), settings,
                Duration.ofSeconds(1));
        InetSocketAddress to = target.address();
        assertThat(connector.pool().tcp().remote()).as("first in the list").isSameAs(dead);
        ChannelFuture f = connector.viaServer(io.group().next(), to).awaitUninterruptibly();
        assertThat(f.isSuccess()).as("connected on the retry").isTrue();
        assertThat(((InetSocketAddress) f.channel().remoteAddress()).getPort()).isEqualTo(endpoint(b, 1, 1).port());
        f.channel().close().awaitUninterruptibly();
        assertThat(connector.pool().tcp().remote()).as("the refusing one counts as failed").isSameAs(alive);

        connector.setRemotes(List.of(dead));
        ChannelFuture single = connector.viaServer(io.group().next(), to).awaitUninterruptibly();
        assertThat(single.isSuccess()).as("one server: nothing to retry on").isFalse();
    }
}
