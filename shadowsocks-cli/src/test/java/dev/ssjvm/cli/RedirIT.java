package dev.ssjvm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssjvm.service.testing.ExternalPeer;
import dev.ssjvm.service.testing.TestData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The transparent proxy ({@code --protocol redir}) as a Linux router runs it, in three network
 * namespaces made here and deleted at the end: a client, a router with {@code bin/sslocal} and the
 * nftables rules (TPROXY for TCP and UDP to 198.51.100.7, REDIRECT for TCP to 198.51.100.8, policy
 * routing for the TPROXY mark), and a remote host with {@code bin/ssserver} and the targets (both
 * addresses on its loopback). The router has no route to the targets' addresses and does not
 * forward, so only the proxy can carry the client's traffic there. All addresses are documentation
 * ranges, inside the namespaces; the host's own network is not touched.
 *
 * <pre>
 *   client 192.0.2.2 --veth-- 192.0.2.1 router (sslocal :60080) 203.0.113.1 --veth-- 203.0.113.2 remote
 *                                                            (ssserver :8388, targets on 198.51.100.7/.8)
 * </pre>
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedirIT {
    private static final Path ROOT = Path.of(System.getProperty("ssjvm.root", "..")).toAbsolutePath().normalize();
    private static final Path SCRIPTS = ROOT.resolve("shadowsocks-cli/src/test/resources/redir");
    private static final String TPROXIED = "198.51.100.7";
    private static final String REDIRECTED = "198.51.100.8";
    private static final String CLIENT = "192.0.2.2";
    private static final int REDIR_PORT = 60080;
    private static final int SERVER_PORT = 8388;
    private static final int METRICS_PORT = 9100;
    private static final int HTTP_PORT = 8080;
    private static final int ECHO_PORT = 7777;

    private final String id = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
    private final String client = "ssjvm-c-" + id;
    private final String router = "ssjvm-r-" + id;
    private final String remote = "ssjvm-s-" + id;
    private final List<String> namespaces = new ArrayList<>();
    private final List<InNamespace> processes = new ArrayList<>();
    private Path dir;
    private InNamespace sslocal;
    private InNamespace ssserver;
    private InNamespace target;
    private InNamespace dnsmasq;

    @BeforeAll
    void setUp() throws Exception {
        ExternalPeer.require("ip");
        String ip = "ip"; // ExternalPeer.run finds it by name
        String nft = ExternalPeer.require("nft");
        dir = Files.createTempDirectory("redir-it");
        ExternalPeer.Result probe = ExternalPeer.run(30, ip, "netns", "add", client);
        if (probe.exitCode() != 0) {
            Assumptions.abort("network namespaces are not permitted here (ip netns add: " + probe.stderr().trim()
                    + "); the transparent-proxy test needs them and is skipped");
        }
        namespaces.add(client);
        sh(ip, "netns", "add", router);
        namespaces.add(router);
        sh(ip, "netns", "add", remote);
        namespaces.add(remote);
        for (String ns : namespaces) {
            sh(ip, "-n", ns, "link", "set", "lo", "up");
        }
        String vc = "vc" + id;
        String vr = "vr" + id;
        String vs = "vs" + id;
        String vt = "vt" + id;
        sh(ip, "link", "add", vc, "netns", client, "type", "veth", "peer", "name", vr, "netns", router);
        sh(ip, "link", "add", vs, "netns", router, "type", "veth", "peer", "name", vt, "netns", remote);
        address(ip, client, vc, "192.0.2.2/24");
        address(ip, router, vr, "192.0.2.1/24");
        address(ip, router, vs, "203.0.113.1/24");
        address(ip, remote, vt, "203.0.113.2/24");
        sh(ip, "-n", client, "route", "add", "default", "via", "192.0.2.1");
        sh(ip, "-n", remote, "addr", "add", TPROXIED + "/32", "dev", "lo");
        sh(ip, "-n", remote, "addr", "add", REDIRECTED + "/32", "dev", "lo");
        // The README's rules: TPROXY marks the packets, the mark routes them to the local stack. The
        // TPROXY traffic is not tracked, so sslocal has no SO_ORIGINAL_DST for it and must take the
        // local address; the REDIRECT traffic has only SO_ORIGINAL_DST.
        sh(ip, "-n", router, "rule", "add", "fwmark", "1", "lookup", "100");
        sh(ip, "-n", router, "route", "add", "local", "0.0.0.0/0", "dev", "lo", "table", "100");
        Path rules = Files.writeString(dir.resolve("rules.nft"), """
                table inet ssjvm_redir {
                  chain untracked {
                    type filter hook prerouting priority raw; policy accept;
                    iifname "%1$s" ip daddr %2$s notrack
                  }
                  chain divert {
                    type filter hook prerouting priority mangle; policy accept;
                    iifname "%1$s" ip daddr %2$s meta l4proto { tcp, udp } tproxy ip to :%4$d meta mark set 1 accept
                  }
                  chain nat_divert {
                    type nat hook prerouting priority dstnat; policy accept;
                    iifname "%1$s" ip daddr %3$s tcp dport %5$d redirect to :%4$d
                  }
                }
                """.formatted(vr, TPROXIED, REDIRECTED, REDIR_PORT, HTTP_PORT));
        sh(ip, "netns", "exec", router, nft, "-f", rules.toString());

        target = start(remote, "target", ExternalPeer.require("python3"), SCRIPTS.resolve("target.py").toString(),
                "" + HTTP_PORT, "" + ECHO_PORT).awaitLog("listening");
        dnsmasq = start(remote, "dnsmasq", ExternalPeer.require("dnsmasq"), "--keep-in-foreground", "--port=53",
                "--listen-address=" + TPROXIED, "--bind-interfaces", "--no-resolv", "--no-hosts", "--conf-file=/dev/null",
                "--address=/redir.test/192.0.2.99", "--log-queries", "--log-facility=-",
                "--pid-file=" + dir.resolve("dnsmasq.pid")).awaitLog("started");
        ssserver = start(remote, "ssserver", ROOT.resolve("bin/ssserver").toString(), "-s", "203.0.113.2",
                "-p", "" + SERVER_PORT, "-k", "secret", "-m", "chacha20-ietf-poly1305", "-u", "--forbidden-ip", "",
                "--metrics-address", "127.0.0.1:" + METRICS_PORT, "-v").awaitLog("ready;");
        Path config = Files.writeString(dir.resolve("local.json"), """
                {"server": "203.0.113.2", "server_port": %d, "password": "secret", "method": "chacha20-ietf-poly1305",
                 "mode": "tcp_and_udp",
                 "locals": [{"protocol": "redir", "local_address": "0.0.0.0", "local_port": %d,
                             "tcp_redir": "tproxy", "udp_redir": "tproxy"}]}
                """.formatted(SERVER_PORT, REDIR_PORT));
        sslocal = start(router, "sslocal", ROOT.resolve("bin/sslocal").toString(), "-c", config.toString(), "-v")
                .awaitLog("transparent proxy");
    }

    @AfterAll
    void tearDown() throws Exception {
        for (InNamespace p : processes) {
            p.close();
        }
        for (String ns : namespaces) {
            ExternalPeer.run(30, "ip", "netns", "del", ns); // takes its veth ends and rules with it
        }
    }

    @Test
    void tcpByTproxyGoesThroughTheServerToTheOriginalDestination() throws Exception {
        byte[] body = random(300_000);
        String[] answer = post(TPROXIED, "/tproxy", body);
        assertThat(answer[0]).isEqualTo(HexFormat.of().formatHex(TestData.sha256().digest(body)));
        assertThat(answer[1]).isEqualTo("300000");
        assertThat(answer[2]).as("reached at the address the client asked for").isEqualTo(TPROXIED + ":" + HTTP_PORT);
        assertThat(answer[3]).as("the target saw the server, not the client").isNotEqualTo(CLIENT);
        assertThat(ssserver.log()).contains("-> " + TPROXIED + ":" + HTTP_PORT);
        assertThat(metric("ssjvm_port_data_bytes_total{dir=\"c>p\",port=\"" + SERVER_PORT + "\",proto=\"tcp\"}"))
                .as("the server relayed the body").isGreaterThanOrEqualTo(300_000);
    }

    @Test
    void tcpByRedirectKeepsItsDestinationThroughSoOriginalDst() throws Exception {
        byte[] body = random(50_000);
        String[] answer = post(REDIRECTED, "/redirect", body);
        assertThat(answer[0]).isEqualTo(HexFormat.of().formatHex(TestData.sha256().digest(body)));
        assertThat(answer[2]).as("the address before the NAT, not the router's").isEqualTo(REDIRECTED + ":" + HTTP_PORT);
        assertThat(answer[3]).isNotEqualTo(CLIENT);
        assertThat(ssserver.log()).contains("-> " + REDIRECTED + ":" + HTTP_PORT);
    }

    @Test
    void udpByTproxyIsAnsweredFromTheOriginalDestination() throws Exception {
        String token = "token-" + id;
        ExternalPeer.Result result = ExternalPeer.run(60, "ip", "netns", "exec", client, ExternalPeer.require("python3"),
                SCRIPTS.resolve("udp_client.py").toString(), TPROXIED, "" + ECHO_PORT, token);
        String line = new String(result.stdout(), StandardCharsets.UTF_8).trim();
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(line).as("the reply's source is the address the client sent to")
                .startsWith("from " + TPROXIED + ":" + ECHO_PORT + " echo ").endsWith(" " + token);
        assertThat(line).as("the target saw the server, not the client").doesNotContain("echo " + CLIENT + " ");
        assertThat(metric("ssjvm_port_data_bytes_total{dir=\"c>p\",port=\"" + SERVER_PORT + "\",proto=\"udp\"}"))
                .as("through the server").isGreaterThanOrEqualTo(token.length());

        // dig drops a reply from any other source than the server it asked, so an answer proves it too
        ExternalPeer.Result dig = ExternalPeer.run(60, "ip", "netns", "exec", client, ExternalPeer.require("dig"),
                "@" + TPROXIED, "redir.test", "A", "+short", "+tries=2", "+time=5");
        assertThat(new String(dig.stdout(), StandardCharsets.UTF_8).trim()).as(dig.stderr()).isEqualTo("192.0.2.99");
        assertThat(dnsmasq.log()).contains("query[A] redir.test from").doesNotContain("redir.test from " + CLIENT);
        assertThat(sslocal.log() + ssserver.log()).as("no password in the logs").doesNotContain("secret");
    }

    private static byte[] random(int length) {
        byte[] bytes = new byte[length];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }

    /** curl from the client namespace; the target's answer split into its words. */
    private String[] post(String address, String path, byte[] body) throws Exception {
        Path file = Files.write(dir.resolve("body" + path.substring(1)), body);
        ExternalPeer.Result result = ExternalPeer.run(90, "ip", "netns", "exec", client, ExternalPeer.require("curl"),
                "-sS", "--max-time", "60", "--data-binary", "@" + file, "http://" + address + ":" + HTTP_PORT + path);
        assertThat(result.exitCode()).as(result.stderr() + "\nsslocal:\n" + sslocal.log()).isZero();
        return new String(result.stdout(), StandardCharsets.UTF_8).trim().split(" ");
    }

    /** One sample of the server's Prometheus metrics, read from inside its namespace; 0 when absent. */
    private double metric(String sample) throws Exception {
        ExternalPeer.Result scrape = ExternalPeer.run(30, "ip", "netns", "exec", remote, ExternalPeer.require("curl"),
                "-sS", "http://127.0.0.1:" + METRICS_PORT + "/metrics");
        assertThat(scrape.exitCode()).as(scrape.stderr()).isZero();
        return new String(scrape.stdout(), StandardCharsets.UTF_8).lines().filter(l -> l.startsWith(sample + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(sample.length() + 1))).findFirst().orElse(0);
    }

    private static void address(String ip, String ns, String dev, String cidr) throws Exception {
        sh(ip, "-n", ns, "addr", "add", cidr, "dev", dev);
        sh(ip, "-n", ns, "link", "set", dev, "up");
    }

    private static void sh(String... command) throws Exception {
        ExternalPeer.Result result = ExternalPeer.run(30, command);
        assertThat(result.exitCode()).as(String.join(" ", command) + ": " + result.stderr()).isZero();
    }

    private InNamespace start(String ns, String name, String... command) throws IOException {
        InNamespace p = InNamespace.start(dir, ns, name, command);
        processes.add(p);
        return p;
    }

    /**
     * A process in a namespace: {@code ip netns exec} enters it and execs the command, so the process
     * we hold is the command itself, and closing stops that one process only.
     */
    private static final class InNamespace implements AutoCloseable {
        private final Process process;
        private final Path log;
        private final String name;

        private InNamespace(Process process, Path log, String name) {
            this.process = process;
            this.log = log;
            this.name = name;
        }

        static InNamespace start(Path dir, String ns, String name, String... command) throws IOException {
            Path log = dir.resolve(name + ".log");
            List<String> argv = new ArrayList<>(List.of(ExternalPeer.require("ip"), "netns", "exec", ns));
            argv.addAll(List.of(command));
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            return new InNamespace(p, log, name);
        }

        InNamespace awaitLog(String text) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (!log().contains(text)) {
                if (!process.isAlive()) {
                    throw new AssertionError(name + " exited with " + process.exitValue() + ":\n" + log());
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no '" + text + "' from " + name + ":\n" + log());
                }
                Thread.sleep(50);
            }
            return this;
        }

        String log() throws IOException {
            return Files.readString(log);
        }

        @Override
        public void close() throws Exception {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
