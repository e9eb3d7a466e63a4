package dev.ssjvm.cli.online;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The JDK's HTTPS server on loopback with a self-signed certificate made by {@code keytool} for
 * 127.0.0.1 (its PEM is {@link #caFile()}), serving documents that the test changes as it goes.
 */
public final class TestHttpsServer implements AutoCloseable {
    private static final String STORE_PASSWORD = "test-only";

    private final HttpsServer server;
    private final Path caFile;
    private final Map<String, String> documents = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();

    public TestHttpsServer(Path dir) throws Exception {
        Path store = dir.resolve("server.p12");
        caFile = dir.resolve("ca.pem");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(keytool, "-genkeypair", "-alias", "test", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD);
        run(keytool, "-exportcert", "-rfc", "-alias", "test", "-keystore", store.toString(),
                "-storepass", STORE_PASSWORD, "-file", caFile.toString());

        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, STORE_PASSWORD.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, STORE_PASSWORD.toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);

        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            String body = documents.get(exchange.getRequestURI().getPath());
            byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(body == null ? 404 : 200, bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("keytool failed: " + output);
        }
    }

    /** Serves {@code body} at {@code path} from now on. */
    public void serve(String path, String body) {
        documents.put(path, body);
    }

    /** Answers 404 at {@code path} from now on. */
    public void remove(String path) {
        documents.remove(path);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Requests answered so far: how a test knows a refresh has happened. */
    public int requests() {
        return requests.get();
    }

    public Path caFile() {
        return caFile;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
