package dev.ssjvm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.ssjvm.cli.config.ConfigException;
import dev.ssjvm.cli.config.LocalConfigLoader;
import dev.ssjvm.cli.config.LocalOptions;
import dev.ssjvm.cli.online.TestHttpsServer;
import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.service.acl.IpRangeSet;
import dev.ssjvm.service.config.Mode;
import dev.ssjvm.service.config.PortSettings;
import dev.ssjvm.service.config.ServerSettings;
import dev.ssjvm.service.server.ShadowsocksServer;
import dev.ssjvm.service.testing.Await;
import dev.ssjvm.service.testing.ExternalPeer;
import dev.ssjvm.service.testing.HttpTarget;
import dev.ssjvm.service.testing.LeakCheck;
import dev.ssjvm.service.testing.RecordingRelay;
import dev.ssjvm.service.testing.TestTarget;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Online configs end to end: a local HTTPS server (self-signed, trusted through {@code ca_file})
 * serves SIP008 documents and Outline dynamic access keys; our sslocal loads them, follows their
 * changes and keeps the last good list when a document breaks. Two ssservers on loopback, each behind a
 * recording relay, show which server (and which prefix) a connection really used.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class OnlineConfigTest {
    @TempDir
    Path dir;

    private TestHttpsServer https;
    private TestTarget target;
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private RecordingRelay relayA;
    private RecordingRelay relayB;

    @BeforeEach
    void start() throws Exception {
        https = new TestHttpsServer(dir);
        target = new TestTarget();
        ShadowsocksServer a = ShadowsocksServer.start(server(CipherKind.AES_256_GCM, "key-a"));
        ShadowsocksServer b = ShadowsocksServer.start(server(CipherKind.CHACHA20_IETF_POLY1305, "key-b"));
        toClose.add(a);
        toClose.add(b);
        relayA = new RecordingRelay(a.tcpAddresses().get(0));
        relayB = new RecordingRelay(b.tcpAddresses().get(0));
        toClose.add(relayA);
        toClose.add(relayB);
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        target.close();
        https.close();
    }

    private static ServerSettings server(CipherKind method, String password) {
        return ServerSettings.builder()
                .port(PortSettings.of("127.0.0.1", 0, method, password))
                .mode(Mode.TCP_ONLY)
                .forbidden(IpRangeSet.empty())
                .build();
    }

    private static String sip008Server(RecordingRelay relay, String method, String password, String remarks) {
        return """
                {"id": "27b8a625-4f4b-4428-9f0f-8a2317db7c79", "remarks": "%s", "server": "127.0.0.1",
                 "server_port": %d, "password": "%s", "method": "%s", "plugin": "", "plugin_opts": ""}"""
                .formatted(remarks, relay.port(), password, method);
    }

    private String sip008(String... servers) {
        return """
                {"version": 1, "servers": [%s], "bytes_used": 274877906944, "bytes_remaining": 824633720832,
                 "some_future_field": true}""".formatted(String.join(", ", servers));
    }

    private LocalCommand.Running startLocal(String url, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("--online-config-url", url, "--online-config-update-interval", "1",
                "--online-config-ca-file", https.caFile().toString(), "-l", "" + ExternalPeer.freePort(),
                "-L", "127.0.0.1:" + target.port()));
        args.addAll(Arrays.asList(more));
        LocalOptions options = new LocalOptions();
        new CommandLine(options).parseArgs(args.toArray(String[]::new));
        LocalCommand.Running running = LocalCommand.start(LocalConfigLoader.loadAll(options, line -> { }));
        toClose.add(running::close);
        return running;
    }

    private static void roundTrip(LocalCommand.Running running, String text) throws Exception {
        try (Socket s = TestTarget.echo(new Socket("127.0.0.1", running.local().tcpAddresses().get(0).getPort()))) {
            TestTarget.roundTrip(s, text);
        }
    }

    /** Connects until one goes through {@code relay}; bounded by {@link Await}. */
    private static void awaitConnectionsVia(LocalCommand.Running running, RecordingRelay relay, String what)
            throws Exception {
        int before = relay.connectionStarts().size();
        Await.until(() -> {
            try {
                roundTrip(running, "probe");
            } catch (Exception | AssertionError e) {
                return false;
            }
            return relay.connectionStarts().size() > before;
        }, what);
    }

    @Test
    void sip008IsLoadedRefreshedAndABrokenDocumentKeepsTheLastGoodList() throws Exception {
        https.serve("/servers.json", sip008(sip008Server(relayA, "aes-256-gcm", "key-a", "A")));
        LocalCommand.Running running = startLocal("https://127.0.0.1:" + https.port() + "/servers.json");
        assertThat(running.local().openConnections()).isZero();

        roundTrip(running, "first document");
        Await.until(() -> relayA.connectionStarts().size() == 1, "the connection went through server A");
        assertThat(relayB.connectionStarts()).isEmpty();

        // the provider moves the user to server B with another method and key
        https.serve("/servers.json", sip008(sip008Server(relayB, "chacha20-ietf-poly1305", "key-b", "B")));
        awaitConnectionsVia(running, relayB, "new connections follow the changed document to server B");

        // broken documents: not JSON, only a server that cannot be used (port 0), another version, none at all (404);
        // B stays in use
        for (String broken : Arrays.asList(null, "{\"version\": 1, \"servers\": [", sip008("""
                {"server": "127.0.0.1", "server_port": 0, "password": "x", "method": "aes-256-gcm"}"""), "{\"version\": 2, \"servers\": []}")) {
            if (broken == null) {
                https.remove("/servers.json");
            } else {
                https.serve("/servers.json", broken);
            }
            int requests = https.requests();
            Await.until(() -> https.requests() >= requests + 2, "sslocal fetched the broken document");
            int viaB = relayB.connectionStarts().size();
            int viaA = relayA.connectionStarts().size();
            roundTrip(running, "still working");
            Await.until(() -> relayB.connectionStarts().size() == viaB + 1, "the last good list (B) is kept");
            assertThat(relayA.connectionStarts()).hasSize(viaA);
        }

        // a good document after that is applied again; its entry with an unknown method is skipped
        https.serve("/servers.json", sip008(sip008Server(relayA, "aes-256-gcm", "key-a", "A"), """
                {"server": "127.0.0.1", "server_port": 1, "password": "x", "method": "rc4-md5"}"""));
        awaitConnectionsVia(running, relayA, "back on server A; the entry with an unknown method was skipped");
    }

    @Test
    void outlineDynamicAccessKeyWithPrefixThenAsAnSsUrl() throws Exception {
        https.serve("/keys/abc.json", """
                {"server": "127.0.0.1", "server_port": %d, "password": "key-a", "method": "aes-256-gcm",
                 "prefix": "\\u0016\\u0003\\u0001\\u0000\\u00a8\\u0001\\u0001"}""".formatted(relayA.port()));
        LocalCommand.Running running = startLocal("ssconf://127.0.0.1:" + https.port() + "/keys/abc.json#My%20key");
        roundTrip(running, "dynamic key");
        Await.until(() -> relayA.connectionStarts().size() == 1, "the connection went through server A");
        assertThat(Arrays.copyOf(relayA.connectionStarts().get(0), 7))
                .as("the key's prefix starts the connection").containsExactly(0x16, 0x03, 0x01, 0x00, 0xa8, 0x01, 0x01);

        // Outline also takes a plain ss:// URL as the document
        https.serve("/keys/abc.json", "ss://Y2hhY2hhMjAtaWV0Zi1wb2x5MTMwNTprZXktYg@127.0.0.1:" + relayB.port()
                + "/?outline=1&prefix=POST%20\n");
        awaitConnectionsVia(running, relayB, "new connections follow the key to server B");
        List<byte[]> starts = relayB.connectionStarts();
        assertThat(new String(starts.get(starts.size() - 1), 0, 5, StandardCharsets.US_ASCII)).isEqualTo("POST ");
    }

    @Test
    void withOnlyAnOnlineConfigAFirstLoadThatFailsIsAClearError() throws Exception {
        String missing = "https://127.0.0.1:" + https.port() + "/nothing-here.json";
        assertThat(startError(missing)).contains("online config https://127.0.0.1:" + https.port() + "/...")
                .contains("the first document could not be loaded").contains("HTTP status 404")
                .doesNotContain("nothing-here");

        https.serve("/bad.json", "{\"servers\": [{\"server\": \"127.0.0.1\", \"server_port\": 1,"
                + " \"password\": \"hunter2\", \"method\": \"aes-128-gcm\", \"prefix\": \"0123456789abcdef\"}]}");
        assertThat(startError("https://127.0.0.1:" + https.port() + "/bad.json"))
                .contains("no usable server").contains("servers[0] skipped").contains("leaves fewer than 4 random bytes")
                .doesNotContain("hunter2");

        // without the CA file the self-signed certificate is not trusted: system trust is the default
        https.serve("/servers.json", sip008(sip008Server(relayA, "aes-256-gcm", "key-a", "A")));
        LocalOptions options = new LocalOptions();
        new CommandLine(options).parseArgs("--online-config-url", "https://127.0.0.1:" + https.port()
                + "/servers.json", "-l", "" + ExternalPeer.freePort());
        String untrusted = catchThrowableOfType(ConfigException.class,
                () -> LocalCommand.start(LocalConfigLoader.loadAll(options, line -> { }))).getMessage();
        assertThat(untrusted).contains("the first document could not be loaded").contains("certification path");
    }

    @Test
    void configuredServersStayAlongsideTheOnlineOnesAndCarryOnWhenTheFirstLoadFails() throws Exception {
        // two servers once the document loads, so the health checks run: against a loopback target
        HttpTarget check = new HttpTarget();
        toClose.add(check::close);
        Path config = Files.writeString(dir.resolve("local.json"), """
                {"server": "127.0.0.1", "server_port": %d, "password": "key-a", "method": "aes-256-gcm",
                 "online_config": {"config_url": "https://127.0.0.1:%d/later.json", "update_interval": 1,
                                   "ca_file": "%s"},
                 "balancer": {"tcp_check_target": "127.0.0.1:%d"}}""".formatted(relayA.port(), https.port(),
                https.caFile(), check.port()));
        LocalOptions options = new LocalOptions();
        new CommandLine(options).parseArgs("-c", config.toString(), "-l", "" + ExternalPeer.freePort(),
                "-L", "127.0.0.1:" + target.port());
        LocalCommand.Running running = LocalCommand.start(LocalConfigLoader.loadAll(options, line -> { }));
        toClose.add(running::close);
        roundTrip(running, "configured server");
        Await.until(() -> relayA.connectionStarts().size() == 1, "the configured server A carried it");
        assertThat(relayB.connectionStarts()).isEmpty();

        https.serve("/later.json", sip008(sip008Server(relayB, "chacha20-ietf-poly1305", "key-b", "B")));
        awaitConnectionsVia(running, relayB, "the online server B joined the configured one");
    }

    private String startError(String url) throws Exception {
        LocalOptions options = new LocalOptions();
        new CommandLine(options).parseArgs("--online-config-url", url, "--online-config-ca-file",
                https.caFile().toString(), "-l", "" + ExternalPeer.freePort());
        return catchThrowableOfType(ConfigException.class,
                () -> LocalCommand.start(LocalConfigLoader.loadAll(options, line -> { }))).getMessage();
    }
}
