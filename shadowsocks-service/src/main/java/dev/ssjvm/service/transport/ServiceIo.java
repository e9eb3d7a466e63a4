package dev.ssjvm.service.transport;

import dev.ssjvm.service.config.CommonSettings;
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
import io.netty.util.concurrent.EventExecutor;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The I/O of one service (ssserver or sslocal): its transport, event loops and DNS resolver, and how
 * it binds sockets. What it binds belongs to the caller (a server port, a local front end), which
 * closes it; {@link #close()} then stops the resolver and the event loops.
 */
public final class ServiceIo implements Closeable {
    private final Transport transport;
    private final EventLoopGroup group;
    private final DnsResolver resolver;
    private final AcceptBackoff acceptBackoff = new AcceptBackoff();

    /** The I/O a service's shared settings ask for: transport, event loops, DNS. */
    public ServiceIo(String name, CommonSettings settings) {
        this(name, settings.transport(), settings.workerThreads(), settings.nameServers(), settings.ipv6First());
    }

    /**
     * @param transportName {@code auto}, {@code epoll}, {@code kqueue} or {@code nio}
     * @param threads event loop threads, 0 for one per processor
     */
    public ServiceIo(String name, String transportName, int threads, List<InetSocketAddress> nameServers,
            boolean ipv6First) {
        this.transport = transportName == null ? Transport.automatic() : Transport.named(transportName);
        this.group = transport.newEventLoopGroup(threads, name);
        this.resolver = new DnsResolver(transport, nameServers, ipv6First);
    }

    /** Accepts that failed on this I/O's listeners since start (out of descriptors, mostly). */
    public long acceptFailures() {
        return acceptBackoff.failures();
    }

    public Transport transport() {
        return transport;
    }

    public EventLoopGroup group() {
        return group;
    }

    /** A channel group on this service's loops, for the connections of one port or front end. */
    public ChannelGroup newChannelGroup(String name) {
        return new DefaultChannelGroup(name, group.next());
    }

    /** Whether the calling thread is one of this service's event loops (which must never block). */
    public boolean inEventLoop() {
        for (EventExecutor executor : group) {
            if (executor.inEventLoop()) {
                return true;
            }
        }
        return false;
    }

    public DnsResolver resolver() {
        return resolver;
    }

    /**
     * Options for listening sockets beyond the defaults.
     *
     * @param reads how accepted connections size their reads; {@code null} for Netty's adaptive sizes
     * @param transparent IP_TRANSPARENT (epoll only): accept connections for any address that TPROXY
     *     hands to the socket (the transparent proxy)
     */
    public record ListenOptions(boolean noDelay, boolean reusePort, boolean fastOpen, RecvByteBufAllocator reads,
            boolean transparent) {
        public ListenOptions(boolean noDelay, boolean reusePort, boolean fastOpen, RecvByteBufAllocator reads) {
            this(noDelay, reusePort, fastOpen, reads, false);
        }
    }

    /**
     * Listens on {@code address}; every accepted connection is half-closable, added to
     * {@code connections}, and set up by {@code pipeline}. Blocks the calling thread (never an event
     * loop) until bound.
     *
     * <p>With epoll and several event loops, each loop gets its own listening socket on the address
     * (SO_REUSEPORT) and serves the connections it accepts: the kernel spreads new connections over
     * the loops, and none is handed from an acceptor thread to another one, which would cost a
     * wake-up and a context switch per connection. The port must still be free: another program on it
     * is an error as usual, unless {@code reuse_port} asks to share it.
     *
     * @throws IOException naming the address when it cannot be bound; nothing stays bound then
     */
    public TcpListener bindTcp(InetSocketAddress address, ListenOptions options, ChannelGroup connections,
            Consumer<SocketChannel> pipeline) throws IOException {
        List<EventLoop> loops = new ArrayList<>();
        group.forEach(executor -> loops.add((EventLoop) executor));
        boolean perLoop = transport.kind() == Transport.Kind.EPOLL && loops.size() > 1;
        if (!perLoop) {
            return new TcpListener(List.of(bindTcpOn(group, address, options, options.reusePort(), connections,
                    pipeline)));
        }
        if (!options.reusePort() && address.getPort() != 0) {
            requireFree(address);
        }
        List<Channel> sockets = new ArrayList<>();
        try {
            Channel first = bindTcpOn(loops.get(0), address, options, true, connections, pipeline);
            sockets.add(first);
            // with port 0 the others take the port the first one got
            InetSocketAddress shared = new InetSocketAddress(address.getAddress(),
                    ((InetSocketAddress) first.localAddress()).getPort());
            for (EventLoop loop : loops.subList(1, loops.size())) {
                sockets.add(bindTcpOn(loop, shared, options, true, connections, pipeline));
            }
        } catch (IOException | RuntimeException e) {
            new TcpListener(sockets.isEmpty() ? List.of() : sockets).close();
            throw e;
        }
        return new TcpListener(sockets);
    }

    private Channel bindTcpOn(EventLoopGroup loops, InetSocketAddress address, ListenOptions options,
            boolean reusePort, ChannelGroup connections, Consumer<SocketChannel> pipeline) throws IOException {
        ServerBootstrap b = new ServerBootstrap()
                .group(loops, loops)
                .channel(transport.serverSocketChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .handler(acceptBackoff) // out of descriptors: pause accepting, log once in a while
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
            if (options.transparent()) {
                b.option(EpollChannelOption.IP_TRANSPARENT, true);
            }
        } else if (options.transparent()) {
            throw new IllegalArgumentException("a transparent listener needs the epoll transport");
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
        return bindUdp(address, handler, group.next());
    }

    /**
     * As {@link #bindUdp(InetSocketAddress, ChannelHandler)}, on a given event loop: sockets whose
     * handlers share state that is confined to one loop go on the same one.
     */
    public Channel bindUdp(InetSocketAddress address, ChannelHandler handler, EventLoop loop) throws IOException {
        ChannelFuture bound = udpBootstrap(loop).handler(handler).bind(address).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new IOException("cannot listen on " + address.getHostString() + ":" + address.getPort() + " (udp): "
                    + bound.cause().getMessage(), bound.cause());
        }
        return bound.channel();
    }

    /**
     * Binds a UDP socket for a transparent proxy (epoll only): IP_TRANSPARENT, so TPROXY can hand it
     * datagrams for any address, and IP_RECVORIGDSTADDR, so each {@code DatagramPacket.recipient()} is
     * the address the client sent to. Blocks the calling thread until bound.
     *
     * @throws IOException naming the address when it cannot be bound
     * @throws IllegalArgumentException when the transport is not epoll
     */
    public Channel bindTransparentUdp(InetSocketAddress address, ChannelHandler handler) throws IOException {
        if (transport.kind() != Transport.Kind.EPOLL) {
            throw new IllegalArgumentException("a transparent listener needs the epoll transport");
        }
        ChannelFuture bound = udpBootstrap(group.next()).handler(handler)
                // one datagram per read (recvmsg): each needs its own original destination
                .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, 0)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM))
                .option(EpollChannelOption.IP_TRANSPARENT, true)
                .option(EpollChannelOption.IP_RECVORIGDSTADDR, true)
                .bind(address).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new IOException("cannot listen on " + address.getHostString() + ":" + address.getPort() + " (udp): "
                    + bound.cause().getMessage(), bound.cause());
        }
        return bound.channel();
    }

    /**
     * A bootstrap for UDP sockets (listening or outbound) whose reads take a whole datagram of up to
     * 64 KiB, so nothing is ever truncated.
     */
    public Bootstrap udpBootstrap(EventLoopGroup loop) {
        Bootstrap b = new Bootstrap()
                .group(loop)
                .channel(transport.datagramChannel())
                .option(ChannelOption.SO_RCVBUF, 1 << 20)
                .option(ChannelOption.SO_SNDBUF, 1 << 20);
        if (transport.kind() == Transport.Kind.EPOLL) {
            // recvmmsg: one system call reads up to RECV_BATCH datagrams, each into a whole-size slot of
            // one buffer and handed on as its own packet (a slice), so nothing is truncated either
            return b.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_DATAGRAM)
                    .option(ChannelOption.RCVBUF_ALLOCATOR,
                            new FixedRecvByteBufAllocator(MAX_DATAGRAM * RECV_BATCH).maxMessagesPerRead(4 * RECV_BATCH));
        }
        return b.option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM));
    }

    /** Datagrams read per recvmmsg call (epoll). */
    static final int RECV_BATCH = 16;

    /** The largest datagram we ever receive: the IPv4/IPv6 UDP payload limit, rounded up. */
    public static final int MAX_DATAGRAM = 65536;

    /** Stops the resolver and the event loops (closing whatever is still open on them). Idempotent. */
    @Override
    public void close() {
        resolver.close();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
