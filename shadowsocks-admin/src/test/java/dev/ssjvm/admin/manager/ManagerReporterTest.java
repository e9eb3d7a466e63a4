package dev.ssjvm.admin.manager;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssjvm.admin.Admin;
import dev.ssjvm.admin.AdminSettings;
import dev.ssjvm.admin.PortTemplate;
import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.service.acl.IpRangeSet;
import dev.ssjvm.service.config.PortSettings;
import dev.ssjvm.service.config.ServerSettings;
import dev.ssjvm.service.server.ShadowsocksServer;
import dev.ssjvm.service.testing.ExternalPeer;
import dev.ssjvm.service.testing.HttpTarget;
import dev.ssjvm.service.testing.LeakCheck;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * ssserver's reports to an external manager: libev ss-server's datagram, byte for byte, per port.
 * That libev's ss-manager reads them is shown by the cli module's ManagerIT.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ManagerReporterTest {
    private static final Pattern REPORT = Pattern.compile("stat: \\{\"([0-9]+)\":([0-9]+)\\}\0");

    @TempDir
    Path dir;

    /** Through the admin plane as ssserver starts it, at libev's 5 s. */
    @Test
    void everyPortReportsItsTotalAsLibevSsServerDoes() throws Exception {
        try (DatagramSocket manager = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                HttpTarget http = new HttpTarget();
                ShadowsocksServer server = ShadowsocksServer.start(ServerSettings.builder()
                        .port(PortSettings.of("127.0.0.1", 0, CipherKind.AES_256_GCM, "one"))
                        .port(PortSettings.of("127.0.0.1", 0, CipherKind.AES_128_GCM, "two"))
                        .forbidden(IpRangeSet.empty()).build());
                Admin admin = Admin.start(server, new AdminSettings("127.0.0.1:" + manager.getLocalPort(),
                        AdminSettings.ManagerRole.REPORTER, null, null, null, null, Duration.ZERO),
                        new PortTemplate(List.of("127.0.0.1"), CipherKind.AES_256_GCM), null)) {
            assertThat(admin.addons()).singleElement().isInstanceOf(ManagerReporter.class);
            int one = server.ports().get(0).port();
            int two = server.ports().get(1).port();
            int socks = ExternalPeer.freePort();
            try (ExternalPeer ssLocal = ExternalPeer.start("ss-local", "-s", "127.0.0.1", "-p", "" + one, "-b",
                    "127.0.0.1", "-l", "" + socks, "-k", "one", "-m", "aes-256-gcm").awaitTcp(socks)) {
                assertThat(ManagerControllerTest.curl(socks, "http://127.0.0.1:" + http.port() + "/bytes/40000")
                        .exitCode()).isZero();
            }
            long expected = server.traffic().ofPort(one).bytes();
            assertThat(expected).isBetween(40_000L, 41_000L);
            manager.setSoTimeout(20_000);
            Map<Integer, Long> reported = new HashMap<>();
            while (!Long.valueOf(expected).equals(reported.get(one)) || !reported.containsKey(two)) {
                byte[] buf = new byte[2048];
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                manager.receive(p);
                String text = new String(Arrays.copyOf(buf, p.getLength()), StandardCharsets.US_ASCII);
                Matcher m = REPORT.matcher(text);
                assertThat(m.matches()).as("one port per datagram, with libev's NUL: %s", text).isTrue();
                reported.put(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)));
            }
            assertThat(reported).containsOnlyKeys(one, two).containsEntry(two, 0L);
        }
    }

    /** To a Unix socket; one that is not there yet is logged, and the reports go through once it is. */
    @Test
    void reportsReachAUnixSocketOnceItIsThere() throws Exception {
        Path socket = dir.resolve("ss-manager.sock");
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
                .getLogger(ManagerReporter.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> log =
                new ch.qos.logback.core.read.ListAppender<>();
        log.start();
        logger.addAppender(log);
        try (ShadowsocksServer server = ShadowsocksServer.start(ServerSettings.builder()
                        .port(PortSettings.of("127.0.0.1", 0, CipherKind.AES_256_GCM, "one")).build());
                ManagerReporter reporter = ManagerReporter.start(server, ManagerAddress.parse(socket.toString()),
                        Duration.ofMillis(200))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (messages(log).stream().noneMatch(m -> m.contains("cannot report")) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(messages(log)).singleElement().asString().contains("cannot report to unix:" + socket);
            try (ManagerClient manager = ManagerClient.unix(dir.resolve("unused.sock"), socket)) {
                assertThat(manager.receiveBytes()).isEqualTo(ManagerProtocol.report(server.ports().get(0).port(), 0));
                assertThat(manager.receiveBytes()).isEqualTo(ManagerProtocol.report(server.ports().get(0).port(), 0));
            }
            assertThat(messages(log)).as("a failure is logged once, and the recovery").hasSize(2);
        } finally {
            logger.detachAppender(log);
        }
    }

    private static List<String> messages(ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> log) {
        return List.copyOf(log.list).stream().map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                .filter(m -> !m.contains("reporting traffic to")).toList();
    }
}
