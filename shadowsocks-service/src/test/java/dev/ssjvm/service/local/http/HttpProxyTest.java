package dev.ssjvm.service.local.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.service.config.LocalListener;
import dev.ssjvm.service.config.LocalSettings;
import dev.ssjvm.service.config.ServerEndpoint;
import dev.ssjvm.service.local.ShadowsocksLocal;
import dev.ssjvm.service.testing.ExternalPeer;
import dev.ssjvm.service.testing.HttpTarget;
import dev.ssjvm.service.testing.LeakCheck;
import dev.ssjvm.service.testing.ProxyStack;
import dev.ssjvm.service.testing.TestData;
import dev.ssjvm.service.testing.TestTarget;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP proxy and the mixed SOCKS/HTTP port, driven by curl (and openssl's TLS server for CONNECT)
 * through our sslocal and ssserver in process, to targets on loopback; a raw socket for what curl will
 * not send. Names like {@code target.test} are resolved by the server (its test DNS), never by curl.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class HttpProxyTest {
    private static final CipherKind METHOD = CipherKind.CHACHA20_IETF_POLY1305;
    private static final String PASSWORD = "http-proxy-test";
    private static final String TARGET = ProxyStack.TARGET_NAME;

    private static ProxyStack stack;
    private static HttpTarget web;
    private static HttpTarget web2;
    private static HttpServer headers;
    private static ShadowsocksLocal local;

    @BeforeAll
    static void start() throws Exception {
        stack = ProxyStack.start(METHOD, PASSWORD);
        web = new HttpTarget();
        web2 = new HttpTarget();
        headers = headerEcho();
        local = ShadowsocksLocal.start(LocalSettings.of(
                List.of(new ServerEndpoint("127.0.0.1", stack.serverAddress().getPort(), METHOD, PASSWORD)),
                List.of(new LocalListener(LocalListener.HTTP, "127.0.0.1", 0, null, Map.of()),
                        LocalListener.socks("127.0.0.1", 0),
                        new LocalListener(LocalListener.HTTP, "127.0.0.1", 0, null, Map.of("alice", "wonder:land")),
                        LocalListener.socks("127.0.0.1", 0).withUsers(Map.of("bob", "builder")))));
    }

    @AfterAll
    static void stop() throws Exception {
        local.close();
        headers.stop(0);
        web.close();
        web2.close();
        stack.close();
    }

    private static int http() {
        return local.tcpAddresses().get(0).getPort();
    }

    private static int mixed() {
        return local.tcpAddresses().get(1).getPort();
    }

    private static int httpWithUsers() {
        return local.tcpAddresses().get(2).getPort();
    }

    private static int mixedWithUsers() {
        return local.tcpAddresses().get(3).getPort();
    }

    private static ExternalPeer.Result curl(String... args) throws Exception {
        String[] all = new String[args.length + 4];
        all[0] = "curl";
        all[1] = "-sS";
        all[2] = "--max-time";
        all[3] = "60";
        System.arraycopy(args, 0, all, 4, args.length);
        return ExternalPeer.run(90, all);
    }

    private static String sha256(byte[] data) {
        return HexFormat.of().formatHex(TestData.sha256().digest(data));
    }

    private static String streamHash(long size) {
        return HexFormat.of().formatHex(TestData.streamHash(size));
    }

    @Test
    void plainHttpThroughCurl() throws Exception {
        long size = 5_000_000;
        ExternalPeer.Result r = curl("-x", "http://127.0.0.1:" + http(), "http://" + TARGET + ":" + web.port()
                + "/bytes/" + size);
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).hasSize((int) size);
        assertThat(sha256(r.stdout())).isEqualTo(streamHash(size));
    }

    @Test
    void httpsThroughConnectToAnOpensslServer(@TempDir Path dir) throws Exception {
        Path key = dir.resolve("key.pem");
        Path cert = dir.resolve("cert.pem");
        ExternalPeer.Result made = ExternalPeer.run(60, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                "-keyout", key.toString(), "-out", cert.toString(), "-days", "1", "-subj", "/CN=" + TARGET,
                "-addext", "subjectAltName=DNS:" + TARGET);
        assertThat(made.exitCode()).as(made.stderr()).isZero();
        int port = ExternalPeer.freePort();
        try (ExternalPeer tls = ExternalPeer.start("openssl", "s_server", "-www", "-accept", "127.0.0.1:" + port,
                "-cert", cert.toString(), "-key", key.toString()).awaitTcp(port)) {
            ExternalPeer.Result r = curl("--cacert", cert.toString(), "-x", "http://127.0.0.1:" + http(),
                    "https://" + TARGET + ":" + port + "/");
            assertThat(r.exitCode()).as(r.stderr()).isZero();
            assertThat(new String(r.stdout(), StandardCharsets.ISO_8859_1)).contains("s_server -www");
            // the same through the mixed port's HTTP side
            r = curl("--cacert", cert.toString(), "-x", "http://127.0.0.1:" + mixed(),
                    "https://" + TARGET + ":" + port + "/");
            assertThat(r.exitCode()).as(r.stderr()).isZero();
            assertThat(new String(r.stdout(), StandardCharsets.ISO_8859_1)).contains("s_server -www");
        }
    }

    @Test
    void keepAliveToTwoHostsOnOneProxyConnection(@TempDir Path dir) throws Exception {
        int before = web.requests();
        int before2 = web2.requests();
        try (CountingForwarder counter = new CountingForwarder(new InetSocketAddress("127.0.0.1", http()))) {
            Path first = dir.resolve("first");
            Path second = dir.resolve("second");
            ExternalPeer.Result r = curl("-x", "http://127.0.0.1:" + counter.port(),
                    "-w", "%{http_code} %{size_download} %{num_connects}\\n",
                    "-o", first.toString(), "http://127.0.0.1:" + web.port() + "/bytes/1000",
                    "-o", second.toString(), "http://" + TARGET + ":" + web2.port() + "/bytes/200000");
            assertThat(r.exitCode()).as(r.stderr()).isZero();
            assertThat(new String(r.stdout(), StandardCharsets.US_ASCII).lines())
                    .containsExactly("200 1000 1", "200 200000 0");
            assertThat(counter.accepted()).as("client connections the proxy accepted").isEqualTo(1);
            assertThat(sha256(Files.readAllBytes(first))).isEqualTo(streamHash(1000));
            assertThat(sha256(Files.readAllBytes(second))).isEqualTo(streamHash(200000));
        }
        assertThat(web.requests() - before).isEqualTo(1);
        assertThat(web2.requests() - before2).isEqualTo(1);
    }

    @Test
    void pipelinedRequestsToTwoHostsOnOneSocketAnswerInOrder() throws Exception {
        try (RawHttp raw = new RawHttp(new InetSocketAddress("127.0.0.1", http()))) {
            // both requests in one write: the second must wait for the first answer, from another host
            raw.send("GET http://127.0.0.1:" + web.port() + "/bytes/70000 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                    + "GET http://" + TARGET + ":" + web2.port() + "/bytes/3000 HTTP/1.1\r\nHost: " + TARGET
                    + "\r\n\r\n"
                    + "GET http://" + TARGET + ":" + web2.port() + "/bytes/5 HTTP/1.1\r\nHost: " + TARGET
                    + "\r\nConnection: close\r\n\r\n");
            RawHttp.Response one = raw.read();
            RawHttp.Response two = raw.read();
            RawHttp.Response three = raw.read();
            assertThat(one.status()).isEqualTo(200);
            assertThat(sha256(one.body())).isEqualTo(streamHash(70000));
            assertThat(two.status()).isEqualTo(200);
            assertThat(sha256(two.body())).isEqualTo(streamHash(3000));
            assertThat(sha256(three.body())).isEqualTo(streamHash(5));
            assertThat(three.header("connection")).isEqualToIgnoringCase("close");
            assertThat(raw.closedByPeer()).as("Connection: close ends the connection").isTrue();
        }
    }

    @Test
    void http10ClientGetsItsAnswerAndTheClose() throws Exception {
        try (RawHttp raw = new RawHttp(new InetSocketAddress("127.0.0.1", http()))) {
            raw.send("GET http://" + TARGET + ":" + web.port() + "/bytes/4096 HTTP/1.0\r\n\r\n");
            RawHttp.Response r = raw.read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(sha256(r.body())).isEqualTo(streamHash(4096));
            assertThat(raw.closedByPeer()).isTrue();
        }
    }

    @Test
    void oneMixedPortForSocks4aSocks5AndHttp() throws Exception {
        String url = "http://" + TARGET + ":" + web.port() + "/bytes/100000";
        for (List<String> proxy : List.of(List.of("--socks4a", "127.0.0.1:" + mixed()),
                List.of("--socks5-hostname", "127.0.0.1:" + mixed()), List.of("-x", "http://127.0.0.1:" + mixed()))) {
            ExternalPeer.Result r = curl(proxy.get(0), proxy.get(1), url);
            assertThat(r.exitCode()).as(proxy + ": " + r.stderr()).isZero();
            assertThat(sha256(r.stdout())).as(proxy.toString()).isEqualTo(streamHash(100000));
        }
    }

    @Test
    void basicAuthentication() throws Exception {
        String url = "http://" + TARGET + ":" + web.port() + "/bytes/10";
        String proxy = "http://127.0.0.1:" + httpWithUsers();
        ExternalPeer.Result none = curl("-i", "-x", proxy, url);
        assertThat(none.exitCode()).as(none.stderr()).isZero();
        String head = new String(none.stdout(), StandardCharsets.ISO_8859_1);
        assertThat(head).startsWith("HTTP/1.1 407").containsIgnoringCase("Proxy-Authenticate: Basic realm=\"sslocal\"");
        ExternalPeer.Result wrong = curl("-o", "/dev/null", "-w", "%{http_code}", "-x", proxy, "--proxy-user",
                "alice:wonder:lund", url);
        assertThat(new String(wrong.stdout(), StandardCharsets.US_ASCII)).isEqualTo("407");
        ExternalPeer.Result right = curl("-x", proxy, "--proxy-user", "alice:wonder:land", url);
        assertThat(right.exitCode()).as(right.stderr()).isZero();
        assertThat(sha256(right.stdout())).isEqualTo(streamHash(10));
        ExternalPeer.Result tunnelRefused = curl("-p", "-x", proxy, url);
        assertThat(tunnelRefused.exitCode()).as("CONNECT without credentials").isNotZero();
        assertThat(tunnelRefused.stderr()).contains("407");
        ExternalPeer.Result tunnel = curl("-p", "-x", proxy, "--proxy-user", "alice:wonder:land", url);
        assertThat(tunnel.exitCode()).as(tunnel.stderr()).isZero();
        assertThat(sha256(tunnel.stdout())).isEqualTo(streamHash(10));

        // on a mixed port the SOCKS users are the HTTP users too
        String mixedProxy = "http://127.0.0.1:" + mixedWithUsers();
        assertThat(new String(curl("-o", "/dev/null", "-w", "%{http_code}", "-x", mixedProxy, url).stdout(),
                StandardCharsets.US_ASCII)).isEqualTo("407");
        ExternalPeer.Result mixedRight = curl("-x", mixedProxy, "--proxy-user", "bob:builder", url);
        assertThat(sha256(mixedRight.stdout())).as(mixedRight.stderr()).isEqualTo(streamHash(10));
        ExternalPeer.Result socks = curl("--socks5-hostname", "127.0.0.1:" + mixedWithUsers(), "--proxy-user",
                "bob:builder", url);
        assertThat(sha256(socks.stdout())).as(socks.stderr()).isEqualTo(streamHash(10));
    }

    @Test
    void requestBodiesArriveIntact(@TempDir Path dir) throws Exception {
        long size = 3_000_001;
        Path body = dir.resolve("body");
        try (OutputStream out = Files.newOutputStream(body)) {
            TestData.stream(size, out);
        }
        String url = "http://" + TARGET + ":" + web.port() + "/sha256";
        ExternalPeer.Result withLength = curl("-x", "http://127.0.0.1:" + http(), "--data-binary", "@" + body, url);
        assertThat(withLength.exitCode()).as(withLength.stderr()).isZero();
        assertThat(new String(withLength.stdout(), StandardCharsets.US_ASCII)).isEqualTo(streamHash(size));
        ExternalPeer.Result chunked = curl("-x", "http://127.0.0.1:" + http(), "-H", "Transfer-Encoding: chunked",
                "--data-binary", "@" + body, url);
        assertThat(chunked.exitCode()).as(chunked.stderr()).isZero();
        assertThat(new String(chunked.stdout(), StandardCharsets.US_ASCII)).isEqualTo(streamHash(size));
    }

    @Test
    void hopByHopHeadersStayOnTheirHop() throws Exception {
        ExternalPeer.Result r = curl("-i", "-x", "http://127.0.0.1:" + http(),
                "-H", "Connection: keep-alive, X-Secret", "-H", "X-Secret: hop", "-H", "Keep-Alive: 300",
                "-H", "TE: trailers", "-H", "Proxy-Authorization: Basic Zm9vOmJhcg==", "-H", "X-Kept: end-to-end",
                "http://" + TARGET + ":" + headers.getAddress().getPort() + "/headers");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        String text = new String(r.stdout(), StandardCharsets.ISO_8859_1);
        int split = text.indexOf("\r\n\r\n");
        String responseHead = text.substring(0, split).toLowerCase(Locale.ROOT);
        String seenByTarget = text.substring(split + 4);
        assertThat(seenByTarget).contains("x-kept: end-to-end").contains("host: " + TARGET + ":")
                .doesNotContain("x-secret").doesNotContain("keep-alive").doesNotContain("te:")
                .doesNotContain("proxy-authorization").doesNotContain("proxy-connection");
        assertThat(responseHead).contains("x-kept-response: yes").doesNotContain("keep-alive: timeout")
                .doesNotContain("upgrade:").doesNotContain("proxy-authenticate").doesNotContain("trailer:")
                .doesNotContain("x-hop-response");
    }

    @Test
    void malformedRequestsGet400() throws Exception {
        String bigHeader = "X-Big: " + "a".repeat(100_000) + "\r\n";
        for (String bad : List.of("\u0016\u0003\u0001garbage that is not HTTP\r\n\r\n",
                "GET /origin-form HTTP/1.1\r\nHost: " + TARGET + "\r\n\r\n",
                "GET http://" + TARGET + ":" + web.port() + "/ HTTP/1.1\r\n" + bigHeader + "\r\n",
                "GET http://" + TARGET + "/" + "a".repeat(20_000) + " HTTP/1.1\r\n\r\n",
                "CONNECT no-port HTTP/1.1\r\n\r\n",
                "CONNECT bad/name:80 HTTP/1.1\r\n\r\n",
                "GET http://exa mple/ HTTP/1.1\r\n\r\n",
                "GET ftp://" + TARGET + "/ HTTP/1.1\r\n\r\n")) {
            try (RawHttp raw = new RawHttp(new InetSocketAddress("127.0.0.1", http()))) {
                raw.send(bad);
                RawHttp.Response r = raw.read();
                assertThat(r.status()).as(bad.substring(0, Math.min(40, bad.length()))).isEqualTo(400);
                assertThat(raw.closedByPeer()).isTrue();
            }
        }
    }

    @Test
    void connectRelaysWhatTheClientSentEarly() throws Exception {
        try (RawHttp raw = new RawHttp(new InetSocketAddress("127.0.0.1", mixed()))) {
            // the head and the tunnel's first bytes in one write: echo mode, then lines an HTTP decoder
            // would take for a request of its own
            String early = "early\r\nbytes\r\n\r\n";
            raw.send("CONNECT " + TARGET + ":" + stack.target.port() + " HTTP/1.1\r\nHost: x\r\n\r\nE" + early);
            RawHttp.Response established = raw.read(true);
            assertThat(established.statusLine()).isEqualTo("HTTP/1.1 200 Connection established");
            assertThat(new String(raw.input().readNBytes(early.length()), StandardCharsets.US_ASCII)).isEqualTo(early);
            TestTarget.roundTrip(raw.socket, "and more");
        }
    }

    @Test
    void aConnectPipelinedAfterAGetWaitsForItsAnswerAndKeepsItsBytes() throws Exception {
        try (RawHttp raw = new RawHttp(new InetSocketAddress("127.0.0.1", http()))) {
            raw.send("GET http://" + TARGET + ":" + web.port() + "/bytes/50000 HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "CONNECT " + TARGET + ":" + stack.target.port() + " HTTP/1.1\r\n\r\nEafter\r\nthe get\r\n\r\n");
            assertThat(sha256(raw.read().body())).isEqualTo(streamHash(50000));
            assertThat(raw.read(true).status()).isEqualTo(200);
            assertThat(new String(raw.input().readNBytes("after\r\nthe get\r\n\r\n".length()), StandardCharsets.US_ASCII))
                    .isEqualTo("after\r\nthe get\r\n\r\n");
            TestTarget.roundTrip(raw.socket, "still relayed");
        }
    }

    @Test
    void anUnreachableServerIs502() throws Exception {
        int dead = ExternalPeer.freePort();
        try (ShadowsocksLocal broken = ShadowsocksLocal.start(LocalSettings.of(
                List.of(new ServerEndpoint("127.0.0.1", dead, METHOD, PASSWORD)),
                List.of(new LocalListener(LocalListener.HTTP, "127.0.0.1", 0, null, Map.of()))))) {
            InetSocketAddress proxy = broken.tcpAddresses().get(0);
            ExternalPeer.Result r = curl("-o", "/dev/null", "-w", "%{http_code}", "-x",
                    "http://127.0.0.1:" + proxy.getPort(), "http://" + TARGET + ":" + web.port() + "/bytes/1");
            assertThat(new String(r.stdout(), StandardCharsets.US_ASCII)).isEqualTo("502");
            try (RawHttp raw = new RawHttp(proxy)) {
                raw.send("CONNECT " + TARGET + ":443 HTTP/1.1\r\n\r\n");
                assertThat(raw.read().status()).isEqualTo(502);
                assertThat(raw.closedByPeer()).isTrue();
            }
        }
    }

    @Test
    void aTargetThatClosesWithoutAnswerIs502() throws Exception {
        int closed = ExternalPeer.freePort(); // nothing listens: the server's connect fails and it closes
        try (RawHttp raw = new RawHttp(new InetSocketAddress("127.0.0.1", http()))) {
            raw.send("GET http://127.0.0.1:" + closed + "/ HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(raw.read().status()).isEqualTo(502);
            assertThat(raw.closedByPeer()).isTrue();
        }
    }

    @Test
    void aCloseDelimitedBodyIsChunkedSoTheClientConnectionLivesOn() throws Exception {
        try (RawTarget target = new RawTarget();
                RawHttp raw = new RawHttp(new InetSocketAddress("127.0.0.1", http()))) {
            raw.send("GET http://127.0.0.1:" + target.port() + "/close HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Response r = raw.read();
            assertThat(r.header("transfer-encoding")).isEqualTo("chunked");
            assertThat(new String(r.body(), StandardCharsets.US_ASCII)).isEqualTo(RawTarget.BODY);
            raw.send("GET http://" + TARGET + ":" + web.port() + "/bytes/10 HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(sha256(raw.read().body())).isEqualTo(streamHash(10));
        }
    }

    @Test
    void aChunkedBodyReachesAnHttp10ClientUnchunked() throws Exception {
        try (RawTarget target = new RawTarget();
                RawHttp raw = new RawHttp(new InetSocketAddress("127.0.0.1", http()))) {
            raw.send("GET http://127.0.0.1:" + target.port() + "/chunked HTTP/1.0\r\n\r\n");
            RawHttp.Response r = raw.read();
            assertThat(r.header("transfer-encoding")).isNull();
            assertThat(new String(r.body(), StandardCharsets.US_ASCII)).isEqualTo(RawTarget.BODY);
        }
    }

    @Test
    void aHeadAnswerHasNoBodyAndTheConnectionGoesOn() throws Exception {
        try (RawTarget target = new RawTarget();
                RawHttp raw = new RawHttp(new InetSocketAddress("127.0.0.1", http()))) {
            raw.send("HEAD http://127.0.0.1:" + target.port() + "/head HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET http://" + TARGET + ":" + web.port() + "/bytes/10 HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Response head = raw.read(true);
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("content-length")).isEqualTo("1000");
            assertThat(sha256(raw.read().body())).isEqualTo(streamHash(10));
        }
    }

    /**
     * A target written on a bare socket, one request per connection, for the framings the JDK server
     * does not produce: {@code /close} (HTTP/1.0, the body ends with the connection), {@code /chunked},
     * and {@code /head} (a HEAD answer: a length and no body).
     */
    private static final class RawTarget implements AutoCloseable {
        static final String BODY = "hello from a raw target";
        private final java.net.ServerSocket server = new java.net.ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        private final Thread thread = new Thread(this::serve, "raw-target");

        RawTarget() throws java.io.IOException {
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private void serve() {
            while (!server.isClosed()) {
                try (java.net.Socket s = server.accept()) {
                    java.io.BufferedReader in = new java.io.BufferedReader(
                            new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
                    String requestLine = in.readLine();
                    while (!in.readLine().isEmpty()) {
                        // the headers
                    }
                    String answer;
                    if (requestLine.contains("/close")) {
                        answer = "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n" + BODY;
                    } else if (requestLine.contains("/chunked")) {
                        answer = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"
                                + Integer.toHexString(BODY.length() - 5) + "\r\n" + BODY.substring(5) + "\r\n0\r\n\r\n";
                    } else {
                        answer = "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n";
                    }
                    s.getOutputStream().write(answer.getBytes(StandardCharsets.ISO_8859_1));
                    s.shutdownOutput();
                    in.read(); // until the proxy lets go
                } catch (java.io.IOException | NullPointerException e) {
                    // a client that went away; the next one may come
                }
            }
        }

        @Override
        public void close() throws java.io.IOException {
            server.close();
        }
    }

    /** Answers with the request's headers, one {@code name: value} line each, and hop-by-hop headers of its own. */
    private static HttpServer headerEcho() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.createContext("/headers", exchange -> {
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            exchange.getRequestHeaders().forEach((name, values) -> values.forEach(v ->
                    text.writeBytes((name.toLowerCase(Locale.ROOT) + ": " + v + "\n").getBytes(StandardCharsets.UTF_8))));
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("Keep-Alive", "timeout=99");
            exchange.getResponseHeaders().add("Upgrade", "h2c");
            exchange.getResponseHeaders().add("Proxy-Authenticate", "Basic realm=x");
            exchange.getResponseHeaders().add("Trailer", "X-T");
            exchange.getResponseHeaders().add("X-Hop-Response", "1");
            exchange.getResponseHeaders().add("Connection", "X-Hop-Response");
            exchange.getResponseHeaders().add("X-Kept-Response", "yes");
            byte[] body = text.toByteArray();
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.setExecutor(null);
        server.start();
        return server;
    }

}
