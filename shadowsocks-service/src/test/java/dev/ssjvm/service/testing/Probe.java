package dev.ssjvm.service.testing;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;

/** An active prober: sends bytes to a server and records what it can observe of the reaction. */
public final class Probe {
    /** What a prober sees: bytes that came back, and how the connection ended. */
    public record Reaction(int bytesReceived, String end) {}

    /** The reaction every kind of bad input must get from our server. */
    public static final Reaction SILENT_UNTIL_DEADLINE = new Reaction(0, "silence, then FIN at the deadline");

    private Probe() {}

    /**
     * Sends {@code bytes}, then watches: until half the handshake deadline nothing may happen; after
     * that the connection should end.
     */
    public static Reaction send(InetSocketAddress server, byte[] bytes, Duration deadline) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(server, 5000);
            s.getOutputStream().write(bytes);
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            s.setSoTimeout((int) (deadline.toMillis() / 2));
            String early;
            try {
                int b = in.read();
                early = b < 0 ? "early FIN" : "data";
                if (b >= 0) {
                    received.write(b);
                }
            } catch (SocketTimeoutException e) {
                early = null;
            } catch (SocketException e) {
                early = "early reset";
            }
            if (early != null) {
                return new Reaction(received.size(), early);
            }
            s.setSoTimeout((int) (deadline.toMillis() * 5));
            try {
                int b;
                while ((b = in.read()) >= 0) {
                    received.write(b);
                }
                return new Reaction(received.size(), SILENT_UNTIL_DEADLINE.end());
            } catch (SocketTimeoutException e) {
                return new Reaction(received.size(), "never closed");
            } catch (SocketException e) {
                return new Reaction(received.size(), "reset at the deadline");
            }
        }
    }
}
