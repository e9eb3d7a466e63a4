package dev.ssjvm.admin.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.ssjvm.admin.Admin;
import dev.ssjvm.admin.AdminSettings;
import dev.ssjvm.admin.PortTemplate;
import dev.ssjvm.admin.metrics.PrometheusTextParser.MetricFamily;
import dev.ssjvm.admin.metrics.PrometheusTextParser.Sample;
import dev.ssjvm.core.protocol.UserKey;
import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.crypto.Sip022Keys;
import dev.ssjvm.service.config.LocalListener;
import dev.ssjvm.service.config.LocalSettings;
import dev.ssjvm.service.config.Mode;
import dev.ssjvm.service.config.PortSettings;
import dev.ssjvm.service.config.ServerEndpoint;
import dev.ssjvm.service.limits.Limits;
import dev.ssjvm.service.limits.PortLimits;
import dev.ssjvm.service.limits.Refusal;
import dev.ssjvm.service.local.ShadowsocksLocal;
import dev.ssjvm.service.metrics.Failure;
import dev.ssjvm.service.metrics.TrafficStats;
import dev.ssjvm.service.server.ServerPort;
import dev.ssjvm.service.server.ShadowsocksServer;
import dev.ssjvm.service.testing.Await;
import dev.ssjvm.service.testing.ExternalPeer;
import dev.ssjvm.service.testing.LeakCheck;
import dev.ssjvm.service.testing.ProxyStack;
import dev.ssjvm.service.testing.Socks;
import dev.ssjvm.service.testing.SocksUdpClient;
import dev.ssjvm.service.testing.TestDns;
import dev.ssjvm.service.testing.TestTarget;
import dev.ssjvm.service.testing.UdpEcho;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A running ssserver with real traffic through it (our sslocal: TCP and UDP, a single-key port and a
 * multi-user port with a connection limit, a probe), scraped over HTTP at {@code /metrics} and read
 * by an independent parser (Python's prometheus_client). The counts must equal what the clients sent
 * and received, under outline-ss-server's names and labels and ours.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class MetricsAddonTest {
    private static final CipherKind AES_128 = CipherKind.BLAKE3_AES_128_GCM;
    private static final String HOST = "127.0.0.1";

    private TestDns dns;
    private TestTarget target;
    private UdpEcho echo;
    private ShadowsocksServer server;
    private Admin admin;
    private final List<ShadowsocksLocal> locals = new ArrayList<>();
    private final List<AutoCloseable> clients = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ServerPort single;
    private ServerPort multi;
    private String psk;
    private String ipsk;
    private UserKey alice;
    private UserKey bob;

    @BeforeEach
    void start() throws IOException {
        dns = new TestDns().add(ProxyStack.TARGET_NAME, InetAddress.getLoopbackAddress());
        target = new TestTarget();
        echo = new UdpEcho("U:");
        psk = Sip022Keys.generatePsk(AES_128);
        ipsk = Sip022Keys.generatePsk(AES_128);
        alice = new UserKey("alice", Sip022Keys.generatePsk(AES_128));
        bob = new UserKey("bob", Sip022Keys.generatePsk(AES_128));
        PortSettings singleKey = PortSettings.of(HOST, 0, AES_128, psk);
        PortSettings multiUser = PortSettings.of(HOST, 0, AES_128, ipsk).withUsers(List.of(alice, bob))
                .withLimits(new PortLimits(Limits.NONE, Map.of("bob", new Limits(1, 0, 0, 0, null, null))));
        server = ShadowsocksServer.start(ProxyStack.serverSettings(AES_128, psk, dns)
                .ports(List.of(singleKey, multiUser)).mode(Mode.TCP_AND_UDP).build());
        single = server.ports().get(0);
        multi = server.ports().get(1);
        // through the admin plane, as the CLI starts it (an address there names a real port: take a free one)
        admin = Admin.start(server, metricsOn(HOST + ":" + ExternalPeer.freePort()),
                new PortTemplate(List.of(HOST), AES_128), null);
    }

    private static AdminSettings metricsOn(String address) {
        return new AdminSettings(null, AdminSettings.ManagerRole.NONE, null, null, address, null, Duration.ZERO);
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : clients) {
            c.close();
        }
        for (ShadowsocksLocal local : locals) {
            local.close();
        }
        if (admin != null) {
            admin.close();
        }
        server.close();
        echo.close();
        target.close();
        dns.close();
    }

    @Test
    void aScrapeCountsTheTrafficThatWentThroughUnderOutlinesNamesAndOurs() throws Exception {
        ShadowsocksLocal plain = local(single.port(), psk);
        ShadowsocksLocal alices = local(multi.port(), ipsk + ":" + alice.key());
        ShadowsocksLocal bobs = local(multi.port(), ipsk + ":" + bob.key());
        String s = Integer.toString(single.port());
        String m = Integer.toString(multi.port());

        // single-key port: an echo (1 + 1000 up, 1000 down), a download (1 + 8 up, 50000 down), a UDP echo
        echoAndClose(plain, 1000);
        download(plain, 50_000);
        udpEcho(plain, 100);
        // alice: an echo (1 + 3000 up, 3000 down) and a UDP echo
        echoAndClose(alices, 3000);
        udpEcho(alices, 10);
        // bob may hold one connection: the one held open (1 + 2 up, 2 down), then one refused by his limit
        Socket bobsOpen = openEcho(bobs);
        roundTrip(bobsOpen, new byte[] {'h', 'i'});
        Socket refused = openEcho(bobs);
        Await.until(() -> limitHits(multi.port(), "bob", Refusal.CONNECTIONS) == 1, "bob's second connection is refused");
        // a probe: random bytes to the single-key port over TCP, and one over UDP
        probeTcp(single.tcpAddresses().get(0));
        probeUdp(single.udpAddresses().get(0));
        Await.until(() -> tcpFailures(single.port(), Failure.AUTHENTICATION) == 1
                && server.traffic().ofPort(single.port()).udpFailures().get(Failure.AUTHENTICATION) == 1,
                "the probes are seen");
        Await.until(() -> openRelays(single.port(), "") == 0 && openRelays(multi.port(), "alice") == 0,
                "the finished connections are closed");
        assertThat(refused.getInputStream().read()).as("the refused connection is closed").isEqualTo(-1);

        Map<String, MetricFamily> scrape = scrape();

        // -- outline-ss-server's families: names, types, labels
        MetricFamily bytes = family(scrape, "shadowsocks_data_bytes", "unknown");
        assertDataBytes(bytes, s, "tcp", 1001 + 9, 1000 + 50_000);
        assertDataBytes(bytes, s, "udp", 100, 2 + 100);
        assertDataBytes(bytes, "alice", "tcp", 3001, 3000);
        assertDataBytes(bytes, "alice", "udp", 10, 2 + 10);
        assertDataBytes(bytes, "bob", "tcp", 3, 2);
        assertThat(bytes.samples()).as("a series only for what was sent: bob sent no UDP")
                .hasSize(4 * 5);
        for (Sample sample : bytes.samples()) {
            assertThat(sample.labels()).containsOnlyKeys("dir", "proto", "access_key");
        }

        long accepted = 2 + 1 + 1 + 2; // two connections and a probe on the single-key port; alice's; bob's two
        assertThat(family(scrape, "shadowsocks_tcp_connections_opened", "unknown")
                .value("shadowsocks_tcp_connections_opened")).isEqualTo(accepted);
        MetricFamily closed = family(scrape, "shadowsocks_tcp_connections_closed", "unknown");
        assertThat(closed.value("shadowsocks_tcp_connections_closed", "status", "OK", "access_key", s)).isEqualTo(2);
        assertThat(closed.value("shadowsocks_tcp_connections_closed", "status", "OK", "access_key", "alice"))
                .isEqualTo(1);
        assertThat(closed.value("shadowsocks_tcp_connections_closed", "status", "ERR_LIMIT", "access_key", "bob"))
                .isEqualTo(1);
        assertThat(closed.value("shadowsocks_tcp_connections_closed", "status", "ERR_CIPHER", "access_key", ""))
                .as("the probe found no key").isEqualTo(1);
        assertThat(closed.samples()).as("bob's open connection is not closed yet").hasSize(4);

        MetricFamily probes = family(scrape, "shadowsocks_tcp_probes", "histogram");
        assertThat(probes.value("shadowsocks_tcp_probes_count", "port", s, "status", "ERR_CIPHER", "error", ""))
                .isEqualTo(1);
        assertThat(probes.value("shadowsocks_tcp_probes_bucket", "port", s, "status", "ERR_CIPHER", "error", "",
                "le", "+Inf")).isEqualTo(1);

        double natAdded = family(scrape, "shadowsocks_udp_nat_entries_added", "unknown")
                .value("shadowsocks_udp_nat_entries_added");
        double natRemoved = family(scrape, "shadowsocks_udp_nat_entries_removed", "unknown")
                .value("shadowsocks_udp_nat_entries_removed");
        assertThat(natAdded).as("one association per UDP client").isEqualTo(2);
        MetricFamily udpActive = family(scrape, "ssjvm_udp_associations_active", "gauge");
        assertThat(natAdded - natRemoved).isEqualTo(udpActive.samples().stream().mapToDouble(Sample::value).sum());

        assertThat(family(scrape, "shadowsocks_keys", "gauge").value("shadowsocks_keys")).isEqualTo(3);
        assertThat(family(scrape, "shadowsocks_ports", "gauge").value("shadowsocks_ports")).isEqualTo(2);
        Sample build = family(scrape, "shadowsocks_build_info", "gauge").samples().get(0);
        assertThat(build.labels().get("version")).as("the project version, from the build").matches("\\d+\\.\\d+.*");
        assertThat(build.value()).isEqualTo(1);

        // -- ours
        MetricFamily failures = family(scrape, "ssjvm_failures", "counter");
        for (String port : List.of(s, m)) {
            for (String proto : List.of("tcp", "udp")) {
                for (Failure f : Failure.values()) {
                    double expected = port.equals(s) && f == Failure.AUTHENTICATION ? 1
                            : port.equals(m) && proto.equals("tcp") && f == Failure.LIMITED ? 1 : 0;
                    assertThat(failures.value("ssjvm_failures_total", "proto", proto, "port", port, "kind",
                            f.name().toLowerCase())).as("%s %s %s", port, proto, f).isEqualTo(expected);
                }
            }
        }
        MetricFamily limits = family(scrape, "ssjvm_limit_hits", "counter");
        assertThat(limits.value("ssjvm_limit_hits_total", "port", m, "access_key", "bob", "reason", "connections"))
                .isEqualTo(1);
        assertThat(limits.value("ssjvm_limit_hits_total", "port", m, "access_key", m, "reason", "connections"))
                .as("the port as a whole hit nothing").isZero();
        MetricFamily tcpActive = family(scrape, "ssjvm_tcp_connections_active", "gauge");
        assertThat(tcpActive.value("ssjvm_tcp_connections_active", "port", m, "access_key", "bob")).isEqualTo(1);
        assertThat(tcpActive.value("ssjvm_tcp_connections_active", "port", m, "access_key", "alice")).isZero();
        assertThat(tcpActive.value("ssjvm_tcp_connections_active", "port", s, "access_key", s)).isZero();
        assertThat(family(scrape, "ssjvm_tcp_accepted", "counter").value("ssjvm_tcp_accepted_total", "port", m))
                .isEqualTo(3);
        MetricFamily portBytes = family(scrape, "ssjvm_port_data_bytes", "counter");
        assertThat(portBytes.value("ssjvm_port_data_bytes_total", "port", m, "proto", "tcp", "dir", "c>p"))
                .isEqualTo(3001 + 3);
        assertThat(portBytes.value("ssjvm_port_data_bytes_total", "port", s, "proto", "tcp", "dir", "c<p"))
                .isEqualTo(51_000);
        MetricFamily packets = family(scrape, "ssjvm_udp_packets", "counter");
        assertThat(packets.value("ssjvm_udp_packets_total", "port", s, "access_key", s, "dir", "c>p")).isEqualTo(1);
        assertThat(packets.value("ssjvm_udp_packets_total", "port", m, "access_key", "alice", "dir", "c<p"))
                .isEqualTo(1);
        assertThat(family(scrape, "ssjvm_tcp_connections_open", "gauge")
                .value("ssjvm_tcp_connections_open", "port", m)).as("bob's, accepted and open").isEqualTo(1);

        // -- JVM and Netty memory
        assertThat(family(scrape, "jvm_memory_used_bytes", "gauge").value("jvm_memory_used_bytes", "area", "heap"))
                .isPositive();
        assertThat(family(scrape, "jvm_buffer_pool_used_bytes", "gauge").samples()).isNotEmpty();
        assertThat(family(scrape, "jvm_gc_collection_seconds", "summary").samples()).isNotEmpty();
        assertThat(family(scrape, "ssjvm_netty_allocator_used_bytes", "gauge")
                .value("ssjvm_netty_allocator_used_bytes", "allocator", "pooled", "kind", "direct"))
                .as("the relay's buffers come from the pooled allocator's direct arenas").isPositive();
        assertThat(family(scrape, "ssjvm_netty_direct_memory_max_bytes", "gauge")
                .value("ssjvm_netty_direct_memory_max_bytes")).isPositive();
    }

    @Test
    void countsOnlyGrowFromOneScrapeToTheNext() throws Exception {
        ShadowsocksLocal plain = local(single.port(), psk);
        String s = Integer.toString(single.port());
        echoAndClose(plain, 700);
        probeTcp(single.tcpAddresses().get(0));
        Await.until(() -> openRelays(single.port(), "") == 0 && tcpFailures(single.port(), Failure.AUTHENTICATION) == 1,
                "the first round is done");
        Map<String, MetricFamily> first = scrape();

        echoAndClose(plain, 500);
        udpEcho(plain, 40);
        Await.until(() -> openRelays(single.port(), "") == 0, "the second round is done");
        Map<String, MetricFamily> second = scrape();

        int compared = 0;
        for (MetricFamily before : first.values()) {
            if (!isCount(before)) {
                continue;
            }
            MetricFamily after = second.get(before.name());
            assertThat(after).as("family %s is still there", before.name()).isNotNull();
            for (Sample sample : before.samples()) {
                double later = after.value(sample.name(), flatten(sample.labels()));
                assertThat(later).as("%s%s does not go down", sample.name(), sample.labels())
                        .isGreaterThanOrEqualTo(sample.value());
                compared++;
            }
        }
        assertThat(compared).as("counts compared").isGreaterThan(20);
        double up1 = first.get("shadowsocks_data_bytes").value("shadowsocks_data_bytes", "dir", "c>p", "proto", "tcp",
                "access_key", s);
        double up2 = second.get("shadowsocks_data_bytes").value("shadowsocks_data_bytes", "dir", "c>p", "proto",
                "tcp", "access_key", s);
        assertThat(up1).isEqualTo(701);
        assertThat(up2 - up1).isEqualTo(501);
    }

    @Test
    void onlyTheMetricsPathIsServedAndOnlyForReading() throws Exception {
        URI base = URI.create("http://" + HOST + ":" + addon().address().getPort());
        HttpResponse<String> wrongPath = http.send(HttpRequest.newBuilder(base.resolve("/nope")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(wrongPath.statusCode()).isEqualTo(404);
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(base.resolve(MetricsAddon.PATH))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("allow")).hasValue("GET, HEAD");
        HttpResponse<String> head = http.send(HttpRequest.newBuilder(base.resolve(MetricsAddon.PATH))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        // with a query string, and several scrapes over one kept-alive connection
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> get = http.send(HttpRequest.newBuilder(base.resolve(MetricsAddon.PATH + "?x=1"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(get.statusCode()).isEqualTo(200);
            assertThat(get.headers().firstValue("content-type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
            assertThat(get.body()).contains("# TYPE shadowsocks_ports gauge");
        }
        // compressed for a scraper that accepts gzip, as Prometheus does
        HttpResponse<InputStream> gzip = http.send(HttpRequest.newBuilder(base.resolve(MetricsAddon.PATH))
                .header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(gzip.headers().firstValue("content-encoding")).hasValue("gzip");
        try (InputStream in = new GZIPInputStream(gzip.body())) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).contains("# TYPE shadowsocks_keys gauge");
        }
    }

    @Test
    void metricsAreOffUnlessAnAddressIsSet() throws IOException {
        try (Admin none = Admin.start(server, AdminSettings.NONE, new PortTemplate(List.of(HOST), AES_128), null)) {
            assertThat(none.addons()).isEmpty();
        }
        assertThat(admin.addons()).hasSize(1).first().isInstanceOf(MetricsAddon.class);
    }

    @Test
    void anAddressInUseIsRefusedWithItsName() {
        InetSocketAddress taken = addon().address();
        try {
            MetricsAddon.start(taken, server).close();
            fail("a second listener on " + taken + " started");
        } catch (IOException expected) {
            assertThat(expected.getMessage()).contains("metrics: cannot listen on " + HOST + ":" + taken.getPort());
        }
    }

    // ---- helpers

    private static boolean isCount(MetricFamily family) {
        return family.type().equals("counter")
                || family.type().equals("unknown") && family.name().startsWith("shadowsocks_")
                || family.type().equals("histogram") || family.type().equals("summary") && family.name()
                        .startsWith("jvm_gc");
    }

    private static String[] flatten(Map<String, String> labels) {
        List<String> out = new ArrayList<>();
        labels.forEach((k, v) -> {
            out.add(k);
            out.add(v);
        });
        return out.toArray(new String[0]);
    }

    private static void assertDataBytes(MetricFamily bytes, String key, String proto, long up, long down) {
        // we count payload: what reaches the proxy from the client is what it sends to the target
        for (String dir : List.of("c>p", "p>t")) {
            assertThat(bytes.value("shadowsocks_data_bytes", "dir", dir, "proto", proto, "access_key", key))
                    .as("%s %s %s", key, proto, dir).isEqualTo(up);
        }
        for (String dir : List.of("p<t", "c<p")) {
            assertThat(bytes.value("shadowsocks_data_bytes", "dir", dir, "proto", proto, "access_key", key))
                    .as("%s %s %s", key, proto, dir).isEqualTo(down);
        }
    }

    private static MetricFamily family(Map<String, MetricFamily> scrape, String name, String type) {
        MetricFamily f = scrape.get(name);
        assertThat(f).as("family %s in %s", name, scrape.keySet()).isNotNull();
        assertThat(f.type()).as("type of %s", name).isEqualTo(type);
        assertThat(f.help()).as("help of %s", name).isNotBlank();
        return f;
    }

    private MetricsAddon addon() {
        return (MetricsAddon) admin.addons().get(0);
    }

    private Map<String, MetricFamily> scrape() throws Exception {
        URI uri = URI.create("http://" + HOST + ":" + addon().address().getPort() + MetricsAddon.PATH);
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        return PrometheusTextParser.parse(response.body());
    }

    private long limitHits(int port, String user, Refusal why) {
        Map<Refusal, Long> hits = server.traffic().ofPort(port).limitHitsByUser().get(user);
        return hits == null ? 0 : hits.getOrDefault(why, 0L);
    }

    private long tcpFailures(int port, Failure kind) {
        return server.traffic().ofPort(port).tcpFailures().get(kind);
    }

    private long openRelays(int port, String user) {
        TrafficStats.UserTotals totals = server.traffic().ofPort(port).users().get(user);
        return totals == null ? 0 : totals.tcpOpen();
    }

    private ShadowsocksLocal local(int serverPort, String password) throws IOException {
        ShadowsocksLocal local = ShadowsocksLocal.start(LocalSettings.of(
                List.of(new ServerEndpoint(HOST, serverPort, AES_128, password)),
                List.of(LocalListener.socks(HOST, 0))).withMode(Mode.TCP_AND_UDP));
        locals.add(local);
        return local;
    }

    private Socket openEcho(ShadowsocksLocal local) throws IOException {
        Socket s = Socks.connect(local.tcpAddresses().get(0), ProxyStack.TARGET_NAME, target.port());
        clients.add(s);
        s.setSoTimeout(10_000);
        s.getOutputStream().write('E');
        return s;
    }

    private static void roundTrip(Socket s, byte[] data) throws IOException {
        s.getOutputStream().write(data);
        s.getOutputStream().flush();
        assertThat(s.getInputStream().readNBytes(data.length)).isEqualTo(data);
    }

    /** 'E' and {@code size} bytes up, the same back; then the client half-closes and reads to the end. */
    private void echoAndClose(ShadowsocksLocal local, int size) throws IOException {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        try (Socket s = openEcho(local)) {
            roundTrip(s, data);
            s.shutdownOutput();
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
    }

    /** 'D' and a u64 length up (9 bytes), {@code size} bytes down. */
    private void download(ShadowsocksLocal local, long size) throws IOException {
        try (Socket s = Socks.connect(local.tcpAddresses().get(0), ProxyStack.TARGET_NAME, target.port())) {
            s.setSoTimeout(10_000);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeByte('D');
            out.writeLong(size);
            out.flush();
            InputStream in = s.getInputStream();
            assertThat(in.readAllBytes()).hasSize((int) size);
        }
    }

    /** {@code size} bytes to the UDP echo, which answers them with "U:" in front. */
    private void udpEcho(ShadowsocksLocal local, int size) throws IOException {
        byte[] data = new byte[size];
        Arrays.fill(data, (byte) 7);
        try (SocksUdpClient udp = new SocksUdpClient(local.tcpAddresses().get(0))) {
            udp.send(echo.address(), data);
            SocksUdpClient.Reply reply = udp.receive(5000);
            assertThat(reply).as("a UDP reply").isNotNull();
            assertThat(reply.data()).hasSize(size + 2);
        }
    }

    private void probeTcp(InetSocketAddress port) throws IOException {
        byte[] junk = new byte[64];
        new Random(1).nextBytes(junk);
        Socket probe = new Socket(port.getAddress(), port.getPort());
        clients.add(probe);
        probe.getOutputStream().write(junk);
        probe.getOutputStream().flush();
    }

    private static void probeUdp(InetSocketAddress port) throws IOException {
        byte[] junk = new byte[64];
        new Random(2).nextBytes(junk);
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.send(new DatagramPacket(junk, junk.length, port));
        }
    }
}
