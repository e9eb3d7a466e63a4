package dev.ssjvm.service.transport;

import dev.ssjvm.service.dns.DnsResolver;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
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

    /** Options for listening sockets beyond the defaults. */
    public record ListenOptions(boolean noDelay, boolean reusePort, boolean fastOpen) {}

    /**
     * Listens on {@code address}; every accepted connection is half-closable, tracked, and set up by
     * {@code pipeline}. Blocks the calling thread (never an event loop) until bound.
     *
     * @throws IOException naming the address when it cannot be bound
     */
    public Channel bindTcp(InetSocketAddress address, ListenOptions options, Consumer<SocketChannel> pipeline)
            throws IOException {
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(transport.serverSocketChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.TCP_NODELAY, options.noDelay())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.add(ch);
                        pipeline.accept(ch);
                    }
                });
        if (transport.kind() == Transport.Kind.EPOLL) {
            if (options.reusePort()) {
                b.option(EpollChannelOption.SO_REUSEPORT, true);
            }
            if (options.fastOpen()) {
                b.option(ChannelOption.TCP_FASTOPEN, 256);
            }
        }
        ChannelFuture bound = b.bind(address).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new IOException("cannot listen on " + address.getHostString() + ":" + address.getPort() + " (tcp): "
                    + bound.cause().getMessage(), bound.cause());
        }
        tcpListeners.add(bound.channel());
        return bound.channel();
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
        connections.close().awaitUninterruptibly();
        resolver.close();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
