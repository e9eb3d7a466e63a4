package dev.ssjvm.service.testing;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A SOCKS5 UDP ASSOCIATE client written from RFC 1928 with plain JDK sockets, independent of the code
 * under test: the TCP control connection, then datagrams with the RFC's UDP request header.
 */
public final class SocksUdpClient implements AutoCloseable {
    private final Socket control;
    private final DatagramSocket udp;
    private final InetSocketAddress relay;

    /** A datagram from the relay: the source address from the header, and the data. */
    public record Reply(InetSocketAddress source, byte[] data) {}

    public SocksUdpClient(InetSocketAddress socksServer) throws IOException {
        control = new Socket();
        control.connect(socksServer, 5000);
        control.setSoTimeout(10_000);
        OutputStream out = control.getOutputStream();
        DataInputStream in = new DataInputStream(control.getInputStream());
        out.write(new byte[] {5, 1, 0});
        byte[] method = new byte[2];
        in.readFully(method);
        if (method[0] != 5 || method[1] != 0) {
            throw new IOException("SOCKS5 method negotiation failed: " + Arrays.toString(method));
        }
        boolean v6 = socksServer.getAddress().getAddress().length == 16;
        udp = new DatagramSocket(new InetSocketAddress(socksServer.getAddress(), 0));
        udp.setReceiveBufferSize(1 << 20);
        ByteBuffer request = ByteBuffer.allocate(v6 ? 22 : 10).put(new byte[] {5, 3, 0, (byte) (v6 ? 4 : 1)});
        request.put(udp.getLocalAddress().getAddress()).putShort((short) udp.getLocalPort());
        out.write(request.array());
        byte[] head = new byte[4];
        in.readFully(head);
        if (head[1] != 0) {
            throw new IOException("UDP ASSOCIATE refused with status " + head[1]);
        }
        byte[] ip = new byte[head[3] == 4 ? 16 : 4];
        in.readFully(ip);
        int port = in.readUnsignedShort();
        relay = new InetSocketAddress(InetAddress.getByAddress(ip), port);
    }

    public InetSocketAddress relay() {
        return relay;
    }

    public void send(InetSocketAddress target, byte[] data) throws IOException {
        send(target, data, 0);
    }

    /** Sends with the given FRAG byte (non-zero fragments must be dropped by the relay). */
    public void send(InetSocketAddress target, byte[] data, int frag) throws IOException {
        byte[] header = header(target, frag);
        byte[] packet = Arrays.copyOf(header, header.length + data.length);
        System.arraycopy(data, 0, packet, header.length, data.length);
        udp.send(new DatagramPacket(packet, packet.length, relay));
    }

    /** Sends raw bytes to the relay, header and all. */
    public void sendRaw(byte[] packet) throws IOException {
        udp.send(new DatagramPacket(packet, packet.length, relay));
    }

    private static byte[] header(InetSocketAddress target, int frag) {
        ByteBuffer b = ByteBuffer.allocate(3 + 1 + 1 + 255 + 2);
        b.put((byte) 0).put((byte) 0).put((byte) frag);
        if (target.isUnresolved()) {
            byte[] name = target.getHostString().getBytes(StandardCharsets.US_ASCII);
            b.put((byte) 3).put((byte) name.length).put(name);
        } else {
            b.put((byte) (target.getAddress() instanceof Inet4Address ? 1 : 4)).put(target.getAddress().getAddress());
        }
        b.putShort((short) target.getPort());
        return Arrays.copyOf(b.array(), b.position());
    }

    /** Waits for one datagram; {@code null} on timeout. */
    public Reply receive(int timeoutMillis) throws IOException {
        byte[] buf = new byte[65536];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        udp.setSoTimeout(timeoutMillis);
        try {
            udp.receive(p);
        } catch (SocketTimeoutException e) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(p.getData(), 0, p.getLength());
        b.position(3);
        int type = b.get();
        InetSocketAddress source;
        if (type == 3) {
            byte[] name = new byte[b.get() & 0xff];
            b.get(name);
            source = InetSocketAddress.createUnresolved(new String(name, StandardCharsets.US_ASCII), b.getShort() & 0xffff);
        } else {
            byte[] ip = new byte[type == 1 ? 4 : 16];
            b.get(ip);
            source = new InetSocketAddress(InetAddress.getByAddress(ip), b.getShort() & 0xffff);
        }
        byte[] data = new byte[b.remaining()];
        b.get(data);
        return new Reply(source, data);
    }

    /** Whether the relay closed the control connection (within the timeout). */
    public boolean controlClosed(int timeoutMillis) throws IOException {
        control.setSoTimeout(timeoutMillis);
        try {
            return control.getInputStream().read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (java.net.SocketException e) {
            return true;
        }
    }

    public void closeControl() throws IOException {
        control.close();
    }

    @Override
    public void close() throws IOException {
        control.close();
        udp.close();
    }
}
