package dev.ssjvm.service.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A plain TCP and UDP relay on loopback between a client and a server, as a middlebox on the path
 * would see it: it records the first bytes of every TCP connection and of every datagram the client
 * sends, and forwards everything unchanged both ways.
 */
public final class RecordingRelay implements AutoCloseable {
    private static final int RECORDED = 64;

    private final InetSocketAddress upstream;
    private final ServerSocket tcp;
    private final DatagramSocket udp;
    private final List<byte[]> connectionStarts = new CopyOnWriteArrayList<>();
    private final List<byte[]> datagramStarts = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "recording-relay");
        t.setDaemon(true);
        return t;
    });
    private volatile SocketAddress udpClient;

    /** Relays TCP and UDP on one loopback port number to {@code upstream} (same number for both). */
    public RecordingRelay(InetSocketAddress upstream) throws IOException {
        this.upstream = upstream;
        this.tcp = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), tcp.getLocalPort()));
        pool.execute(this::acceptLoop);
        pool.execute(this::udpFromClient);
    }

    public int port() {
        return tcp.getLocalPort();
    }

    /** The first bytes (up to 64) the client sent on each TCP connection, in accept order. */
    public List<byte[]> connectionStarts() {
        return List.copyOf(connectionStarts);
    }

    /** The first bytes (up to 64) of each datagram the client sent. */
    public List<byte[]> datagramStarts() {
        return List.copyOf(datagramStarts);
    }

    private void acceptLoop() {
        while (!tcp.isClosed()) {
            try {
                Socket client = tcp.accept();
                Socket server = new Socket(upstream.getAddress(), upstream.getPort());
                open.add(client);
                open.add(server);
                pool.execute(() -> pipe(client, server, true));
                pool.execute(() -> pipe(server, client, false));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pipe(Socket from, Socket to, boolean record) {
        byte[] buffer = new byte[16384];
        byte[] start = new byte[RECORDED];
        int recorded = 0;
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (record && recorded < RECORDED) {
                    int take = Math.min(n, RECORDED - recorded);
                    System.arraycopy(buffer, 0, start, recorded, take);
                    recorded += take;
                    if (recorded == RECORDED) {
                        connectionStarts.add(start.clone());
                    }
                }
                out.write(buffer, 0, n);
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException ignored) {
            // either side closed: the relay just stops
        } finally {
            if (record && recorded < RECORDED && recorded > 0) {
                connectionStarts.add(Arrays.copyOf(start, recorded));
            }
        }
    }

    private void udpFromClient() {
        DatagramSocket toServer;
        try {
            toServer = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        } catch (IOException e) {
            return;
        }
        open.add(toServer);
        pool.execute(() -> udpFromServer(toServer));
        byte[] buffer = new byte[65536];
        while (!udp.isClosed()) {
            try {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                udp.receive(packet);
                udpClient = packet.getSocketAddress();
                datagramStarts.add(Arrays.copyOf(packet.getData(), Math.min(packet.getLength(), RECORDED)));
                toServer.send(new DatagramPacket(packet.getData(), packet.getLength(), upstream));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void udpFromServer(DatagramSocket toServer) {
        byte[] buffer = new byte[65536];
        while (!toServer.isClosed()) {
            try {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                toServer.receive(packet);
                SocketAddress client = udpClient;
                if (client != null) {
                    udp.send(new DatagramPacket(packet.getData(), packet.getLength(), client));
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    @Override
    public void close() throws Exception {
        tcp.close();
        udp.close();
        for (AutoCloseable c : open) {
            c.close();
        }
        pool.shutdownNow();
    }
}
