package dev.ssjvm.service.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A target server written with plain blocking JDK sockets, independent of the code under test. The
 * first byte of each connection picks a mode:
 *
 * <ul>
 *   <li>{@code E}: echo everything; on end of input, finish echoing and half-close.
 *   <li>{@code U} + u64 length: read that many bytes, answer their SHA-256, close.
 *   <li>{@code D} + u64 length: send that many bytes of {@link TestData#stream}, close.
 * </ul>
 */
public final class TestTarget implements AutoCloseable {
    private final ServerSocket server;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-target");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger accepted = new AtomicInteger();
    private final boolean speaksFirst;

    public TestTarget() throws IOException {
        this(InetAddress.getLoopbackAddress(), false);
    }

    /**
     * @param speaksFirst greet every connection with {@link #BANNER} before reading, then echo
     */
    public TestTarget(InetAddress bind, boolean speaksFirst) throws IOException {
        this.speaksFirst = speaksFirst;
        server = new ServerSocket(0, 1000, bind);
        pool.execute(this::acceptLoop);
    }

    public static final String BANNER = "220 banner from target\r\n";

    /** Starts echo mode on {@code s}, a connection to a target like this one (through a proxy). */
    public static Socket echo(Socket s) throws IOException {
        s.getOutputStream().write('E');
        return s;
    }

    /**
     * Echoes {@code size} random bytes (from {@code seed}) on {@code s}, a connection to a target like
     * this one, writing from a second thread while reading, and checks they come back whole. It reads
     * the length it wrote rather than to end of stream, so it also holds across a peer that does not
     * relay half-close (shadowsocks-libev tears the connection down on a FIN).
     */
    public static void assertEchoes(Socket s, int size, long seed) throws IOException, InterruptedException {
        byte[] payload = new byte[size];
        new Random(seed).nextBytes(payload);
        OutputStream out = s.getOutputStream();
        Thread writer = new Thread(() -> {
            try {
                out.write('E');
                out.write(payload);
                out.flush();
            } catch (IOException ignored) {
                // the reader below reports what went wrong
            }
        });
        writer.start();
        byte[] echoed = s.getInputStream().readNBytes(payload.length);
        writer.join();
        assertThat(echoed.length).isEqualTo(payload.length);
        assertThat(Arrays.equals(echoed, payload)).as("echo matches").isTrue();
    }

    /** One round trip on an echo connection: the connection is still relayed both ways. */
    public static void roundTrip(Socket s, String text) throws IOException {
        byte[] data = text.getBytes(StandardCharsets.US_ASCII);
        s.getOutputStream().write(data);
        s.getOutputStream().flush();
        s.setSoTimeout(10_000);
        assertThat(new String(s.getInputStream().readNBytes(data.length), StandardCharsets.US_ASCII)).isEqualTo(text);
    }

    /** Uploads {@code size} bytes of {@link TestData#stream} on {@code s}; the target's answer is their hash. */
    public static void upload(Socket s, long size) throws IOException {
        DataOutputStream out = new DataOutputStream(s.getOutputStream());
        out.writeByte('U');
        out.writeLong(size);
        TestData.stream(size, out);
        out.flush();
        s.setSoTimeout(10_000);
        assertThat(s.getInputStream().readNBytes(32)).as("upload hash").isEqualTo(TestData.streamHash(size));
    }

    public int port() {
        return server.getLocalPort();
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
    }

    /** Connections accepted so far: the proof that a request did or did not reach the target. */
    public int accepted() {
        return accepted.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                accepted.incrementAndGet();
                pool.execute(() -> {
                    if (speaksFirst) {
                        greetThenEcho(s);
                    } else {
                        serve(s);
                    }
                });
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void greetThenEcho(Socket s) {
        try (s) {
            s.getOutputStream().write(BANNER.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            echo(s, s.getInputStream(), s.getOutputStream());
        } catch (IOException ignored) {
            // the peer went away
        }
    }

    private static void serve(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            int mode = in.read();
            switch (mode) {
                case 'E' -> echo(s, in, out);
                case 'U' -> {
                    long length = new DataInputStream(in).readLong();
                    MessageDigest sha = TestData.sha256();
                    byte[] buf = new byte[65536];
                    long left = length;
                    while (left > 0) {
                        int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                        if (n < 0) {
                            return;
                        }
                        sha.update(buf, 0, n);
                        left -= n;
                    }
                    out.write(sha.digest());
                    out.flush();
                }
                case 'D' -> {
                    long length = new DataInputStream(in).readLong();
                    TestData.stream(length, out);
                    out.flush();
                }
                default -> { }
            }
        } catch (IOException ignored) {
            // the peer went away; nothing to do in a test target
        }
    }

    private static void echo(Socket s, InputStream in, OutputStream out) throws IOException {
        byte[] buf = new byte[65536];
        int n;
        while ((n = in.read(buf)) >= 0) {
            out.write(buf, 0, n);
            out.flush();
        }
        s.shutdownOutput();
    }

    @Override
    public void close() throws IOException {
        server.close();
        pool.shutdownNow();
    }
}
