package dev.ssjvm.admin.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.ssjvm.admin.Admin;
import dev.ssjvm.admin.AdminSettings;
import dev.ssjvm.admin.PortTemplate;
import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.service.acl.IpRangeSet;
import dev.ssjvm.service.config.Mode;
import dev.ssjvm.service.config.PortSettings;
import dev.ssjvm.service.config.ServerSettings;
import dev.ssjvm.service.limits.Limits;
import dev.ssjvm.service.server.ServerPort;
import dev.ssjvm.service.server.ShadowsocksServer;
import dev.ssjvm.service.testing.ExternalPeer;
import dev.ssjvm.service.testing.HttpTarget;
import dev.ssjvm.service.testing.LeakCheck;
import dev.ssjvm.service.testing.Socks;
import dev.ssjvm.service.testing.TestData;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * ssmanager's side of the ss-manager protocol over real sockets, with the exact strings libev's
 * ss-manager sends: ports added by command carry libev ss-local traffic (curl through it), removed
 * ones stop, {@code ping} counts what went through, and every malformed or unusable command is
 * answered and logged.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ManagerControllerTest {
    private static final String HOST = "127.0.0.1";

    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new ArrayList<>();
    private ShadowsocksServer server;
    private Admin admin;

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        if (admin != null) {
            admin.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** A server with no ports and ssmanager's admin plane on {@code managerAddress}, as {@code ssmanager} starts it. */
    private void startManager(String managerAddress, ServerSettings.Builder settings) throws IOException {
        server = ShadowsocksServer.start(settings.forbidden(IpRangeSet.empty()).build());
        admin = Admin.start(server, new AdminSettings(managerAddress, AdminSettings.ManagerRole.CONTROLLER, null, null,
                null, null, Duration.ZERO), new PortTemplate(List.of(HOST), CipherKind.AES_256_GCM), null);
    }

    private ManagerClient udpManager() throws IOException {
        int port = ExternalPeer.freePort();
        startManager(HOST + ":" + port, ServerSettings.builder());
        return track(ManagerClient.udp(port));
    }

    private <T extends AutoCloseable> T track(T closeable) {
        open.add(closeable);
        return closeable;
    }

    @Test
    void aPortAddedByCommandCarriesLibevTrafficAndPingCountsIt() throws Exception {
        ManagerClient client = udpManager();
        HttpTarget http = track(new HttpTarget());
        int port = ExternalPeer.freePort();
        int socks = ExternalPeer.freePort();
        ExternalPeer ssLocal = track(ExternalPeer.start("ss-local", "-s", HOST, "-p", "" + port, "-b", HOST,
                "-l", "" + socks, "-k", "manager-pw", "-m", "aes-256-gcm").awaitTcp(socks));

        assertThat(client.command("ping")).isEqualTo("stat: {}");
        assertThat(client.command("list")).isEqualTo("[\n]");
        assertThat(client.command("add: {\"server_port\": " + port + ", \"password\": \"manager-pw\"}")).isEqualTo("ok");
        // the answer comes once the port is bound: it takes connections now, with no retry
        new Socket(HOST, port).close();

        long body = 300_000;
        ExternalPeer.Result get = curl(socks, "http://127.0.0.1:" + http.port() + "/bytes/" + body);
        assertThat(get.exitCode()).as(get.stderr()).isZero();
        assertThat(TestData.sha256().digest(get.stdout())).isEqualTo(TestData.streamHash(body));

        String ping = client.command("ping");
        assertThat(ping).matches("stat: \\{\"" + port + "\":[0-9]+\\}");
        long counted = Long.parseLong(ping.replaceAll("[^0-9]+", " ").trim().split(" ")[1]);
        // the body, plus the HTTP request and response headers (payload only: no cipher overhead)
        assertThat(counted).isBetween(body, body + 1024);

        assertThat(client.command("list")).isEqualTo(
                "[\n\t{\"server_port\":\"" + port + "\",\"password\":\"manager-pw\",\"method\":\"aes-256-gcm\"}\n]");

        assertThat(client.command("remove: {\"server_port\": " + port + "}")).isEqualTo("ok");
        assertThatThrownBy(() -> new Socket(HOST, port).close()).isInstanceOf(ConnectException.class);
        ExternalPeer.Result after = curl(socks, "http://127.0.0.1:" + http.port() + "/bytes/10");
        assertThat(after.exitCode()).as("a removed port relays nothing").isNotZero();
        assertThat(client.command("ping")).isEqualTo("stat: {}");
        assertThat(client.command("list")).isEqualTo("[\n]");
        assertThat(ssLocal.isAlive()).isTrue();
    }

    @Test
    void portAsStringMethodAndModeAreTakenAndAnAddForARunningPortReplacesIt() throws Exception {
        ManagerClient client = udpManager();
        HttpTarget http = track(new HttpTarget());
        int port = ExternalPeer.freePort();
        assertThat(client.command("add: {\"server_port\": \"" + port + "\", \"password\": \"one\","
                + " \"method\": \"chacha20-ietf-poly1305\", \"mode\": \"tcp_and_udp\"}")).isEqualTo("ok");
        assertThat(server.port(port).mode()).isEqualTo(Mode.TCP_AND_UDP);
        assertThat(server.port(port).udpAddresses()).isNotEmpty();
        assertThat(client.command("list")).isEqualTo("[\n\t{\"server_port\":\"" + port
                + "\",\"password\":\"one\",\"method\":\"chacha20-ietf-poly1305\"}\n]");

        // libev answers an add for a running port by restarting it with the new settings
        assertThat(client.command("add: {\"server_port\": " + port + ", \"password\": \"two\"}")).isEqualTo("ok");
        assertThat(client.command("list")).isEqualTo("[\n\t{\"server_port\":\"" + port
                + "\",\"password\":\"two\",\"method\":\"aes-256-gcm\"}\n]");
        assertThat(server.port(port).mode()).as("the server's default mode").isEqualTo(Mode.TCP_ONLY);
        int socks = ExternalPeer.freePort();
        track(ExternalPeer.start("ss-local", "-s", HOST, "-p", "" + port, "-b", HOST, "-l", "" + socks,
                "-k", "two", "-m", "aes-256-gcm").awaitTcp(socks));
        ExternalPeer.Result get = curl(socks, "http://127.0.0.1:" + http.port() + "/bytes/1000");
        assertThat(get.exitCode()).as(get.stderr()).isZero();
        assertThat(get.stdout()).hasSize(1000);
    }

    @Test
    void anAddMayCarryThePortsLimitsAndAnotherAddChangesThemWithoutARestart() throws Exception {
        ManagerClient client = udpManager();
        HttpTarget http = track(new HttpTarget());
        int port = ExternalPeer.freePort();
        assertThat(client.command("add: {\"server_port\": " + port + ", \"password\": \"limited\","
                + " \"limits\": {\"max_connections\": 1, \"up\": \"2MB/s\", \"quota\": \"50GB\", \"quota_period\": \"30d\"}}"))
                .isEqualTo("ok");
        ServerPort running = server.port(port);
        assertThat(running.settings().limits().port())
                .isEqualTo(new Limits(1, 2_000_000, 0, 50_000_000_000L, Duration.ofDays(30), null));

        // one connection at a time: libev ss-local traffic goes through while nothing else holds the port
        int socks = ExternalPeer.freePort();
        track(ExternalPeer.start("ss-local", "-s", HOST, "-p", "" + port, "-b", HOST, "-l", "" + socks,
                "-k", "limited", "-m", "aes-256-gcm").awaitTcp(socks));
        ExternalPeer.Result get = curl(socks, "http://127.0.0.1:" + http.port() + "/bytes/1000");
        assertThat(get.exitCode()).as(get.stderr()).isZero();
        // curl is done, but ss-local may not have closed that connection to the server yet: wait, so
        // that the one open connection below is the holder's and not this one on its way out
        long closed = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.traffic().ofPort(port).users().get("").tcpOpen() > 0 && System.nanoTime() < closed) {
            Thread.sleep(10);
        }
        assertThat(server.traffic().ofPort(port).users().get("").tcpOpen()).isZero();
        // a request that is relayed and kept open (its headers never end) holds the one connection
        try (Socket holder = Socks.connect(new InetSocketAddress(HOST, socks), HOST, http.port())) {
            holder.getOutputStream().write("GET /bytes/1 HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
            holder.getOutputStream().flush();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (server.traffic().ofPort(port).users().get("").tcpOpen() < 1 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(server.traffic().ofPort(port).users().get("").tcpOpen()).isEqualTo(1);
            ExternalPeer.Result refused = curl(socks, "http://127.0.0.1:" + http.port() + "/bytes/1000");
            assertThat(refused.exitCode()).as("a second connection while one is open").isNotZero();
        }

        // the same port and key with other limits: the port keeps running, with the new limits
        assertThat(client.command("add: {\"server_port\": " + port + ", \"password\": \"limited\","
                + " \"limits\": {\"max_connections\": 5}}")).isEqualTo("ok");
        assertThat(server.port(port)).isSameAs(running);
        assertThat(running.settings().limits().port()).isEqualTo(new Limits(5, 0, 0, 0, null, null));
    }

    @Test
    void everyBadCommandIsAnsweredAndLoggedOnceWithoutThePassword() throws Exception {
        ManagerClient client = udpManager();
        ListAppender<ILoggingEvent> log = captureLog();
        int free = ExternalPeer.freePort();
        String[][] cases = {
            {"add: {\"password\": \"s3cr3t-pw\"}", "err", "key 'server_port' is missing"},
            {"add: {\"server_port\": " + free + "}", "err", "key 'password' is missing"},
            {"add: {\"server_port\": " + free + ", \"password\": \"\"}", "err", "key 'password': expected a non-empty"},
            {"add: {\"server_port\": " + free + ", \"password\": s3cr3t-pw}", "err", "malformed JSON"},
            {"add: {\"server_port\": " + free + ", \"password\": \"s3cr3t-pw\"", "err", "malformed JSON"},
            {"add", "err", "no JSON object"},
            {"add: [1]", "err", "no JSON object"},
            {"add: {\"server_port\": 0, \"password\": \"s3cr3t-pw\"}", "err", "key 'server_port': expected a port"},
            {"add: {\"server_port\": \"http\", \"password\": \"s3cr3t-pw\"}", "err", "key 'server_port': expected a port"},
            {"add: {\"server_port\": 70000, \"password\": \"s3cr3t-pw\"}", "err", "key 'server_port': expected a port"},
            {"add: {\"server_port\": " + free + ", \"password\": \"s3cr3t-pw\", \"method\": \"aes-257-gcm\"}", "err",
                "unsupported method 'aes-257-gcm'"},
            {"add: {\"server_port\": " + free + ", \"password\": \"s3cr3t-pw\", \"method\": \"2022-blake3-aes-256-gcm\"}",
                "err", "needs a base64 key of 32 bytes"},
            {"add: {\"server_port\": " + free + ", \"password\": \"s3cr3t-pw\", \"mode\": \"tcp\"}", "err", "key 'mode'"},
            {"add: {\"server_port\": " + free + ", \"password\": \"s3cr3t-pw\", \"fast_open\": true}", "err",
                "key 'fast_open': cannot be set per port"},
            {"add: {\"server_port\": " + free + ", \"password\": \"s3cr3t-pw\", \"no_delay\": false}", "err",
                "key 'no_delay': cannot be set per port"},
            {"add: {\"server_port\": " + free + ", \"password\": \"s3cr3t-pw\", \"plugin\": \"obfs-server\"}", "err",
                "key 'plugin': SIP003 plugins are not supported"},
            {"add: {\"server_port\": " + free + ", \"password\": \"s3cr3t-pw\", \"plugin_opts\": \"obfs=http\"}", "err",
                "key 'plugin_opts': SIP003 plugins are not supported"},
            {"add: {\"server_port\": " + free + ", \"password\": \"s3cr3t-pw\", \"users\": []}", "err", "unknown key 'users'"},
            {"add: {\"server_port\": " + free + ", \"password\": \"s3cr3t-pw\", \"server_port\": 1}", "err", "malformed JSON"},
            {"add: {\"server_port\": " + free + ", \"password\": \"s3cr3t-pw\", \"limits\": {\"up\": \"fast\"}}", "err",
                "key 'limits.up'"},
            {"add: {\"server_port\": " + free + ", \"password\": \"s3cr3t-pw\", \"limits\": {\"speed\": 1}}", "err",
                "unknown key 'limits.speed'"},
            {"add: {\"server_port\": " + free + ", \"password\": \"s3cr3t-pw\", \"limits\": 5}", "err",
                "'limits' must be an object"},
            {"remove", "err", "no JSON object"},
            {"remove: {}", "err", "key 'server_port' is missing"},
            {"remove: {\"server_port\": " + free + ", \"password\": \"s3cr3t-pw\"}", "err", "unknown key 'password'"},
        };
        for (String[] c : cases) {
            log.list.clear();
            assertThat(client.command(c[0])).as(c[0]).isEqualTo(c[1]);
            List<String> lines = log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
            assertThat(lines).as(c[0]).singleElement().asString().contains("refused (err)").contains(c[2])
                    .doesNotContain("s3cr3t-pw");
        }
        assertThat(server.ports()).as("nothing was added by a refused command").isEmpty();

        // not UTF-8
        client.send(new byte[] {'a', 'd', 'd', ':', ' ', '{', (byte) 0xc3, '}'});
        assertThat(client.receive()).isEqualTo("err");

        // what libev does not answer is not answered either: the next reply is the ping's
        client.send("frobnicate: {}");
        client.send("stat: {\"8388\":12}");
        assertThat(client.command("ping")).isEqualTo("stat: {}");

        // socket options that are the server's own are honoured, and so an empty plugin (no plugin)
        assertThat(client.command("add: {\"server_port\": " + free + ", \"password\": \"s3cr3t-pw\", \"fast_open\": false,"
                + " \"no_delay\": true, \"plugin\": \"\", \"plugin_opts\": \"\"}")).isEqualTo("ok");
        assertThat(server.port(free)).isNotNull();
    }

    @Test
    void aPortThatCannotBeBoundIsNotAvailableAndARemoveOfAMissingPortIsOk() throws Exception {
        ManagerClient client = udpManager();
        ListAppender<ILoggingEvent> log = captureLog();
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(HOST, 0));
            assertThat(client.command("add: {\"server_port\": " + taken.getLocalPort() + ", \"password\": \"s3cr3t-pw\"}"))
                    .isEqualTo("port is not available");
            assertThat(log.list).singleElement().extracting(ILoggingEvent::getFormattedMessage).asString()
                    .contains("port " + taken.getLocalPort() + " is not available").doesNotContain("s3cr3t-pw");
        }
        log.list.clear();
        assertThat(client.command("remove: {\"server_port\": \"" + ExternalPeer.freePort() + "\"}")).isEqualTo("ok");
        assertThat(log.list).singleElement().extracting(ILoggingEvent::getFormattedMessage).asString()
                .contains("no port").contains("is running");
        assertThat(client.command("list")).isEqualTo("[\n]");
    }

    @Test
    void portsOfTheConfigAreListedAndPingedTooAndALongListComesInSeveralDatagrams() throws Exception {
        int port = ExternalPeer.freePort();
        startManager(HOST + ":" + port, ServerSettings.builder()
                .port(PortSettings.of(HOST, 0, CipherKind.CHACHA20_IETF_POLY1305, "from-config")));
        int configured = server.ports().get(0).port();
        ManagerClient client = track(ManagerClient.udp(port));
        assertThat(client.command("ping")).isEqualTo("stat: {\"" + configured + "\":0}");
        assertThat(client.command("list")).isEqualTo("[\n\t{\"server_port\":\"" + configured
                + "\",\"password\":\"from-config\",\"method\":\"chacha20-ietf-poly1305\"}\n]");

        // a password long enough that a handful of ports fill a datagram
        String longPassword = "p".repeat(20_000);
        List<Integer> added = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int p = ExternalPeer.freePort();
            assertThat(client.command("add: {\"server_port\": " + p + ", \"password\": \"" + longPassword + "\"}"))
                    .isEqualTo("ok");
            added.add(p);
        }
        client.send("list");
        StringBuilder whole = new StringBuilder();
        int datagrams = 0;
        while (!whole.toString().endsWith("\n]")) {
            whole.append(client.receive());
            datagrams++;
        }
        assertThat(datagrams).isGreaterThan(1);
        com.fasterxml.jackson.databind.JsonNode list = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(whole.toString());
        assertThat(list.size()).isEqualTo(6);
        assertThat(list.get(5).get("server_port").textValue()).isEqualTo("" + added.get(4));
        assertThat(list.get(5).get("password").textValue()).isEqualTo(longPassword);
    }

    /** The unasked stat every few seconds: cumulative, the same numbers as ping, to the last client. */
    @Test
    void periodicStatsAreCumulativeAsPingIsAndGoToTheLastClient() throws Exception {
        server = ShadowsocksServer.start(ServerSettings.builder().forbidden(IpRangeSet.empty()).build());
        admin = Admin.start(server, AdminSettings.NONE, new PortTemplate(List.of(HOST), CipherKind.AES_256_GCM), null);
        int managerPort = ExternalPeer.freePort();
        ManagerController controller = track(ManagerController.start(admin,
                ManagerAddress.parse(HOST + ":" + managerPort), Duration.ofMillis(300)));
        ManagerClient first = track(ManagerClient.udp(managerPort));
        ManagerClient last = track(ManagerClient.udp(managerPort));
        HttpTarget http = track(new HttpTarget());
        int port = ExternalPeer.freePort();
        int socks = ExternalPeer.freePort();
        assertThat(first.command("add: {\"server_port\": " + port + ", \"password\": \"pw\"}")).isEqualTo("ok");
        track(ExternalPeer.start("ss-local", "-s", HOST, "-p", "" + port, "-b", HOST, "-l", "" + socks,
                "-k", "pw", "-m", "aes-256-gcm").awaitTcp(socks));
        assertThat(curl(socks, "http://127.0.0.1:" + http.port() + "/bytes/50000").exitCode()).isZero();
        String ping = last.command("ping");
        assertThat(ping).startsWith("stat: {\"" + port + "\":");
        // two pushes in a row with no traffic in between: the same total both times, not a difference
        assertThat(last.receive()).isEqualTo(ping);
        assertThat(last.receive()).isEqualTo(ping);
        assertThat(controller.localAddress()).isEqualTo(new InetSocketAddress(HOST, managerPort));
    }

    @Test
    void unixDatagramSocketReplacesAStaleFileAnswersAndIsRemovedOnClose() throws Exception {
        Path socket = dir.resolve("manager.sock");
        staleSocketFile(socket);
        assertThat(socket).exists();
        startManager(socket.toString(), ServerSettings.builder());
        ManagerClient client = track(ManagerClient.unix(socket, dir.resolve("client.sock")));
        HttpTarget http = track(new HttpTarget());
        int port = ExternalPeer.freePort();
        assertThat(client.command("add: {\"server_port\": " + port + ", \"password\": \"unix-pw\"}")).isEqualTo("ok");
        assertThat(client.command("list")).isEqualTo(
                "[\n\t{\"server_port\":\"" + port + "\",\"password\":\"unix-pw\",\"method\":\"aes-256-gcm\"}\n]");
        int socks = ExternalPeer.freePort();
        track(ExternalPeer.start("ss-local", "-s", HOST, "-p", "" + port, "-b", HOST, "-l", "" + socks,
                "-k", "unix-pw", "-m", "aes-256-gcm").awaitTcp(socks));
        assertThat(curl(socks, "http://127.0.0.1:" + http.port() + "/bytes/20000").exitCode()).isZero();
        assertThat(client.command("ping")).matches("stat: \\{\"" + port + "\":2[0-9]{4}\\}");
        assertThat(client.command("add: {\"server_port\": " + port + "}")).isEqualTo("err");
        assertThat(client.command("remove: {\"server_port\": " + port + "}")).isEqualTo("ok");
        assertThat(client.command("ping")).isEqualTo("stat: {}");
        admin.close();
        admin = null;
        assertThat(socket).doesNotExist();
    }

    @Test
    void aPathThatIsNotASocketIsNeitherRemovedNorUsed() throws Exception {
        Path file = dir.resolve("important.txt");
        Files.writeString(file, "keep me");
        server = ShadowsocksServer.start(ServerSettings.builder().build());
        assertThatThrownBy(() -> Admin.start(server, new AdminSettings(file.toString(),
                AdminSettings.ManagerRole.CONTROLLER, null, null, null, null, Duration.ZERO),
                new PortTemplate(List.of(HOST), CipherKind.AES_256_GCM), null))
                .isInstanceOf(IOException.class).hasMessageContaining("is not a socket");
        assertThat(Files.readString(file)).isEqualTo("keep me");
    }

    @Test
    void aTakenUdpAddressIsAnErrorNamingIt() throws Exception {
        try (java.net.DatagramSocket taken = new java.net.DatagramSocket(new InetSocketAddress(HOST, 0))) {
            assertThatThrownBy(() -> startManager(HOST + ":" + taken.getLocalPort(), ServerSettings.builder()))
                    .isInstanceOf(IOException.class).hasMessageContaining("manager address " + HOST + ":"
                            + taken.getLocalPort() + ": cannot bind");
        }
    }

    /** A socket file left behind, as by a process that was killed. */
    private static void staleSocketFile(Path path) throws Exception {
        EventLoopGroup loop = new EpollEventLoopGroup(1);
        try {
            new Bootstrap().group(loop).channel(EpollDomainDatagramChannel.class)
                    .handler(new ChannelInboundHandlerAdapter())
                    .bind(new DomainSocketAddress(path.toString())).sync().channel().close().sync();
        } finally {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    private ListAppender<ILoggingEvent> captureLog() {
        Logger logger = (Logger) LoggerFactory.getLogger(ManagerCommands.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        open.add(() -> logger.detachAppender(appender));
        return appender;
    }

    static ExternalPeer.Result curl(int socksPort, String url) throws Exception {
        return ExternalPeer.run(60, "curl", "-sS", "--max-time", "10", "--socks5-hostname", HOST + ":" + socksPort, url);
    }
}
