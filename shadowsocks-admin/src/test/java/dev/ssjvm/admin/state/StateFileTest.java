package dev.ssjvm.admin.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ssjvm.admin.Admin;
import dev.ssjvm.admin.AdminSettings;
import dev.ssjvm.admin.PortTemplate;
import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.service.config.LocalListener;
import dev.ssjvm.service.config.LocalSettings;
import dev.ssjvm.service.config.PortSettings;
import dev.ssjvm.service.config.ServerEndpoint;
import dev.ssjvm.service.config.ServerSettings;
import dev.ssjvm.service.limits.Limits;
import dev.ssjvm.service.limits.PortLimits;
import dev.ssjvm.service.limits.Refusal;
import dev.ssjvm.service.local.ShadowsocksLocal;
import dev.ssjvm.service.metrics.Failure;
import dev.ssjvm.service.metrics.ServerMetrics;
import dev.ssjvm.service.metrics.TrafficStats;
import dev.ssjvm.service.server.ShadowsocksServer;
import dev.ssjvm.service.testing.ExternalPeer;
import dev.ssjvm.service.testing.LeakCheck;
import dev.ssjvm.service.testing.ProxyStack;
import dev.ssjvm.service.testing.Socks;
import dev.ssjvm.service.testing.TestDns;
import dev.ssjvm.service.testing.TestTarget;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Counts and quotas survive a restart through the state file, and a broken file stops the start. */
@ExtendWith(LeakCheck.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class StateFileTest {
    private static final CipherKind METHOD = CipherKind.AES_256_GCM;

    @TempDir
    Path dir;

    private static int freePort() throws IOException {
        return ExternalPeer.freePort();
    }

    private static ServerSettings settings(TestDns dns, int port) {
        // a quota keeps a quota state, so the file must carry it too
        return ProxyStack.serverSettings(METHOD, "state", dns)
                .ports(List.of(PortSettings.of("127.0.0.1", port, METHOD, "state").withLimits(
                        new PortLimits(new Limits(0, 0, 0, 10_000_000, Duration.ofDays(30), null), java.util.Map.of()))))
                .build();
    }

    private static void upload(ShadowsocksServer server, TestTarget target, long size) throws IOException {
        int port = server.ports().get(0).port();
        try (ShadowsocksLocal local = ShadowsocksLocal.start(LocalSettings.of(
                List.of(new ServerEndpoint("127.0.0.1", port, METHOD, "state")),
                List.of(LocalListener.socks("127.0.0.1", 0))));
                Socket s = Socks.connect(local.tcpAddresses().get(0), ProxyStack.TARGET_NAME, target.port())) {
            TestTarget.upload(s, size);
        }
    }

    private static Admin admin(ShadowsocksServer server, Path file) throws IOException {
        AdminSettings settings = new AdminSettings(null, AdminSettings.ManagerRole.NONE, null, null, null, file,
                Duration.ZERO);
        return Admin.start(server, settings, new PortTemplate(List.of("127.0.0.1"), METHOD), null);
    }

    @Test
    void countsAndQuotasGoOnAfterARestart() throws Exception {
        Path file = dir.resolve("ssjvm.state");
        int port = freePort();
        try (TestDns dns = new TestDns().add(ProxyStack.TARGET_NAME, InetAddress.getLoopbackAddress());
                TestTarget target = new TestTarget()) {
            long first;
            try (ShadowsocksServer server = ShadowsocksServer.start(settings(dns, port))) {
                Admin admin = admin(server, file);
                upload(server, target, 1_000_000);
                first = server.traffic().ofPort(port).users().get("").tcpBytesUp();
                // failure and limit-hit counts, per port and per user, are kept as well
                server.traffic().failure(port, "alice", ServerMetrics.Protocol.TCP, Failure.TARGET_REFUSED);
                server.traffic().limitHit(port, "alice", Refusal.QUOTA);
                admin.close(); // writes the file
            }
            assertThat(first).isGreaterThanOrEqualTo(1_000_000);
            assertThat(Files.readString(file)).contains("\"" + port + "\"").doesNotContain("state\"");

            try (ShadowsocksServer server = ShadowsocksServer.start(settings(dns, port))) {
                Admin admin = admin(server, file);
                TrafficStats.UserTotals restored = server.traffic().ofPort(port).users().get("");
                assertThat(restored.tcpBytesUp()).as("the count goes on").isEqualTo(first);
                assertThat(restored.tcpOpen()).as("no connection is open after a restart").isZero();
                TrafficStats.PortTotals totals = server.traffic().ofPort(port);
                assertThat(totals.tcpFailures().get(Failure.TARGET_REFUSED)).isEqualTo(1);
                assertThat(totals.tcpFailuresByUser().get("alice").get(Failure.TARGET_REFUSED)).isEqualTo(1);
                assertThat(totals.limitHits().get(Refusal.QUOTA)).isEqualTo(1);
                assertThat(totals.limitHitsByUser().get("alice").get(Refusal.QUOTA)).isEqualTo(1);
                assertThat(server.ports().get(0).limiter().quotas().get("").usedBytes())
                        .as("the quota used so far is kept").isGreaterThanOrEqualTo(first);
                upload(server, target, 500_000);
                assertThat(server.traffic().ofPort(port).users().get("").tcpBytesUp())
                        .isGreaterThanOrEqualTo(first + 500_000);
                admin.close();
            }
        }
    }

    @Test
    void theLastWriteAfterTheServerHasStoppedStillHasTheQuotas() throws Exception {
        // a graceful stop drains the server first and closes the admin plane after it
        Path file = dir.resolve("after-stop.state");
        int port = freePort();
        try (TestDns dns = new TestDns().add(ProxyStack.TARGET_NAME, InetAddress.getLoopbackAddress());
                TestTarget target = new TestTarget()) {
            ShadowsocksServer server = ShadowsocksServer.start(settings(dns, port));
            Admin admin = admin(server, file);
            upload(server, target, 300_000);
            server.close(Duration.ofSeconds(5));
            admin.close();
            ShadowsocksServer again = ShadowsocksServer.start(settings(dns, port));
            try (again) {
                Admin restored = admin(again, file);
                assertThat(again.ports().get(0).limiter().quotas().get("").usedBytes())
                        .as("the quota used before the stop").isGreaterThanOrEqualTo(300_000);
                restored.close();
            }
        }
    }

    @Test
    void aBrokenFileStopsTheStartSayingWhatToDo() throws Exception {
        Path file = dir.resolve("broken.state");
        Files.writeString(file, "{ not json");
        try (TestDns dns = new TestDns();
                ShadowsocksServer server = ShadowsocksServer.start(settings(dns, 0))) {
            assertThatThrownBy(() -> admin(server, file)).isInstanceOf(IOException.class)
                    .hasMessageContaining("broken.state").hasMessageContaining("move it away");
        }
    }
}
