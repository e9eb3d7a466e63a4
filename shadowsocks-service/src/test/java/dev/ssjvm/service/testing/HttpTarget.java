package dev.ssjvm.service.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP target on loopback, from the JDK's own HTTP server: {@code GET /bytes/N} answers N bytes of
 * {@link TestData#stream}; {@code POST /sha256} answers the hex SHA-256 of the body.
 */
public final class HttpTarget implements AutoCloseable {
    private final HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();

    public HttpTarget() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "http-target");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/bytes/", exchange -> {
            requests.incrementAndGet();
            long length = Long.parseLong(exchange.getRequestURI().getPath().substring("/bytes/".length()));
            exchange.sendResponseHeaders(200, length);
            try (OutputStream out = exchange.getResponseBody()) {
                TestData.stream(length, out);
            }
        });
        server.createContext("/sha256", exchange -> {
            requests.incrementAndGet();
            byte[] digest;
            try (InputStream in = exchange.getRequestBody()) {
                digest = TestData.readAll(in).sha256();
            }
            byte[] body = HexFormat.of().formatHex(digest).getBytes();
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public int requests() {
        return requests.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toByteArray();
    }
}
