package dev.ssjvm.service.transport;

import dev.ssjvm.service.dns.DnsResolver;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The I/O of one service (ssserver or sslocal): its transport, event loops and DNS resolver, the
 * sockets it listens on, and every connection it accepted, so that {@link #close()} ends them all
 * before the event loops stop.
 */
public final class ServiceIo implements Closeable {
    private final Transport transport;
    private final EventLoopGroup group;
    private final DnsResolver resolver;
    private final ChannelGroup connections;
    private final List<Channel> tcpListeners = new ArrayList<>();
    /** Per-loop listeners beyond the first on each address (see {@link #bindTcp}). */
    private final List<Channel> extraTcpListeners = new ArrayList<>();
    private final List<Channel> udpSockets = new ArrayList<>();

    /**
     * @param transportName {@code auto}, {@code epoll}, {@code kqueue} or {@code nio}
     * @param threads event loop threads, 0 for one per processor
     */
    public ServiceIo(String name, String transportName, int threads, List<InetSocketAddress> nameServers,
            boolean ipv6First) {
        this.transport = transportName == null ? Transport.automatic() : Transport.named(transportName);
        this.group = transport.newEventLoopGroup(threads, name);
        this.resolver = new DnsResolver(transport, nameServers, ipv6First);
        this.connections = new DefaultChannelGroup(name + "-connections", group.next());
    }

    public Transport transport() {
        return transport;
    }

    public EventLoopGroup group() {
        return group;
    }

    public DnsResolver resolver() {
        return resolver;
    }

    /**
     * Options for listening sockets beyond the defaults.
     *
     * @param reads how accepted connections size their reads; {@code null} for Netty's adaptive sizes
     */
    public record ListenOptions(boolean noDelay, boolean reusePort, boolean fastOpen, RecvByteBufAllocator reads) {}

    /**
     * Listens on {@code address}; every accepted connection is half-closable, tracked, and set up by
     * {@code pipeline}. Blocks the calling thread (never an event loop) until bound.
     *
     * <p>With epoll and several event loops, each loop gets its own listening socket on the address
     * (SO_REUSEPORT) and serves the connections it accepts: the kernel spreads new connections over
     * the loops, and none is handed from an acceptor thread to another one, which would cost a
     * wake-up and a context switch per connection. The port must still be free: another program on it
     * is an error as usual, unless {@code reuse_port} asks to share it.
     *
     * @return the first listening socket (the others share its address)
     * @throws IOException naming the address when it cannot be bound
     */
    public Channel bindTcp(InetSocketAddress address, ListenOptions options, Consumer<SocketChannel> pipeline)
            throws IOException {
        List<EventLoop> loops = new ArrayList<>();
        group.forEach(executor -> loops.add((EventLoop) executor));
        boolean perLoop = transport.kind() == Transport.Kind.EPOLL && loops.size() > 1;
        if (!perLoop) {
            Channel listener = bindTcpOn(group, address, options, options.reusePort(), pipeline);
            tcpListeners.add(listener);
            return listener;
        }
        if (!options.reusePort() && address.getPort() != 0) {
            requireFree(address);
        }
        Channel first = bindTcpOn(loops.get(0), address, options, true, pipeline);
        tcpListeners.add(first);
        InetSocketAddress bound = (InetSocketAddress) first.localAddress();
        // with port 0 the others take the port the first one got
        InetSocketAddress shared = new InetSocketAddress(address.getAddress(), bound.getPort());
        for (EventLoop loop : loops.subList(1, loops.size())) {
            extraTcpListeners.add(bindTcpOn(loop, shared, options, true, pipeline));
        }
        return first;
    }

    private Channel bindTcpOn(EventLoopGroup loops, InetSocketAddress address, ListenOptions options,
            boolean reusePort, Consumer<SocketChannel> pipeline) throws IOException {
        ServerBootstrap b = new ServerBootstrap()
                .group(loops, loops)
                .channel(transport.serverSocketChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR,
                        options.reads() != null ? options.reads() : new AdaptiveRecvByteBufAllocator())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.add(ch);
                        pipeline.accept(ch);
                    }
                });
        if (!options.noDelay()) { // on by default: setting it again would cost a system call per connection
            b.childOption(ChannelOption.TCP_NODELAY, false);
        }
        if (transport.kind() == Transport.Kind.EPOLL) {
            if (reusePort) {
                b.option(EpollChannelOption.SO_REUSEPORT, true);
            }
            if (options.fastOpen()) {
                b.option(ChannelOption.TCP_FASTOPEN, 256);
            }
        }
        ChannelFuture bound = b.bind(address).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw cannotListen(address, bound.cause());
        }
        return bound.channel();
    }

    /** Fails if something already listens on {@code address}; SO_REUSEPORT alone would share it silently. */
    private static void requireFree(InetSocketAddress address) throws IOException {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true); // as the real listeners, so connections in TIME_WAIT do not count
            probe.bind(address, 1);
        } catch (IOException e) {
            throw cannotListen(address, e);
        }
    }

    private static IOException cannotListen(InetSocketAddress address, Throwable cause) {
        return new IOException("cannot listen on " + address.getHostString() + ":" + address.getPort() + " (tcp): "
                + cause.getMessage(), cause);
    }

    /**
     * Binds a UDP socket that takes datagrams up to 64 KiB whole. Blocks the calling thread until bound.
     *
     * @throws IOException naming the address when it cannot be bound
     */
    public Channel bindUdp(InetSocketAddress address, ChannelHandler handler) throws IOException {
        ChannelFuture bound = udpBootstrap(group).handler(handler).bind(address).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new IOException("cannot listen on " + address.getHostString() + ":" + address.getPort() + " (udp): "
                    + bound.cause().getMessage(), bound.cause());
        }
        udpSockets.add(bound.channel());
        return bound.channel();
    }

    /**
     * A bootstrap for UDP sockets (listening or outbound) whose reads take a whole datagram of up to
     * 64 KiB, so nothing is ever truncated.
     */
    public Bootstrap udpBootstrap(EventLoopGroup loop) {
        return new Bootstrap()
                .group(loop)
                .channel(transport.datagramChannel())
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM))
                .option(ChannelOption.SO_RCVBUF, 1 << 20)
                .option(ChannelOption.SO_SNDBUF, 1 << 20);
    }

    /** The largest datagram we ever receive: the IPv4/IPv6 UDP payload limit, rounded up. */
    public static final int MAX_DATAGRAM = 65536;

    /** The bound UDP addresses, in bind order. */
    public List<InetSocketAddress> udpAddresses() {
        List<InetSocketAddress> out = new ArrayList<>();
        for (Channel ch : udpSockets) {
            out.add((InetSocketAddress) ch.localAddress());
        }
        return out;
    }

    /** Tracks a channel so {@link #close()} closes it (outbound UDP sockets, for instance). */
    public void track(Channel channel) {
        connections.add(channel);
    }

    /** The bound TCP addresses, in bind order (useful with port 0). */
    public List<InetSocketAddress> tcpAddresses() {
        List<InetSocketAddress> out = new ArrayList<>();
        for (Channel ch : tcpListeners) {
            out.add((InetSocketAddress) ch.localAddress());
        }
        return out;
    }

    /** Accepted connections open right now. */
    public int openConnections() {
        return connections.size();
    }

    /** Stops listening, closes every connection, then the resolver and the event loops. Idempotent. */
    @Override
    public void close() {
        for (Channel ch : tcpListeners) {
            ch.close().awaitUninterruptibly();
        }
        for (Channel ch : extraTcpListeners) {
            ch.close().awaitUninterruptibly();
        }
        for (Channel ch : udpSockets) {
            ch.close().awaitUninterruptibly();
        }
        connections.close().awaitUninterruptibly();
        resolver.close();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
