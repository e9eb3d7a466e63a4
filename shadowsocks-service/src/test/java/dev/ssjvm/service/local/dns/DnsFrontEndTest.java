package dev.ssjvm.service.local.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.service.acl.Acl;
import dev.ssjvm.service.acl.AclFile;
import dev.ssjvm.service.config.LocalListener;
import dev.ssjvm.service.config.LocalSettings;
import dev.ssjvm.service.config.Mode;
import dev.ssjvm.service.config.ServerEndpoint;
import dev.ssjvm.service.local.ShadowsocksLocal;
import dev.ssjvm.service.metrics.TrafficStats;
import dev.ssjvm.service.server.ShadowsocksServer;
import dev.ssjvm.service.testing.ExternalPeer;
import dev.ssjvm.service.testing.LeakCheck;
import dev.ssjvm.service.testing.ProxyStack;
import dev.ssjvm.service.testing.TestDns;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DNS front end against real resolvers: two private dnsmasq processes on loopback answer the same
 * names with different addresses (the local one with 10.1.1.1, the remote one with 10.2.2.2), so each
 * answer tells who gave it. Queries come from dig, over UDP and TCP, through our sslocal; proxied ones
 * go through our ssserver, whose accounting shows that they did.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DnsFrontEndTest {
    private static final String PASSWORD = "dns-front-end";
    private static final CipherKind METHOD = CipherKind.CHACHA20_IETF_POLY1305;
    private static final String LOCAL_ANSWER = "10.1.1.1";
    private static final String REMOTE_ANSWER = "10.2.2.2";

    @TempDir
    Path aclDir;
    private ExternalPeer localDns;
    private ExternalPeer remoteDns;
    private int localDnsPort;
    private int remoteDnsPort;
    private TestDns serverDns;
    private ShadowsocksServer server;
    private ShadowsocksLocal local;

    /** An ACL file ({@code [proxy_all]}, these rules in {@code [bypass_list]}) read by the real parser. */
    private Acl acl(String... bypassed) throws IOException {
        Path file = Files.createTempFile(aclDir, "dns", ".acl");
        Files.writeString(file, "[proxy_all]\n[bypass_list]\n" + String.join("\n", bypassed) + "\n");
        return AclFile.load(file);
    }

    private void start(Mode mode) throws Exception {
        localDnsPort = ExternalPeer.freePort();
        localDns = dnsmasq(localDnsPort, LOCAL_ANSWER);
        remoteDnsPort = ExternalPeer.freePort();
        remoteDns = dnsmasq(remoteDnsPort, REMOTE_ANSWER);
        serverDns = new TestDns();
        server = ShadowsocksServer.start(ProxyStack.serverSettings(METHOD, PASSWORD, serverDns).mode(mode).build());
        LocalListener dns = new LocalListener(LocalListener.DNS, "127.0.0.1", 0, null, java.util.Map.of())
                .withAcl(acl("||direct.test", "||big-direct.test"))
                .withDns(new InetSocketAddress("127.0.0.1", localDnsPort),
                        new InetSocketAddress("127.0.0.1", remoteDnsPort));
        local = ShadowsocksLocal.start(LocalSettings.of(
                List.of(new ServerEndpoint("127.0.0.1", serverPort(mode), METHOD, PASSWORD)), List.of(dns))
                .withMode(mode));
    }

    private int serverPort(Mode mode) {
        return mode.tcp() ? server.tcpAddresses().get(0).getPort() : server.udpAddresses().get(0).getPort();
    }

    /**
     * dnsmasq answering every name under {@code direct.test} and {@code proxied.test} with {@code address},
     * under {@code abroad.test} with its last number 9, and {@code big-direct.test} and
     * {@code big-proxied.test} with a TXT record too large for 512 bytes, its strings starting with
     * {@code address}.
     */
    private static ExternalPeer dnsmasq(int port, String address) throws Exception {
        String big = String.join(",", bigTxt(address));
        String abroad = address.substring(0, address.lastIndexOf('.')) + ".9";
        return ExternalPeer.start("dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv",
                "--no-hosts", "--user=root", "--pid-file=", "--bind-interfaces", "--listen-address=127.0.0.1",
                "--port=" + port, "--local-ttl=300", "--address=/direct.test/" + address,
                "--address=/proxied.test/" + address, "--address=/abroad.test/" + abroad,
                "--txt-record=big-direct.test," + big,
                "--txt-record=big-proxied.test," + big).awaitTcp(port);
    }

    private static List<String> bigTxt(String address) {
        return java.util.stream.IntStream.range(0, 4).mapToObj(i -> address + "-" + i + "-" + "x".repeat(180))
                .toList();
    }

    @AfterEach
    void stop() throws Exception {
        if (local != null) {
            local.close();
        }
        if (server != null) {
            server.close();
        }
        if (serverDns != null) {
            serverDns.close();
        }
        if (localDns != null) {
            localDns.close();
        }
        if (remoteDns != null) {
            remoteDns.close();
        }
    }

    private int dnsPort() {
        return local.udpAddresses().get(0).getPort();
    }

    /** What the server relayed for its one key; the port number as bound (the settings say 0). */
    private TrafficStats.UserTotals serverTraffic() {
        return server.traffic().ofPort(serverPort(server.settings().common().mode())).users().values().stream()
                .findFirst().orElse(new TrafficStats.UserTotals(0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
    }

    @Test
    void bypassedNamesAskTheLocalResolverAndTheRestGoThroughTheServer() throws Exception {
        start(Mode.TCP_AND_UDP);
        assertThat(dig("udp.direct.test")).isEqualTo(LOCAL_ANSWER);
        assertThat(dig("tcp.direct.test", "+tcp")).isEqualTo(LOCAL_ANSWER);
        assertThat(serverTraffic().udpPacketsUp()).as("a bypassed name never reaches the server").isZero();
        assertThat(serverTraffic().tcpConnections()).isZero();

        assertThat(dig("udp.proxied.test")).isEqualTo(REMOTE_ANSWER);
        assertThat(serverTraffic().udpPacketsUp()).as("the query went through the server").isEqualTo(1);
        assertThat(serverTraffic().udpPacketsDown()).isEqualTo(1);
        assertThat(dig("tcp.proxied.test", "+tcp")).as("a TCP client is answered over UDP through the server")
                .isEqualTo(REMOTE_ANSWER);
        assertThat(serverTraffic().udpPacketsUp()).isEqualTo(2);
    }

    @Test
    void withoutUdpTheServerIsAskedOverTcp() throws Exception {
        start(Mode.TCP_ONLY);
        assertThat(dig("one.proxied.test")).isEqualTo(REMOTE_ANSWER);
        assertThat(dig("two.proxied.test", "+tcp")).isEqualTo(REMOTE_ANSWER);
        assertThat(serverTraffic().tcpConnections()).as("one connection per query").isEqualTo(2);
        assertThat(dig("x.direct.test")).isEqualTo(LOCAL_ANSWER);
        assertThat(serverTraffic().tcpConnections()).isEqualTo(2);
    }

    @Test
    void answersAreServedFromTheCacheWithTheClientsIdAndTheirTtlsCounting() throws Exception {
        start(Mode.TCP_AND_UDP);
        String first = digAnswer("cached.proxied.test");
        assertThat(first).contains(REMOTE_ANSWER);
        String direct = digAnswer("cached.direct.test", "+tcp");
        assertThat(direct).contains(LOCAL_ANSWER);
        remoteDns.close();
        remoteDns = null;
        localDns.close();
        localDns = null;
        long before = serverTraffic().udpPacketsUp();
        String again = digAnswer("cached.proxied.test", "+tcp");
        assertThat(again).contains(REMOTE_ANSWER);
        assertThat(digAnswer("cached.direct.test")).contains(LOCAL_ANSWER);
        assertThat(serverTraffic().udpPacketsUp()).as("answered from the cache").isEqualTo(before);
        assertThat(ttl(again)).isBetween(0L, 300L);
        assertThat(digAnswer("Cached.PROXIED.test")).as("the name spelled as this client asked (DNS 0x20)")
                .startsWith("Cached.PROXIED.test.").contains(REMOTE_ANSWER);
        // dig checks that the answer carries its query's id; a name never asked is not in the cache
        assertThat(digStatus("uncached.proxied.test")).isEqualTo("SERVFAIL");
    }

    @Test
    void aResolverThatNeverAnswersGivesServfail() throws Exception {
        start(Mode.TCP_AND_UDP);
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            LocalListener deaf = new LocalListener(LocalListener.DNS, "127.0.0.1", 0, null, java.util.Map.of())
                    .withAcl(acl("||direct.test"))
                    .withDns((InetSocketAddress) silent.getLocalSocketAddress(),
                            (InetSocketAddress) silent.getLocalSocketAddress());
            try (ShadowsocksLocal other = ShadowsocksLocal.start(LocalSettings.of(
                    List.of(new ServerEndpoint("127.0.0.1", serverPort(Mode.TCP_AND_UDP), METHOD, PASSWORD)),
                    List.of(deaf)).withMode(Mode.TCP_AND_UDP))) {
                int port = other.udpAddresses().get(0).getPort();
                assertThat(digStatus(port, "a.direct.test")).isEqualTo("SERVFAIL");
                assertThat(digStatus(port, "a.proxied.test", "+tcp")).isEqualTo("SERVFAIL");
            }
        }
    }

    @Test
    void aNameNoRuleMatchesKeepsTheLocalAnswerWhenItsAddressIsBypassed() throws Exception {
        start(Mode.TCP_AND_UDP);
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            InetSocketAddress localResolver = new InetSocketAddress("127.0.0.1", localDnsPort);
            InetSocketAddress remoteResolver = new InetSocketAddress("127.0.0.1", remoteDnsPort);
            LocalListener byAddress = new LocalListener(LocalListener.DNS, "127.0.0.1", 0, null, java.util.Map.of())
                    .withAcl(acl("||direct.test", LOCAL_ANSWER))
                    .withDns(localResolver, remoteResolver);
            LocalListener deafLocal = new LocalListener(LocalListener.DNS, "127.0.0.1", 0, null, java.util.Map.of())
                    .withAcl(acl("||direct.test", "192.0.2.0/24")) // an address rule: unmatched names ask both
                    .withDns((InetSocketAddress) silent.getLocalSocketAddress(), remoteResolver);
            try (ShadowsocksLocal other = ShadowsocksLocal.start(LocalSettings.of(
                    List.of(new ServerEndpoint("127.0.0.1", serverPort(Mode.TCP_AND_UDP), METHOD, PASSWORD)),
                    List.of(byAddress, deafLocal)).withMode(Mode.TCP_AND_UDP))) {
                int port = other.udpAddresses().get(0).getPort();
                assertThat(dig(port, "cdn.proxied.test")).as("the local answer's address is bypassed")
                        .isEqualTo(LOCAL_ANSWER);
                assertThat(dig(port, "far.abroad.test", "+tcp")).as("the local answer's address is not")
                        .isEqualTo("10.2.2.9");
                assertThat(dig(other.udpAddresses().get(1).getPort(), "x.proxied.test"))
                        .as("a silent local resolver does not hold the remote answer back").isEqualTo(REMOTE_ANSWER);
            }
        }
    }

    @Test
    void garbageIsDroppedOrAnsweredFormerr() throws Exception {
        start(Mode.TCP_AND_UDP);
        InetSocketAddress front = local.udpAddresses().get(0);
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            socket.setSoTimeout(5000);
            byte[] junk = "hello?".getBytes(StandardCharsets.US_ASCII);
            socket.send(new DatagramPacket(junk, junk.length, front)); // no header: dropped
            // a header (id 0x1234, a standard query) without any question: FORMERR
            byte[] noQuestion = {0x12, 0x34, 0x01, 0x00, 0, 0, 0, 0, 0, 0, 0, 0};
            socket.send(new DatagramPacket(noQuestion, noQuestion.length, front));
            DatagramPacket in = new DatagramPacket(new byte[512], 512);
            socket.receive(in);
            assertThat(in.getLength()).isEqualTo(12);
            assertThat(in.getData()[0]).isEqualTo((byte) 0x12);
            assertThat(in.getData()[1]).isEqualTo((byte) 0x34);
            assertThat(in.getData()[2] & 0x80).as("a response").isEqualTo(0x80);
            assertThat(in.getData()[3] & 0x0f).as("FORMERR").isEqualTo(1);
            // a header claiming a question that is not there: FORMERR too
            byte[] cut = {0x56, 0x78, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 3, 'a', 'b'};
            socket.send(new DatagramPacket(cut, cut.length, front));
            socket.receive(in);
            assertThat(in.getData()[0]).isEqualTo((byte) 0x56);
            assertThat(in.getData()[3] & 0x0f).isEqualTo(1);
        }
        try (Socket tcp = new Socket()) {
            tcp.connect(local.tcpAddresses().get(0), 5000);
            tcp.setSoTimeout(5000);
            DataOutputStream out = new DataOutputStream(tcp.getOutputStream());
            out.writeShort(3);
            out.write(new byte[] {1, 2, 3});
            out.flush();
            DataInputStream reply = new DataInputStream(tcp.getInputStream());
            assertThat(reply.read()).as("a frame too short for a header closes the connection").isEqualTo(-1);
        } catch (EOFException expected) {
            // closed: as good
        }
        assertThat(dig("still.proxied.test")).as("the front end still answers").isEqualTo(REMOTE_ANSWER);
        assertThat(dig("still.direct.test", "+tcp")).isEqualTo(LOCAL_ANSWER);
    }

    @Test
    void aTruncatedAnswerIsAskedAgainOverTcpForATcpClient() throws Exception {
        start(Mode.TCP_AND_UDP);
        // without EDNS a UDP answer holds 512 bytes: a UDP client gets the truncated one, as from any resolver
        ExternalPeer.Result truncated = ExternalPeer.run(60, "dig", "@127.0.0.1", "-p", "" + dnsPort(), "+noedns",
                "+ignore", "+tries=1", "+time=10", "big-direct.test", "TXT");
        assertThat(new String(truncated.stdout(), StandardCharsets.US_ASCII)).containsPattern("flags: qr[a-z ]* tc");
        // a TCP client gets the whole answer: asked over UDP first, then again over TCP
        String direct = digTxt("big-direct.test");
        for (String part : bigTxt(LOCAL_ANSWER)) {
            assertThat(direct).contains(part);
        }
        assertThat(serverTraffic().tcpConnections()).isZero();
        String proxied = digTxt("big-proxied.test");
        for (String part : bigTxt(REMOTE_ANSWER)) {
            assertThat(proxied).contains(part);
        }
        assertThat(serverTraffic().udpPacketsUp()).as("first over UDP through the server").isEqualTo(1);
        assertThat(serverTraffic().tcpConnections()).as("then over TCP through the server").isEqualTo(1);
    }

    private String digTxt(String name) throws Exception {
        ExternalPeer.Result result = ExternalPeer.run(60, "dig", "@127.0.0.1", "-p", "" + dnsPort(), "+noedns", "+tcp",
                "+short", "+tries=1", "+time=10", name, "TXT");
        assertThat(result.exitCode()).as("dig: %s", result.stderr()).isZero();
        return new String(result.stdout(), StandardCharsets.US_ASCII);
    }

    @Test
    void severalQueriesOnOneTcpConnection() throws Exception {
        start(Mode.TCP_AND_UDP);
        // dig keeps one connection for all the names given with +keepopen
        ExternalPeer.Result result = ExternalPeer.run(60, "dig", "@127.0.0.1", "-p", "" + dnsPort(), "+tcp",
                "+keepopen", "+short", "+tries=1", "+time=10", "a.proxied.test", "b.direct.test", "c.proxied.test");
        assertThat(result.exitCode()).as("dig: %s", result.stderr()).isZero();
        assertThat(new String(result.stdout(), StandardCharsets.US_ASCII).trim().split("\\s+"))
                .containsExactly(REMOTE_ANSWER, LOCAL_ANSWER, REMOTE_ANSWER);
    }

    private String dig(String name, String... options) throws Exception {
        return dig(dnsPort(), name, options);
    }

    private static String dig(int port, String name, String... options) throws Exception {
        ExternalPeer.Result result = ExternalPeer.run(60, concat(new String[] {"dig", "@127.0.0.1", "-p",
                "" + port, "+short", "+tries=1", "+time=10", name, "A"}, options));
        assertThat(result.exitCode()).as("dig: %s", result.stderr()).isZero();
        return new String(result.stdout(), StandardCharsets.US_ASCII).trim();
    }

    /** The answer section, one record a line: {@code name. TTL IN A address}. */
    private String digAnswer(String name, String... options) throws Exception {
        ExternalPeer.Result result = ExternalPeer.run(60, concat(new String[] {"dig", "@127.0.0.1", "-p",
                "" + dnsPort(), "+noall", "+answer", "+tries=1", "+time=10", name, "A"}, options));
        assertThat(result.exitCode()).as("dig: %s", result.stderr()).isZero();
        return new String(result.stdout(), StandardCharsets.US_ASCII).trim();
    }

    private String digStatus(String name, String... options) throws Exception {
        return digStatus(dnsPort(), name, options);
    }

    private static String digStatus(int port, String name, String... options) throws Exception {
        ExternalPeer.Result result = ExternalPeer.run(60, concat(new String[] {"dig", "@127.0.0.1", "-p",
                "" + port, "+tries=1", "+time=20", name, "A"}, options));
        String out = new String(result.stdout(), StandardCharsets.US_ASCII);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("status: ([A-Z]+)").matcher(out);
        assertThat(m.find()).as("dig printed a status:\n%s%s", out, result.stderr()).isTrue();
        return m.group(1);
    }

    private static long ttl(String answerLine) {
        return Long.parseLong(answerLine.trim().split("\\s+")[1]);
    }

    private static String[] concat(String[] first, String... rest) {
        String[] all = java.util.Arrays.copyOf(first, first.length + rest.length);
        System.arraycopy(rest, 0, all, first.length, rest.length);
        return all;
    }
}
