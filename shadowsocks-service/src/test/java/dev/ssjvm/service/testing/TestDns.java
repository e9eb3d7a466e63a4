package dev.ssjvm.service.testing;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal authoritative DNS server on loopback UDP, written from RFC 1035 with JDK sockets: A and
 * AAAA answers for the names it is given, NXDOMAIN for every other name. Lets tests resolve names
 * without any outside network.
 */
public final class TestDns implements AutoCloseable {
    private final DatagramSocket socket;
    private final Map<String, InetAddress> records = new ConcurrentHashMap<>();
    private final Thread thread;
    private final AtomicInteger queries = new AtomicInteger();

    public TestDns() throws SocketException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        thread = new Thread(this::serve, "test-dns");
        thread.setDaemon(true);
        thread.start();
    }

    public TestDns add(String name, InetAddress address) {
        records.put(name.toLowerCase(Locale.ROOT), address);
        return this;
    }

    /** Queries received so far, answered or not: the proof that a name was or was not looked up. */
    public int queries() {
        return queries.get();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    private void serve() {
        byte[] buf = new byte[1500];
        while (!socket.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(packet);
                queries.incrementAndGet();
                byte[] reply = answer(ByteBuffer.wrap(packet.getData(), 0, packet.getLength()));
                if (reply != null) {
                    socket.send(new DatagramPacket(reply, reply.length, packet.getSocketAddress()));
                }
            } catch (IOException | RuntimeException e) {
                if (socket.isClosed()) {
                    return;
                }
            }
        }
    }

    private byte[] answer(ByteBuffer query) {
        int id = query.getShort() & 0xffff;
        query.getShort(); // flags
        int questions = query.getShort() & 0xffff;
        query.position(12);
        if (questions != 1) {
            return null;
        }
        int nameStart = query.position();
        StringBuilder name = new StringBuilder();
        int len;
        while ((len = query.get() & 0xff) != 0) {
            byte[] label = new byte[len];
            query.get(label);
            if (name.length() > 0) {
                name.append('.');
            }
            name.append(new String(label, java.nio.charset.StandardCharsets.US_ASCII));
        }
        int qtype = query.getShort() & 0xffff;
        query.getShort(); // class
        int questionEnd = query.position();
        InetAddress address = records.get(name.toString().toLowerCase(Locale.ROOT));
        boolean match = address != null
                && ((qtype == 1 && address.getAddress().length == 4) || (qtype == 28 && address.getAddress().length == 16));
        ByteBuffer out = ByteBuffer.allocate(512);
        out.putShort((short) id);
        int rcode = address == null ? 3 : 0; // NXDOMAIN for unknown names, NOERROR (maybe empty) otherwise
        out.putShort((short) (0x8400 | 0x0100 | 0x0080 | rcode)); // response, authoritative, RD, RA
        out.putShort((short) 1);
        out.putShort((short) (match ? 1 : 0));
        out.putShort((short) 0);
        out.putShort((short) 0);
        out.put(query.array(), query.arrayOffset() + nameStart, questionEnd - nameStart);
        if (match) {
            out.putShort((short) 0xc00c); // pointer to the question's name
            out.putShort((short) qtype);
            out.putShort((short) 1);
            out.putInt(60);
            byte[] ip = address.getAddress();
            out.putShort((short) ip.length);
            out.put(ip);
        }
        byte[] reply = new byte[out.position()];
        out.flip().get(reply);
        return reply;
    }

    @Override
    public void close() {
        socket.close();
    }
}
