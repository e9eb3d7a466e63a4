package dev.ssjvm.service.testing;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A UDP echo target with plain JDK sockets: every datagram goes back to its sender, prefixed with
 * this target's tag so tests can tell which target answered.
 */
public final class UdpEcho implements AutoCloseable {
    private final DatagramSocket socket;
    private final byte[] tag;
    private final AtomicInteger received = new AtomicInteger();

    public UdpEcho(InetAddress bind, String tag) throws SocketException {
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
                socket.send(new DatagramPacket(out, out.length, in.getSocketAddress()));
            } catch (IOException e) {
                if (socket.isClosed()) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
