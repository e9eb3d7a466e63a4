package dev.ssjvm.admin.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ssjvm.admin.Admin;
import dev.ssjvm.admin.AdminSettings;
import dev.ssjvm.admin.PortTemplate;
import dev.ssjvm.core.protocol.UserKey;
import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.crypto.Sip022Keys;
import dev.ssjvm.service.config.LocalListener;
import dev.ssjvm.service.config.LocalSettings;
import dev.ssjvm.service.config.Mode;
import dev.ssjvm.service.config.PortSettings;
import dev.ssjvm.service.config.ServerEndpoint;
import dev.ssjvm.service.limits.Limits;
import dev.ssjvm.service.local.ShadowsocksLocal;
import dev.ssjvm.service.metrics.Failure;
import dev.ssjvm.service.metrics.TrafficStats;
import dev.ssjvm.service.server.ServerPort;
import dev.ssjvm.service.server.ShadowsocksServer;
import dev.ssjvm.service.testing.Await;
import dev.ssjvm.service.testing.LeakCheck;
import dev.ssjvm.service.testing.ProxyStack;
import dev.ssjvm.service.testing.Socks;
import dev.ssjvm.service.testing.SocksUdpClient;
import dev.ssjvm.service.testing.TestDns;
import dev.ssjvm.service.testing.TestTarget;
import dev.ssjvm.service.testing.UdpEcho;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * The HTTP management API end to end: a server with a multi-user 2022 port (and a single-key one), the
 * API on loopback, the JDK's HTTP client as the operator and our sslocal as the users' client. Every
 * change made over HTTP is checked on the wire: who gets through, which connections stay and which are
 * closed, and that the counters the API reports are the bytes that went through.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ManagementApiTest {
    private static final CipherKind METHOD = CipherKind.BLAKE3_AES_256_GCM;
    private static final String HOST = "127.0.0.1";
    private static final String SECRET = "test-secret-0123456789_abc";
    private static final ObjectMapper JSON = new ObjectMapper();

    private TestDns dns;
    private TestTarget target;
    private UdpEcho echo;
    private ShadowsocksServer server;
    private Admin admin;
    private ManagementApi api;
    private final List<Admin> moreAdmins = new ArrayList<>();
    private final List<ShadowsocksLocal> locals = new ArrayList<>();
    private final List<AutoCloseable> clients = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private String ipsk;
    private UserKey alice;
    private int multi;
    private int single;

    @BeforeEach
    void start() throws IOException {
        dns = new TestDns().add(ProxyStack.TARGET_NAME, InetAddress.getLoopbackAddress());
        target = new TestTarget();
        echo = new UdpEcho("U:");
        ipsk = Sip022Keys.generatePsk(METHOD);
        alice = new UserKey("alice", Sip022Keys.generatePsk(METHOD));
        server = ShadowsocksServer.start(ProxyStack.serverSettings(METHOD, "unused", dns)
                .ports(List.of(PortSettings.of(HOST, 0, METHOD, ipsk).withUsers(List.of(alice)),
                        PortSettings.of(HOST, 0, METHOD, Sip022Keys.generatePsk(METHOD))))
                .mode(Mode.TCP_AND_UDP).build());
        multi = server.ports().get(0).port();
        single = server.ports().get(1).port();
        admin = startAdmin(SECRET);
        api = (ManagementApi) admin.addons().get(0);
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : clients) {
            c.close();
        }
        for (ShadowsocksLocal local : locals) {
            local.close();
        }
        for (Admin a : moreAdmins) {
            a.close();
        }
        admin.close();
        server.close();
        echo.close();
        target.close();
        dns.close();
    }

    private Admin startAdmin(String secret) throws IOException {
        return Admin.start(server, new AdminSettings(null, AdminSettings.ManagerRole.NONE, HOST + ":0", secret, null,
                null, Duration.ZERO), new PortTemplate(List.of(HOST), METHOD), null);
    }

    // ---- 1. what is there

    @Test
    void theListNamesTheMultiUserPortsAndEachHasTheSpecsServerInfoAndUsers() throws Exception {
        Response root = call("GET", "", null);
        assertThat(root.status).isEqualTo(200);
        assertThat(root.contentType).startsWith("application/json");
        assertThat(root.json.get("server").asText()).startsWith("ssjvm");
        assertThat(root.json.get("apiVersion").asText()).isEqualTo("v1");
        assertThat(root.json.get("servers")).hasSize(1); // the single-key port has no SSM API users to manage
        JsonNode listed = root.json.get("servers").get(0);
        assertThat(listed.get("port").asInt()).isEqualTo(multi);
        assertThat(listed.get("method").asText()).isEqualTo("2022-blake3-aes-256-gcm");
        assertThat(listed.get("users").asInt()).isEqualTo(1);
        assertThat(listed.get("path").asText()).isEqualTo("servers/" + multi + "/");
        assertThat(raw("GET", "/" + SECRET, null).status).as("the base without its slash").isEqualTo(200);

        for (String info : List.of(base(multi), base(multi).replaceAll("/$", ""))) {
            Response r = call("GET", info, null);
            assertThat(r.status).isEqualTo(200);
            assertThat(r.json.get("apiVersion").asText()).isEqualTo("v1");
            assertThat(r.json.get("server").asText()).startsWith("ssjvm");
        }

        Response users = call("GET", base(multi) + "users", null);
        assertThat(users.status).isEqualTo(200);
        assertThat(users.json.get("users")).hasSize(1);
        assertThat(users.json.get("users").get(0).get("username").asText()).isEqualTo("alice");
        assertThat(users.json.get("users").get(0).get("uPSK").asText()).isEqualTo(alice.key());

        Response one = call("GET", base(multi) + "users/alice", null);
        assertThat(one.status).isEqualTo(200);
        assertThat(one.json.get("uPSK").asText()).isEqualTo(alice.key());
        for (String counter : List.of("uplinkBytes", "uplinkPackets", "downlinkBytes", "downlinkPackets",
                "tcpSessions", "udpSessions")) {
            assertThat(one.json.get(counter).asLong()).as(counter).isZero();
        }
        assertThat(one.json.has("limits")).isFalse();
        assertThat(one.json.has("quotaUsedBytes")).isFalse();
    }

    // ---- 2. users added, re-keyed and deleted over HTTP, checked on the wire

    @Test
    void anAddedUserGetsInAtOnceAndNobodyElseIsTouched() throws Exception {
        Socket alicesOpen = openEcho(local(alice.key()));
        TestTarget.roundTrip(alicesOpen, "alice before");
        String bobsKey = Sip022Keys.generatePsk(METHOD);
        ShadowsocksLocal bobs = local(bobsKey);
        assertGetsNowhere(bobs);
        ServerPort port = server.port(multi);

        Response added = call("POST", base(multi) + "users", "{\"username\": \"bob\", \"uPSK\": \"" + bobsKey + "\"}");
        assertThat(added.status).isEqualTo(201);

        assertThat(server.port(multi)).as("the running port took the user").isSameAs(port);
        assertThat(port.settings().users()).containsExactly(alice, new UserKey("bob", bobsKey));
        TestTarget.roundTrip(openEcho(bobs), "bob, added over HTTP");
        assertUdpEchoes(bobs);
        TestTarget.roundTrip(alicesOpen, "alice's connection across the addition");

        JsonNode users = call("GET", base(multi) + "users", null).json.get("users");
        assertThat(users).extracting(u -> u.get("username").asText()).containsExactly("alice", "bob");
        assertThat(call("GET", "", null).json.get("servers").get(0).get("users").asInt()).isEqualTo(2);
    }

    @Test
    void aPatchedKeyLocksTheOldOneOutAndClosesItsConnections() throws Exception {
        String oldKey = Sip022Keys.generatePsk(METHOD);
        addUser("bob", oldKey);
        ShadowsocksLocal oldLocal = local(oldKey);
        Socket bobsOpen = openEcho(oldLocal);
        TestTarget.roundTrip(bobsOpen, "bob, old key");
        Socket alicesOpen = openEcho(local(alice.key()));
        TestTarget.roundTrip(alicesOpen, "alice");

        assertThat(call("PATCH", base(multi) + "users/bob", "{\"uPSK\": \"" + oldKey + "\"}").status)
                .as("the same key again").isEqualTo(400);
        TestTarget.roundTrip(bobsOpen, "a refused patch changes nothing");

        String newKey = Sip022Keys.generatePsk(METHOD);
        assertThat(call("PATCH", base(multi) + "users/bob", "{\"uPSK\": \"" + newKey + "\"}").status).isEqualTo(204);
        assertClosedByServer(bobsOpen);
        assertGetsNowhere(oldLocal);
        ShadowsocksLocal newLocal = local(newKey);
        TestTarget.roundTrip(openEcho(newLocal), "bob, new key");
        assertUdpEchoes(newLocal);
        TestTarget.roundTrip(alicesOpen, "alice's connection across bob's new key");
        assertThat(call("GET", base(multi) + "users/bob", null).json.get("uPSK").asText()).isEqualTo(newKey);

        assertThat(call("PATCH", base(multi) + "users/carol", "{\"uPSK\": \"" + Sip022Keys.generatePsk(METHOD)
                + "\"}").status).as("no such user").isEqualTo(404);
        assertThat(call("PATCH", base(multi) + "users/bob", "{\"uPSK\": \"" + alice.key() + "\"}").status)
                .as("another user's key").isEqualTo(400);
        TestTarget.roundTrip(openEcho(newLocal), "bob, after the refused patches");
    }

    @Test
    void aDeletedUserIsLockedOutAndItsConnectionsClosed() throws Exception {
        String bobsKey = Sip022Keys.generatePsk(METHOD);
        addUser("bob", bobsKey);
        ShadowsocksLocal bobs = local(bobsKey);
        Socket bobsOpen = openEcho(bobs);
        TestTarget.roundTrip(bobsOpen, "bob");
        Socket alicesOpen = openEcho(local(alice.key()));
        TestTarget.roundTrip(alicesOpen, "alice");

        assertThat(call("DELETE", base(multi) + "users/bob", null).status).isEqualTo(204);
        assertClosedByServer(bobsOpen);
        assertGetsNowhere(bobs);
        TestTarget.roundTrip(alicesOpen, "alice's connection across bob's removal");
        assertThat(call("GET", base(multi) + "users/bob", null).status).isEqualTo(404);
        assertThat(call("DELETE", base(multi) + "users/bob", null).status).isEqualTo(404);
        assertThat(server.port(multi).settings().users()).containsExactly(alice);

        // the last user too: the port stays a multi-user port (identity headers are for its life), empty
        assertThat(call("DELETE", base(multi) + "users/alice", null).status).isEqualTo(204);
        assertClosedByServer(alicesOpen);
        assertThat(call("GET", base(multi) + "users", null).json.get("users")).isEmpty();
        assertThat(call("GET", "", null).json.get("servers").get(0).get("users").asInt()).isZero();
        addUser("alice", alice.key());
        TestTarget.roundTrip(openEcho(local(alice.key())), "alice, back");
    }

    // ---- 3. counters

    @Test
    void statsAndUserDetailsCountTheBytesPacketsAndSessionsThatWentThrough() throws Exception {
        String bobsKey = Sip022Keys.generatePsk(METHOD);
        addUser("bob", bobsKey);
        ShadowsocksLocal bobs = local(bobsKey);
        upload(bobs, 100_000); // 'U', 8 length bytes and the data up; a 32-byte hash down
        upload(bobs, 50_000);
        try (SocksUdpClient udp = new SocksUdpClient(socks(bobs))) {
            for (int i = 0; i < 3; i++) {
                udp.send(echo.address(), new byte[10]);
                assertThat(udp.receive(5000)).as("a UDP reply").isNotNull(); // 12 bytes: "U:" + the 10
            }
        }
        upload(local(alice.key()), 7_000);

        JsonNode bob = call("GET", base(multi) + "users/bob", null).json;
        assertCounters(bob, 150_018 + 30, 3, 64 + 36, 3, 2, 1);
        JsonNode stats = call("GET", base(multi) + "stats", null).json;
        assertCounters(stats, 150_018 + 30 + 7_009, 3, 64 + 36 + 32, 3, 3, 1);
        assertThat(stats.get("users")).extracting(u -> u.get("username").asText()).containsExactly("alice", "bob");
        assertCounters(stats.get("users").get(0), 7_009, 0, 32, 0, 1, 0);
        assertCounters(stats.get("users").get(1), 150_018 + 30, 3, 64 + 36, 3, 2, 1);

        // the single-key port has totals and no users
        upload(singleLocal(), 1_000);
        JsonNode singles = call("GET", base(single) + "stats", null).json;
        assertCounters(singles, 1_009, 0, 32, 0, 1, 0);
        assertThat(singles.get("users")).isEmpty();
    }

    @Test
    void clearAnswersTheCountsSinceTheLastClearAndLeavesTheServersCountersAlone() throws Exception {
        String bobsKey = Sip022Keys.generatePsk(METHOD);
        addUser("bob", bobsKey);
        ShadowsocksLocal bobs = local(bobsKey);
        upload(bobs, 10_000);

        JsonNode first = call("GET", base(multi) + "stats?clear=true", null).json;
        assertCounters(first, 10_009, 0, 32, 0, 1, 0);
        JsonNode afterClear = call("GET", base(multi) + "stats", null).json;
        assertCounters(afterClear, 0, 0, 0, 0, 0, 0);
        assertThat(afterClear.get("users")).extracting(u -> u.get("username").asText())
                .as("users are listed with zeros after a clear").containsExactly("alice", "bob");
        assertCounters(call("GET", base(multi) + "users/bob", null).json, 0, 0, 0, 0, 0, 0);

        upload(bobs, 20_000);
        assertCounters(call("GET", base(multi) + "stats?clear=false", null).json, 20_009, 0, 32, 0, 1, 0);
        assertCounters(call("GET", base(multi) + "users/bob", null).json, 20_009, 0, 32, 0, 1, 0);
        JsonNode second = call("GET", base(multi) + "stats?clear=true", null).json;
        assertCounters(second, 20_009, 0, 32, 0, 1, 0);
        assertCounters(call("GET", base(multi) + "stats", null).json, 0, 0, 0, 0, 0, 0);

        // the server's own counters are cumulative: both rounds are there
        TrafficStats.UserTotals cumulative = server.traffic().ofPort(multi).users().get("bob");
        assertThat(cumulative.tcpBytesUp()).isEqualTo(10_009 + 20_009);
        assertThat(cumulative.tcpBytesDown()).isEqualTo(64);
        assertThat(cumulative.tcpConnections()).isEqualTo(2);

        // a deleted user with traffic since the last clear is still reported, once
        upload(bobs, 5_000);
        assertThat(call("DELETE", base(multi) + "users/bob", null).status).isEqualTo(204);
        JsonNode third = call("GET", base(multi) + "stats?clear=true", null).json;
        assertThat(third.get("users")).extracting(u -> u.get("username").asText()).containsExactly("alice", "bob");
        assertCounters(third.get("users").get(1), 5_009, 0, 32, 0, 1, 0);
        assertThat(call("GET", base(multi) + "stats", null).json.get("users"))
                .extracting(u -> u.get("username").asText()).containsExactly("alice");

        // clearing one port leaves another's alone
        upload(singleLocal(), 1_000);
        call("GET", base(multi) + "stats?clear=true", null);
        assertCounters(call("GET", base(single) + "stats", null).json, 1_009, 0, 32, 0, 1, 0);

        assertThat(call("GET", base(multi) + "stats?clear=yes", null).status).isEqualTo(400);
    }

    // ---- 4. what is refused

    @Test
    void outsideTheSecretEverythingIsABare404() throws Exception {
        String inside = "/" + SECRET + "/servers/" + multi + "/users";
        assertThat(raw("GET", inside, null).status).as("the real path, for contrast").isEqualTo(200);
        List<String> outside = List.of("/", "/servers/" + multi + "/users", "/users", "/stats",
                "/not-the-secret-at-all/servers/" + multi + "/users",
                "/" + SECRET.substring(0, SECRET.length() - 1) + "/servers/" + multi + "/users",
                "/" + SECRET + "x/servers/" + multi + "/users",
                "/" + SECRET.toUpperCase() + "/servers/" + multi + "/users",
                "/x/" + SECRET + "/servers/" + multi + "/users",
                "/%74" + SECRET.substring(1) + "/", // the secret with a character escaped: not the same path
                "/" + SECRET + "%2Fservers/" + multi + "/users");
        for (String path : outside) {
            for (String method : List.of("GET", "POST", "DELETE")) {
                Response r = raw(method, path, method.equals("POST") ? "{}" : null);
                assertThat(r.status).as(method + " " + path).isEqualTo(404);
                assertThat(r.body).as("no hint in the body of " + method + " " + path).isEmpty();
                assertThat(r.contentType).as(method + " " + path).isNull();
            }
        }
        // inside the secret, errors say what is wrong
        Response unknownPath = call("GET", "nothing-here", null);
        assertThat(unknownPath.status).isEqualTo(404);
        assertThat(unknownPath.json.get("error").asText()).isNotEmpty();
        for (String port : List.of("99999", "0", "abc", Integer.toString(freePort()))) {
            Response r = call("GET", "servers/" + port + "/users", null);
            assertThat(r.status).as(port).isEqualTo(404);
            assertThat(r.json.get("error").asText()).isEqualTo("server not found");
        }
        Response wrongMethod = call("PUT", base(multi) + "users", "{}");
        assertThat(wrongMethod.status).isEqualTo(405);
        assertThat(wrongMethod.json.get("error").asText()).contains("GET or POST");
    }

    @Test
    void aSingleKeyPortHasNoUsersEndpoints() throws Exception {
        for (String[] request : new String[][] {{"GET", "users"}, {"POST", "users"}, {"GET", "users/alice"},
                {"PATCH", "users/alice"}, {"DELETE", "users/alice"}}) {
            String body = request[0].equals("GET") || request[0].equals("DELETE") ? null
                    : "{\"username\": \"x\", \"uPSK\": \"" + Sip022Keys.generatePsk(METHOD) + "\"}";
            Response r = call(request[0], base(single) + request[1], body);
            assertThat(r.status).as(String.join(" ", request)).isEqualTo(404);
            assertThat(r.json.get("error").asText()).as(String.join(" ", request)).contains("single key");
        }
        assertThat(server.port(single).multiUser()).isFalse();
        assertThat(call("GET", base(single), null).json.get("apiVersion").asText()).isEqualTo("v1");
        assertThat(call("GET", base(single) + "stats", null).status).isEqualTo(200);
    }

    @Test
    void malformedRequestsAre400AndChangeNothing() throws Exception {
        String key = Sip022Keys.generatePsk(METHOD);
        List<String> badAdds = List.of("", "not json", "[]", "\"bob\"", "{}", "{\"username\": \"bob\"}",
                "{\"uPSK\": \"" + key + "\"}",
                "{\"username\": \"\", \"uPSK\": \"" + key + "\"}",
                "{\"username\": 7, \"uPSK\": \"" + key + "\"}",
                "{\"username\": \"bob\", \"uPSK\": 7}",
                "{\"username\": \"bob\", \"uPSK\": \"too short\"}",
                "{\"username\": \"bob\", \"uPSK\": \"" + Sip022Keys.generatePsk(CipherKind.BLAKE3_AES_128_GCM) + "\"}",
                "{\"username\": \"bob\", \"uPSK\": \"" + key + "\", \"password\": \"x\"}",
                "{\"username\": \"bob\", \"username\": \"eve\", \"uPSK\": \"" + key + "\"}",
                "{\"username\": \"bob\", \"uPSK\": \"" + key + "\"} trailing",
                "{\"username\": \"alice\", \"uPSK\": \"" + key + "\"}", // the name exists
                "{\"username\": \"bob\", \"uPSK\": \"" + alice.key() + "\"}", // alice's key
                "{\"username\": \"bob\", \"uPSK\": \"" + key + "\", \"limits\": 5}",
                "{\"username\": \"bob\", \"uPSK\": \"" + key + "\", \"limits\": {\"up\": \"fast\"}}",
                "{\"username\": \"bob\", \"uPSK\": \"" + key + "\", \"limits\": {\"max_connections\": 0}}",
                "{\"username\": \"bob\", \"uPSK\": \"" + key + "\", \"limits\": {\"max_connections\": 1.5}}",
                "{\"username\": \"bob\", \"uPSK\": \"" + key + "\", \"limits\": {\"quota\": \"-5GB\"}}",
                "{\"username\": \"bob\", \"uPSK\": \"" + key + "\", \"limits\": {\"quota_period\": \"30d\"}}",
                "{\"username\": \"bob\", \"uPSK\": \"" + key + "\", \"limits\": {\"expires\": \"soon\"}}",
                "{\"username\": \"bob\", \"uPSK\": \"" + key + "\", \"limits\": {\"speed\": \"1MB/s\"}}");
        for (String body : badAdds) {
            Response r = call("POST", base(multi) + "users", body);
            assertThat(r.status).as(body).isEqualTo(400);
            assertThat(r.contentType).as(body).startsWith("application/json");
            assertThat(r.json.get("error").asText()).as(body).isNotEmpty();
        }
        List<String> badPatches = List.of("", "{}", "{\"uPSK\": 5}", "{\"uPSK\": \"nope\"}",
                "{\"username\": \"alice\"}", "{\"uPSK\": \"" + alice.key() + "\"}", "{\"limits\": {\"down\": 0}}");
        for (String body : badPatches) {
            Response r = call("PATCH", base(multi) + "users/alice", body);
            assertThat(r.status).as(body).isEqualTo(400);
            assertThat(r.json.get("error").asText()).as(body).isNotEmpty();
        }
        ServerPort port = server.port(multi);
        assertThat(port.settings().users()).containsExactly(alice);
        assertThat(port.settings().limits().users()).isEmpty();
        TestTarget.roundTrip(openEcho(local(alice.key())), "alice, unchanged");
        assertGetsNowhere(local(key));
    }

    // ---- 5. our extension: limits

    @Test
    void limitsGoInWithTheUserShowInItsDetailsAndApplyAtOnce() throws Exception {
        String bobsKey = Sip022Keys.generatePsk(METHOD);
        Response added = call("POST", base(multi) + "users", "{\"username\": \"bob\", \"uPSK\": \"" + bobsKey
                + "\", \"limits\": {\"max_connections\": 1, \"up\": \"2MB/s\", \"down\": \"512KiB/s\","
                + " \"quota\": \"50GB\", \"quota_period\": \"30d\", \"expires\": \"2099-01-01\"}}");
        assertThat(added.status).isEqualTo(201);
        Limits expected = new Limits(1, 2_000_000, 512 * 1024, 50_000_000_000L, Duration.ofDays(30),
                Instant.parse("2099-01-01T00:00:00Z"));
        assertThat(server.port(multi).settings().limits().of("bob")).isEqualTo(expected);

        JsonNode bob = call("GET", base(multi) + "users/bob", null).json;
        assertThat(bob.get("limits")).isEqualTo(JSON.readTree("{\"max_connections\": 1, \"up\": \"2MB/s\","
                + " \"down\": \"512KiB/s\", \"quota\": \"50GB\", \"quota_period\": \"30d\","
                + " \"expires\": \"2099-01-01T00:00:00Z\"}"));
        assertThat(bob.get("quotaUsedBytes").asLong()).isZero();
        assertThat(call("GET", base(multi) + "users", null).json.get("users").get(1).get("limits"))
                .isEqualTo(bob.get("limits"));

        // what GET shows goes back in as it is
        assertThat(call("PATCH", base(multi) + "users/bob", "{\"limits\": " + bob.get("limits") + "}").status)
                .isEqualTo(204);
        assertThat(server.port(multi).settings().limits().of("bob")).isEqualTo(expected);

        // the quota counts payload both ways
        ShadowsocksLocal bobs = local(bobsKey);
        upload(bobs, 20_000);
        assertThat(call("GET", base(multi) + "users/bob", null).json.get("quotaUsedBytes").asLong())
                .isEqualTo(20_009 + 32);

        // one connection at a time: a second one is closed at once
        ServerPort port = server.port(multi);
        Await.until(() -> port.limiter().connections("bob") == 0, "the upload's connection is gone");
        Socket bobsOpen = openEcho(bobs);
        TestTarget.roundTrip(bobsOpen, "bob's one connection");
        LongSupplier limited = () -> server.traffic().ofPort(multi).tcpFailures().get(Failure.LIMITED);
        long limitedBefore = limited.getAsLong();
        Socket second = openEcho(bobs);
        second.getOutputStream().write(1);
        assertClosedByServer(second);
        assertThat(limited.getAsLong()).isEqualTo(limitedBefore + 1);
        TestTarget.roundTrip(bobsOpen, "the first connection stays");

        // a quota below what is used already: bob's connection ends, and new ones get nowhere
        assertThat(call("PATCH", base(multi) + "users/bob", "{\"limits\": {\"quota\": \"1KB\"}}").status)
                .isEqualTo(204);
        assertClosedByServer(bobsOpen);
        bob = call("GET", base(multi) + "users/bob", null).json;
        assertThat(bob.get("limits")).isEqualTo(JSON.readTree("{\"quota\": \"1KB\"}"));
        assertThat(bob.get("quotaUsedBytes").asLong()).isGreaterThanOrEqualTo(20_041);
        assertThat(bob.get("uPSK").asText()).as("a limits-only patch keeps the key").isEqualTo(bobsKey);
        int accepted = target.accepted();
        long refusedBefore = limited.getAsLong();
        try (Socket s = Socks.connect(socks(bobs), ProxyStack.TARGET_NAME, target.port())) {
            s.getOutputStream().write(new byte[] {'E', 1});
            Await.until(() -> limited.getAsLong() == refusedBefore + 1, "over quota: refused");
        }
        assertThat(target.accepted()).isEqualTo(accepted);

        // no limits: bob is back, and its details show none
        assertThat(call("PATCH", base(multi) + "users/bob", "{\"limits\": null}").status).isEqualTo(204);
        bob = call("GET", base(multi) + "users/bob", null).json;
        assertThat(bob.has("limits")).isFalse();
        assertThat(bob.has("quotaUsedBytes")).isFalse();
        assertThat(server.port(multi).settings().limits().users()).isEmpty();
        TestTarget.roundTrip(openEcho(bobs), "bob without limits");
        TestTarget.roundTrip(openEcho(bobs), "and a second connection");

        // deleting a user drops its limits
        call("PATCH", base(multi) + "users/bob", "{\"limits\": {\"max_connections\": 3}}");
        call("DELETE", base(multi) + "users/bob", null);
        assertThat(server.port(multi).settings().limits().users()).isEmpty();
    }

    // ---- 6. the admin thread and the event loop

    @Test
    void changesWaitForTheAdminThreadWhileReadsAreAnsweredMeanwhile() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Object> blocker = admin.change(() -> {
            release.await();
            return null;
        });
        try {
            String bobsKey = Sip022Keys.generatePsk(METHOD);
            long received = api.requestsReceived();
            CompletableFuture<HttpResponse<String>> post = http.sendAsync(request("POST",
                    api.baseUri().resolve(base(multi) + "users"),
                    "{\"username\": \"bob\", \"uPSK\": \"" + bobsKey + "\"}"), HttpResponse.BodyHandlers.ofString());
            Await.until(() -> api.requestsReceived() > received, "the API has the POST");
            // the API's loop is free: reads are answered while the change waits for the admin thread
            assertThat(call("GET", base(multi) + "users", null).json.get("users")).hasSize(1);
            assertThat(call("GET", base(multi) + "stats", null).status).isEqualTo(200);
            assertThat(post).as("the change waits for the admin thread").isNotDone();
            assertThat(server.port(multi).settings().users()).containsExactly(alice);
            release.countDown();
            assertThat(post.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(201);
            assertThat(call("GET", base(multi) + "users", null).json.get("users")).hasSize(2);
        } finally {
            release.countDown();
            blocker.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderAndBrokenOnesClosed() throws Exception {
        String body = "{\"username\": \"bob\", \"uPSK\": \"" + Sip022Keys.generatePsk(METHOD) + "\"}";
        String path = "/" + SECRET + "/servers/" + multi + "/users";
        try (Socket s = new Socket(HOST, api.address().getPort())) {
            s.setSoTimeout(30_000);
            // a change (answered from the admin thread), then two reads that must see it, in one write
            s.getOutputStream().write(("POST " + path + " HTTP/1.1\r\nHost: a\r\nContent-Length: " + body.length()
                    + "\r\n\r\n" + body
                    + "GET " + path + " HTTP/1.1\r\nHost: a\r\n\r\n"
                    + "GET " + path + "/bob HTTP/1.0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            // the HTTP/1.0 request asks for no keep-alive, so the server closes after the third answer
            String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int created = all.indexOf("HTTP/1.1 201 ");
            int list = all.indexOf("HTTP/1.1 200 ");
            int detail = all.indexOf("HTTP/1.0 200 ");
            assertThat(created).isZero();
            assertThat(list).isGreaterThan(created);
            assertThat(detail).isGreaterThan(list);
            assertThat(all.substring(list, detail)).contains("\"username\":\"bob\"");
            assertThat(all.substring(detail)).contains("\"tcpSessions\":0");
        }
        try (Socket s = new Socket(HOST, api.address().getPort())) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write("\u0001\u0002 not http at all\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(answer).matches("(?s)HTTP/1\\.[01] 400 .*"); // Netty calls a request it cannot read 1.0
            assertThat(answer).doesNotContain("{"); // no body: it may not even be for us
        }
    }

    // ---- 7. the secret and the address

    @Test
    void withoutAConfiguredSecretAFreshOneIsMadeAndLoggedOnceWithTheFullUrl() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(ManagementApi.class);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        logger.addAppender(log);
        try {
            Admin first = startAdmin(null);
            moreAdmins.add(first);
            Admin second = startAdmin(null);
            moreAdmins.add(second);
            Admin configured = startAdmin("another-configured-secret");
            moreAdmins.add(configured);
            ManagementApi a = (ManagementApi) first.addons().get(0);
            ManagementApi b = (ManagementApi) second.addons().get(0);
            String secretA = secretOf(a);
            String secretB = secretOf(b);
            assertThat(secretA).matches("[A-Za-z0-9_-]{32}"); // 24 random bytes: 192 bits
            assertThat(secretB).matches("[A-Za-z0-9_-]{32}").isNotEqualTo(secretA);
            assertThat(secretA).isNotEqualTo(SECRET);
            assertThat(a.baseUri().getHost()).isEqualTo(HOST);

            List<String> lines = log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
            assertThat(lines.stream().filter(l -> l.contains(a.baseUri().toString()))).hasSize(1);
            assertThat(lines.stream().filter(l -> l.contains(b.baseUri().toString()))).hasSize(1);
            assertThat(lines).noneMatch(l -> l.contains("another-configured-secret"));
            assertThat(log.list).noneMatch(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN);

            HttpResponse<String> root = http.send(request("GET", a.baseUri(), null), HttpResponse.BodyHandlers.ofString());
            assertThat(root.statusCode()).isEqualTo(200);
            assertThat(http.send(request("GET", b.baseUri().resolve("/" + secretA + "/"), null),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).as("one API's secret at another").isEqualTo(404);
        } finally {
            logger.detachAppender(log);
        }
    }

    @Test
    void anAddressOtherHostsCanReachIsWarnedAbout() throws Exception {
        assertThat(ManagementApi.exposure(InetAddress.getByName("127.0.0.1"))).isEmpty();
        assertThat(ManagementApi.exposure(InetAddress.getByName("::1"))).isEmpty();
        assertThat(ManagementApi.exposure(InetAddress.getByName("0.0.0.0"))).get().asString()
                .contains("every address");
        assertThat(ManagementApi.exposure(InetAddress.getByName("192.0.2.1"))).get().asString()
                .contains("192.0.2.1").contains("not a loopback address");
        assertThat(ManagementApi.bindAddress("127.0.0.1:0").getAddress().isLoopbackAddress()).isTrue();
        assertThat(ManagementApi.bindAddress("[::1]:8080").getPort()).isEqualTo(8080);
        assertThat(ManagementApi.bindAddress("localhost:0").isUnresolved()).isFalse();
        for (String bad : List.of("127.0.0.1", "127.0.0.1:65536", "::1:80", "127.0.0.1:x")) {
            assertThatThrownBy(() -> ManagementApi.bindAddress(bad)).as(bad).isInstanceOf(IOException.class);
        }
        assertThatThrownBy(() -> startAdmin("short")).isInstanceOf(IllegalArgumentException.class);
        Admin off = Admin.start(server, AdminSettings.NONE, new PortTemplate(List.of(HOST), METHOD), null);
        moreAdmins.add(off);
        assertThat(off.addons()).as("no api_address, no API").isEmpty();
    }

    // ---- helpers: HTTP

    private record Response(int status, String contentType, String body, JsonNode json) {}

    /** The path of a port's SSM API, relative to the base URL. */
    private static String base(int port) {
        return "servers/" + port + "/";
    }

    /** A request relative to the API's base URL (the secret included). */
    private Response call(String method, String relative, String body) throws Exception {
        return send(request(method, api.baseUri().resolve(relative), body));
    }

    /** A request for this exact path on the API's address, secret or not. */
    private Response raw(String method, String path, String body) throws Exception {
        return send(request(method, URI.create("http://" + HOST + ":" + api.address().getPort() + path), body));
    }

    private static HttpRequest request(String method, URI uri, String body) {
        return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .header("Content-Type", "application/json").build();
    }

    private Response send(HttpRequest request) throws Exception {
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        String type = r.headers().firstValue("content-type").orElse(null);
        JsonNode json = type != null && type.startsWith("application/json") ? JSON.readTree(r.body()) : null;
        return new Response(r.statusCode(), type, r.body(), json);
    }

    private void addUser(String name, String key) throws Exception {
        assertThat(call("POST", base(multi) + "users", "{\"username\": \"" + name + "\", \"uPSK\": \"" + key + "\"}")
                .status).isEqualTo(201);
    }

    private static String secretOf(ManagementApi api) {
        String path = api.baseUri().getPath();
        return path.substring(1, path.length() - 1);
    }

    private static void assertCounters(JsonNode n, long uplinkBytes, long uplinkPackets, long downlinkBytes,
            long downlinkPackets, long tcpSessions, long udpSessions) {
        assertThat(n.get("uplinkBytes").asLong()).as("uplinkBytes").isEqualTo(uplinkBytes);
        assertThat(n.get("uplinkPackets").asLong()).as("uplinkPackets").isEqualTo(uplinkPackets);
        assertThat(n.get("downlinkBytes").asLong()).as("downlinkBytes").isEqualTo(downlinkBytes);
        assertThat(n.get("downlinkPackets").asLong()).as("downlinkPackets").isEqualTo(downlinkPackets);
        assertThat(n.get("tcpSessions").asLong()).as("tcpSessions").isEqualTo(tcpSessions);
        assertThat(n.get("udpSessions").asLong()).as("udpSessions").isEqualTo(udpSessions);
    }

    // ---- helpers: the users' side

    private ShadowsocksLocal local(String userKey) throws IOException {
        return startLocal(multi, ipsk + ":" + userKey);
    }

    private ShadowsocksLocal singleLocal() throws IOException {
        return startLocal(single, server.port(single).settings().password());
    }

    private ShadowsocksLocal startLocal(int port, String password) throws IOException {
        ShadowsocksLocal local = ShadowsocksLocal.start(LocalSettings.of(
                List.of(new ServerEndpoint(HOST, port, METHOD, password)),
                List.of(LocalListener.socks(HOST, 0))).withMode(Mode.TCP_AND_UDP));
        locals.add(local);
        return local;
    }

    private static InetSocketAddress socks(ShadowsocksLocal local) {
        return local.tcpAddresses().get(0);
    }

    /** An echo connection to the target through {@code local}, kept open by the test. */
    private Socket openEcho(ShadowsocksLocal local) throws IOException {
        Socket s = Socks.connect(socks(local), ProxyStack.TARGET_NAME, target.port());
        clients.add(s);
        return TestTarget.echo(s);
    }

    /** Uploads {@code size} bytes through {@code local}; the target answers their hash (32 bytes). */
    private void upload(ShadowsocksLocal local, long size) throws IOException {
        try (Socket s = Socks.connect(socks(local), ProxyStack.TARGET_NAME, target.port())) {
            TestTarget.upload(s, size);
        }
        // the server counted the upload as it read it, and the hash before it sent it on: all counted now
    }

    private void assertUdpEchoes(ShadowsocksLocal local) throws IOException {
        try (SocksUdpClient udp = new SocksUdpClient(socks(local))) {
            udp.send(echo.address(), new byte[] {42});
            SocksUdpClient.Reply reply = udp.receive(5000);
            assertThat(reply).as("a UDP reply").isNotNull();
            assertThat(reply.data()).containsExactly('U', ':', 42);
        }
    }

    /**
     * What a stranger gets on a multi-user port: the server counts a failed authentication, and the
     * target sees nothing, over TCP or UDP.
     */
    private void assertGetsNowhere(ShadowsocksLocal local) throws Exception {
        int accepted = target.accepted();
        LongSupplier tcpRefused = () -> server.traffic().ofPort(multi).tcpFailures().get(Failure.AUTHENTICATION);
        long tcpBefore = tcpRefused.getAsLong();
        try (Socket s = Socks.connect(socks(local), ProxyStack.TARGET_NAME, target.port())) {
            s.getOutputStream().write(new byte[] {'E', 1});
            Await.until(() -> tcpRefused.getAsLong() == tcpBefore + 1, "the request is refused");
            s.setSoTimeout(300);
            assertThat(readToEndOrTimeout(s.getInputStream())).isEmpty();
        }
        LongSupplier udpRefused = () -> server.traffic().ofPort(multi).udpFailures().get(Failure.AUTHENTICATION);
        long udpBefore = udpRefused.getAsLong();
        int received = echo.received();
        try (SocksUdpClient udp = new SocksUdpClient(socks(local))) {
            udp.send(echo.address(), new byte[] {1});
            Await.until(() -> udpRefused.getAsLong() == udpBefore + 1, "the packet is dropped");
        }
        assertThat(echo.received()).isEqualTo(received);
        assertThat(target.accepted()).as("the target saw no connection").isEqualTo(accepted);
    }

    private static byte[] readToEndOrTimeout(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            int b;
            while ((b = in.read()) >= 0) {
                out.write(b);
            }
        } catch (SocketTimeoutException | SocketException e) {
            // silence or reset: whatever came so far is the answer
        }
        return out.toByteArray();
    }

    /** The server closed this connection: the client reads the end of the stream (or a reset), not silence. */
    private static void assertClosedByServer(Socket s) throws IOException {
        s.setSoTimeout(10_000);
        try {
            int b;
            do {
                b = s.getInputStream().read(); // an echo of what was in flight may come first
            } while (b >= 0);
        } catch (SocketTimeoutException e) {
            fail("the connection is still open");
        } catch (SocketException e) {
            // reset: closed as well
        }
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return probe.getLocalPort();
        }
    }
}
