package dev.ssjvm.admin.manager;

import dev.ssjvm.service.transport.ServiceIo;
import dev.ssjvm.service.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One datagram socket of the ss-manager protocol, UDP or Unix, on an event loop of its own: the
 * manager's traffic is a few datagrams a second, and keeping it off the relays' loops means a slow
 * reply never delays a relay (and the relays' transport setting does not decide whether a Unix socket
 * can be opened). Unix datagram sockets need native epoll: Java has no Unix datagram channel.
 */
final class ManagerSocket implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ManagerSocket.class);

    /** A received datagram: its bytes and who sent it ({@code null} when it cannot be answered). */
    interface Receiver extends BiConsumer<byte[], SocketAddress> {}

    private final EventLoopGroup loop;
    private final Channel channel;
    private final Path boundPath; // removed on close; null unless we bound a Unix socket

    private ManagerSocket(EventLoopGroup loop, Channel channel, Path boundPath) {
        this.loop = loop;
        this.channel = channel;
        this.boundPath = boundPath;
    }

    /**
     * Binds the manager's own socket at {@code address} (a stale Unix socket file is removed first).
     *
     * @throws IOException naming the address when it cannot be bound, or when a Unix socket is asked
     *     for and native epoll is not available
     */
    static ManagerSocket bind(ManagerAddress address, String threadName, Receiver receiver) throws IOException {
        Transport transport = transportFor(address);
        EventLoopGroup loop = transport.newEventLoopGroup(1, threadName);
        try {
            Bootstrap b = bootstrap(loop, transport, address, receiver);
            if (address.isUnix()) {
                removeStale(address.unix());
            }
            ChannelFuture bound = b.bind(socketAddress(address)).awaitUninterruptibly();
            if (!bound.isSuccess()) {
                throw new IOException("manager address " + address.text() + ": cannot bind: "
                        + bound.cause().getMessage(), bound.cause());
            }
            return new ManagerSocket(loop, bound.channel(), address.unix());
        } catch (IOException | RuntimeException e) {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    /**
     * A socket that only sends to {@code address} (the reporter): UDP from an ephemeral port, Unix
     * from an unnamed socket, so nothing is left on disk.
     */
    static ManagerSocket sender(ManagerAddress address, String threadName) throws IOException {
        SocketAddress to = socketAddress(address);
        Transport transport = transportFor(address);
        EventLoopGroup loop = transport.newEventLoopGroup(1, threadName);
        try {
            Bootstrap b = bootstrap(loop, transport, address, (bytes, from) -> { });
            ChannelFuture ready;
            if (address.isUnix()) {
                ready = b.option(ChannelOption.DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION, true).register();
            } else {
                ready = b.bind(new InetSocketAddress(((InetSocketAddress) to).getAddress() instanceof Inet6Address
                        ? InetAddress.getByName("::") : InetAddress.getByName("0.0.0.0"), 0));
            }
            ready.awaitUninterruptibly();
            if (!ready.isSuccess()) {
                throw new IOException("manager address " + address.text() + ": cannot open a socket: "
                        + ready.cause().getMessage(), ready.cause());
            }
            return new ManagerSocket(loop, ready.channel(), null);
        } catch (IOException | RuntimeException e) {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    private static Transport transportFor(ManagerAddress address) throws IOException {
        if (!address.isUnix()) {
            return Transport.automatic();
        }
        try {
            return Transport.named("epoll");
        } catch (IllegalArgumentException e) {
            throw new IOException("manager address " + address.text() + ": a Unix datagram socket needs native epoll ("
                    + e.getMessage() + "); give a UDP address (host:port) instead", e);
        }
    }

    private static Bootstrap bootstrap(EventLoopGroup loop, Transport transport, ManagerAddress address,
            Receiver receiver) {
        return new Bootstrap()
                .group(loop)
                .channel(address.isUnix() ? EpollDomainDatagramChannel.class : transport.datagramChannel())
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(ServiceIo.MAX_DATAGRAM))
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        if (!(msg instanceof AddressedEnvelope<?, ?> envelope)) {
                            io.netty.util.ReferenceCountUtil.release(msg);
                            return;
                        }
                        try {
                            ByteBuf content = (ByteBuf) envelope.content();
                            byte[] bytes = new byte[content.readableBytes()];
                            content.readBytes(bytes);
                            receiver.accept(bytes, replyable(envelope.sender()));
                        } finally {
                            envelope.release();
                        }
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        LOG.warn("manager socket {}: {}", address.text(), cause.toString());
                    }
                });
    }

    /** An unnamed Unix socket has no address to answer to. */
    private static SocketAddress replyable(Object sender) {
        if (sender instanceof DomainSocketAddress unix && unix.path().isEmpty()) {
            return null;
        }
        return (SocketAddress) sender;
    }

    /** The address to bind or send to; a host name is looked up now. */
    static SocketAddress socketAddress(ManagerAddress address) throws IOException {
        if (address.isUnix()) {
            return new DomainSocketAddress(address.unix().toString());
        }
        InetSocketAddress a = address.udp();
        if (!a.isUnresolved()) {
            return a;
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(a.getHostString()), a.getPort());
        } catch (UnknownHostException e) {
            throw new IOException("manager address " + address.text() + ": cannot resolve " + a.getHostString(), e);
        }
    }

    /** Removes a socket file left by a process that did not close it; refuses to remove anything else. */
    private static void removeStale(Path path) throws IOException {
        if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Object type = Files.readAttributes(path, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS).get("mode");
        if (type instanceof Integer mode && (mode & 0170000) == 0140000) { // S_IFSOCK
            Files.delete(path);
            LOG.info("manager address {}: removed a stale socket file", path);
            return;
        }
        throw new IOException("manager address " + path + ": exists and is not a socket; not removing it");
    }

    /** The address the socket is bound to. */
    SocketAddress localAddress() {
        return channel.localAddress();
    }

    /** Sends one datagram; callable from any thread. The future tells whether it left. */
    ChannelFuture send(SocketAddress to, byte[] data) {
        ByteBuf buf = Unpooled.wrappedBuffer(data);
        Object packet = to instanceof DomainSocketAddress unix ? new DomainDatagramPacket(buf, unix)
                : new DatagramPacket(buf, (InetSocketAddress) to);
        return channel.writeAndFlush(packet);
    }

    /** Runs {@code task} every {@code period} on this socket's loop until closed. */
    void every(long period, TimeUnit unit, Runnable task) {
        loop.scheduleAtFixedRate(task, period, period, unit);
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly();
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
        if (boundPath != null) {
            try {
                Files.deleteIfExists(boundPath);
            } catch (IOException e) {
                LOG.warn("manager address {}: cannot remove the socket file: {}", boundPath, e.getMessage());
            }
        }
    }
}
