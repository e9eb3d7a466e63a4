package dev.ssjvm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.ssjvm.cli.LaunchersIT.Launched;
import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.service.config.Mode;
import dev.ssjvm.service.metrics.TrafficStats;
import dev.ssjvm.service.server.ShadowsocksServer;
import dev.ssjvm.service.testing.Await;
import dev.ssjvm.service.testing.Closer;
import dev.ssjvm.service.testing.ExternalPeer;
import dev.ssjvm.service.testing.ProxyStack;
import dev.ssjvm.service.testing.Socks;
import dev.ssjvm.service.testing.TestDns;
import dev.ssjvm.service.testing.TestTarget;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code bin/sslocal} process re-reading its server list on SIGUSR1: new connections move to
 * the servers of the file, a broken file keeps the list it has. The servers are ours, in this process,
 * so the test sees which one carried a connection.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ServerListIT {
    private static final CipherKind METHOD = CipherKind.AES_256_GCM;
    private static final String PASSWORD = "server-list-secret";
    private static final int MARK = 100_000;

    @TempDir
    Path dir;

    @RegisterExtension
    final Closer closer = new Closer();

    private static long bytes(ShadowsocksServer server) {
        return server.traffic().snapshot().values().stream().mapToLong(TrafficStats.PortTotals::bytes).sum();
    }

    private static String config(int localPort, int checkPort, ShadowsocksServer... servers) {
        StringBuilder b = new StringBuilder("{\"local_address\": \"127.0.0.1\", \"local_port\": " + localPort
                + ", \"balancer\": {\"check_interval\": 1, \"max_server_rtt\": 2, \"tcp_check_target\": \"127.0.0.1:"
                + checkPort + "\"}, \"servers\": [");
        for (int i = 0; i < servers.length; i++) {
            b.append(i == 0 ? "" : ", ").append("{\"server\": \"127.0.0.1\", \"server_port\": ")
                    .append(servers[i].tcpAddresses().get(0).getPort()).append(", \"method\": \"").append(METHOD)
                    .append("\", \"password\": \"").append(PASSWORD).append("\"}");
        }
        return b.append("]}").toString();
    }

    /** One echo connection through sslocal, and the server that carried it. */
    private static ShadowsocksServer carrier(int socksPort, TestTarget target, ShadowsocksServer a,
            ShadowsocksServer b) throws Exception {
        long beforeA = bytes(a);
        long beforeB = bytes(b);
        try (Socket s = TestTarget.echo(Socks.connect(new InetSocketAddress("127.0.0.1", socksPort), "127.0.0.1",
                target.port()))) {
            TestTarget.roundTrip(s, "y".repeat(MARK));
        }
        Await.until(() -> bytes(a) - beforeA >= MARK || bytes(b) - beforeB >= MARK, "a server carried it");
        return bytes(a) - beforeA >= MARK ? a : b;
    }

    @Test
    void sigusr1TakesTheServerListOfTheFileAndABrokenFileKeepsTheOldOne() throws Exception {
        TestDns dns = closer.add(new TestDns());
        TestTarget target = closer.add(new TestTarget());
        HttpServer check = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        check.createContext("/generate_204", exchange -> {
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        check.start();
        closer.add(() -> check.stop(0));
        int checkPort = check.getAddress().getPort();
        ShadowsocksServer a = closer.add(ShadowsocksServer.start(ProxyStack.serverSettings(METHOD, PASSWORD, dns)
                .mode(Mode.TCP_ONLY).build()));
        ShadowsocksServer b = closer.add(ShadowsocksServer.start(ProxyStack.serverSettings(METHOD, PASSWORD, dns)
                .mode(Mode.TCP_ONLY).build()));
        int socksPort = ExternalPeer.freePort();
        Path file = dir.resolve("local.json");
        Files.writeString(file, config(socksPort, checkPort, a));
        Launched local = closer.add(Launched.start(dir, "sslocal", "-c", file.toString()).awaitTcp(socksPort));
        assertThat(carrier(socksPort, target, a, b)).isSameAs(a);

        Files.writeString(file, config(socksPort, checkPort, b));
        local.signal("USR1");
        local.awaitLog("servers now", 1);
        assertThat(carrier(socksPort, target, a, b)).as("after SIGUSR1").isSameAs(b);

        Files.writeString(file, "{\"servers\": [{\"server\": \"127.0.0.1\", \"server_port\": 1, \"password\": ");
        local.signal("USR1");
        local.awaitLog("SIGUSR1: server list not changed", 1);
        assertThat(local.log()).contains("local.json");
        assertThat(local.process.isAlive()).isTrue();
        assertThat(carrier(socksPort, target, a, b)).as("the broken file changed nothing").isSameAs(b);

        // both: the two are probed, and new connections keep going where the balancer says
        Files.writeString(file, config(socksPort, checkPort, a, b));
        local.signal("USR1");
        local.awaitLog("servers now", 2);
        assertThat(carrier(socksPort, target, a, b)).isIn(a, b);
        a.close();
        for (int i = 0; i < 4; i++) {
            assertThat(carrier(socksPort, target, a, b)).as("a stopped: every new connection via b").isSameAs(b);
        }
        assertThat(local.log()).doesNotContain(PASSWORD);
    }
}
