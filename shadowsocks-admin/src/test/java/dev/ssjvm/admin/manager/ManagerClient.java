package dev.ssjvm.admin.manager;

import static org.assertj.core.api.Assertions.fail;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A panel's side of the ss-manager protocol, as plain datagrams: the JDK's UDP socket, or a Unix
 * datagram socket bound to a path of its own (Netty's epoll one: the JDK has none).
 */
final class ManagerClient implements AutoCloseable {
    private static final long WAIT_SECONDS = 20;

    private final DatagramSocket udp;
    private final InetSocketAddress udpManager;
    private final EventLoopGroup loop;
    private final Channel unix;
    private final DomainSocketAddress unixManager;
    private final Path unixPath;
    private final BlockingQueue<byte[]> unixReceived;

    private ManagerClient(DatagramSocket udp, InetSocketAddress udpManager, EventLoopGroup loop, Channel unix,
            DomainSocketAddress unixManager, Path unixPath, BlockingQueue<byte[]> unixReceived) {
        this.udp = udp;
        this.udpManager = udpManager;
        this.loop = loop;
        this.unix = unix;
        this.unixManager = unixManager;
        this.unixPath = unixPath;
        this.unixReceived = unixReceived;
    }

    static ManagerClient udp(InetSocketAddress manager) throws IOException {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return new ManagerClient(socket, manager, null, null, null, null, null);
    }

    static ManagerClient udp(int port) throws IOException {
        return udp(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    }

    /** A Unix datagram client bound at {@code self}, talking to the manager at {@code manager}. */
    static ManagerClient unix(Path manager, Path self) throws Exception {
        EventLoopGroup loop = new EpollEventLoopGroup(1);
        BlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();
        Channel ch = new Bootstrap().group(loop).channel(EpollDomainDatagramChannel.class)
                .handler(new SimpleChannelInboundHandler<DomainDatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket p) {
                        byte[] b = new byte[p.content().readableBytes()];
                        p.content().readBytes(b);
                        queue.add(b);
                    }
                }).bind(new DomainSocketAddress(self.toString())).sync().channel();
        return new ManagerClient(null, null, loop, ch, new DomainSocketAddress(manager.toString()), self, queue);
    }

    void send(String text) throws IOException {
        send(text.getBytes(StandardCharsets.UTF_8));
    }

    void send(byte[] data) throws IOException {
        if (udp != null) {
            udp.send(new DatagramPacket(data, data.length, udpManager));
        } else {
            unix.writeAndFlush(new DomainDatagramPacket(Unpooled.wrappedBuffer(data), unixManager)).syncUninterruptibly();
        }
    }

    /** The next datagram, as text; fails the test if none comes in time. */
    String receive() throws Exception {
        byte[] data = receiveBytes();
        return new String(data, StandardCharsets.UTF_8);
    }

    byte[] receiveBytes() throws Exception {
        if (udp != null) {
            byte[] buf = new byte[70_000];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            udp.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
            try {
                udp.receive(p);
            } catch (SocketTimeoutException e) {
                fail("no datagram from the manager within " + WAIT_SECONDS + " s");
            }
            return java.util.Arrays.copyOf(buf, p.getLength());
        }
        byte[] b = unixReceived.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        if (b == null) {
            fail("no datagram from the manager within " + WAIT_SECONDS + " s");
        }
        return b;
    }

    /**
     * Sends a command and returns the first datagram of its answer. The manager's unasked periodic
     * {@code stat} may come in between; it is skipped, except for {@code ping}, whose answer it equals
     * while no traffic flows.
     */
    String command(String text) throws Exception {
        send(text);
        String reply = receive();
        while (!text.startsWith("ping") && reply.startsWith("stat: ")) {
            reply = receive();
        }
        return reply;
    }

    @Override
    public void close() throws IOException {
        if (udp != null) {
            udp.close();
        } else {
            unix.close().syncUninterruptibly();
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            Files.deleteIfExists(unixPath);
        }
    }
}
