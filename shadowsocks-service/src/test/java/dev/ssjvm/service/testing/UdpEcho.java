package dev.ssjvm.service.testing;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A UDP echo target with plain JDK sockets: every datagram goes back to its sender, prefixed with
 * this target's tag so tests can tell which target answered; optionally only after a delay, for
 * tests of association timeouts.
 */
public final class UdpEcho implements AutoCloseable {
    private final DatagramSocket socket;
    private final byte[] tag;
    private final AtomicInteger received = new AtomicInteger();
    private final Duration delay;
    private final ScheduledExecutorService later;

    public UdpEcho(InetAddress bind, String tag) throws SocketException {
        this(bind, tag, Duration.ZERO);
    }

    /** @param delay how long each reply waits before it is sent */
    public UdpEcho(InetAddress bind, String tag, Duration delay) throws SocketException {
        this.delay = delay;
        this.later = delay.isZero() ? null : Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "udp-echo-later-" + tag);
            t.setDaemon(true);
            return t;
        });
        this.socket = new DatagramSocket(new InetSocketAddress(bind, 0));
        this.socket.setReceiveBufferSize(1 << 20);
        this.tag = tag.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Thread t = new Thread(this::serve, "udp-echo-" + tag);
        t.setDaemon(true);
        t.start();
    }

    public UdpEcho(String tag) throws SocketException {
        this(InetAddress.getLoopbackAddress(), tag);
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    public int port() {
        return socket.getLocalPort();
    }

    /** Datagrams received so far: the proof that something did or did not reach the target. */
    public int received() {
        return received.get();
    }

    private void serve() {
        byte[] buf = new byte[65536];
        while (!socket.isClosed()) {
            try {
                DatagramPacket in = new DatagramPacket(buf, buf.length);
                socket.receive(in);
                received.incrementAndGet();
                byte[] out = new byte[tag.length + in.getLength()];
                System.arraycopy(tag, 0, out, 0, tag.length);
                System.arraycopy(in.getData(), 0, out, tag.length, in.getLength());
                DatagramPacket reply = new DatagramPacket(out, out.length, in.getSocketAddress());
                if (later == null) {
                    socket.send(reply);
                } else {
                    later.schedule(() -> {
                        try {
                            socket.send(reply);
                        } catch (IOException ignored) {
                            // closed meanwhile
                        }
                    }, delay.toMillis(), TimeUnit.MILLISECONDS);
                }
            } catch (IOException e) {
                if (socket.isClosed()) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        if (later != null) {
            later.shutdownNow();
        }
        socket.close();
    }
}
