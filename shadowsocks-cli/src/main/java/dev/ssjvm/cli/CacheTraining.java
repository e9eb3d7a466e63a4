package dev.ssjvm.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The training run behind the launchers' class cache (bin/_cache): {@code java -XX:ArchiveClassesAtExit=...
 * -cp ssjvm.jar dev.ssjvm.cli.CacheTraining} (or {@code -XX:AOTCacheOutput=...}) starts an ssserver and an
 * sslocal tunnel in this one JVM, on loopback ports of its own, pushes a few connections to a tiny local
 * target through them, and exits, so that the JVM archives what a real start and a first connection
 * load. Not a user command; exit code 0 when the connections went through.
 */
public final class CacheTraining {
    private static final String PASSWORD = "class-cache-training";
    private static final int CONNECTIONS = 20;

    private CacheTraining() {}

    public static void main(String[] args) throws Exception {
        int code = 1;
        try (ServerSocket target = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread answering = new Thread(() -> answer(target), "training-target");
            answering.setDaemon(true);
            answering.start();
            int serverPort = freePort();
            int localPort = freePort();
            String loopback = InetAddress.getLoopbackAddress().getHostAddress();
            start("ssserver", "-s", loopback, "-p", "" + serverPort, "-k", PASSWORD, "-m", "aes-256-gcm",
                    "--forbidden-ip", "");
            // one after the other: two first uses of the logging at once race inside slf4j
            if (!listening(loopback, serverPort)) {
                return;
            }
            start("sslocal", "-s", loopback, "-p", "" + serverPort, "-b", loopback, "-l", "" + localPort,
                    "-k", PASSWORD, "-m", "aes-256-gcm", "-L", loopback + ":" + target.getLocalPort());
            code = exchange(loopback, localPort) ? 0 : 1;
        } finally {
            // the shutdown hooks close both services; the JVM writes its archive on the way out
            System.exit(code);
        }
    }

    /** Runs a command as the launcher would, on a thread of its own; it blocks until the JVM exits. */
    private static void start(String... args) {
        PrintWriter err = new PrintWriter(System.err, true);
        Thread t = new Thread(() -> Main.run(args, err, err), "training-" + args[0]);
        t.setDaemon(true);
        t.start();
    }

    /** Waits up to 60 s for a port to accept connections. */
    private static boolean listening(String host, int port) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), 2000);
                return true;
            } catch (IOException notYet) {
                Thread.sleep(20);
            }
        }
        return false;
    }

    /** Waits for the tunnel (up to 60 s), then sends requests through it; true when all were answered. */
    private static boolean exchange(String host, int port) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        int answered = 0;
        while (answered < CONNECTIONS && System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), 2000);
                s.setSoTimeout(5000);
                s.getOutputStream().write("GET / HTTP/1.1\r\nHost: training\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                s.shutdownOutput();
                if (s.getInputStream().readAllBytes().length > 0) {
                    answered++;
                    continue;
                }
            } catch (IOException notYet) {
                // the tunnel or the server is not listening yet
            }
            Thread.sleep(20);
        }
        return answered == CONNECTIONS;
    }

    /** The target: reads a request until the client's half-close, answers a small HTTP response. */
    private static void answer(ServerSocket target) {
        byte[] response = ("HTTP/1.1 200 OK\r\nContent-Length: 1024\r\nConnection: close\r\n\r\n" + "x".repeat(1024))
                .getBytes(StandardCharsets.US_ASCII);
        while (!target.isClosed()) {
            try (Socket s = target.accept()) {
                s.setSoTimeout(5000);
                InputStream in = s.getInputStream();
                in.readAllBytes();
                OutputStream out = s.getOutputStream();
                out.write(response);
            } catch (IOException e) {
                // one failed exchange; the client counts it
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
