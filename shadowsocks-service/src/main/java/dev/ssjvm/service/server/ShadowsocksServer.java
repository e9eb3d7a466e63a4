package dev.ssjvm.service.server;

import dev.ssjvm.core.replay.BloomSaltFilter;
import dev.ssjvm.core.replay.SaltFilter;
import dev.ssjvm.core.tcp.StreamProtocol;
import dev.ssjvm.core.tcp.StreamProtocols;
import dev.ssjvm.crypto.AeadFactory;
import dev.ssjvm.service.config.ServerEndpoint;
import dev.ssjvm.service.config.ServerSettings;
import dev.ssjvm.service.dns.DnsResolver;
import dev.ssjvm.service.transport.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import java.io.Closeable;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ssserver}: one TCP relay per endpoint (the original's TCPRelay per port), all on one event
 * loop group. Each accepted connection gets its own pipeline: idle timeout, handshake deadline, the
 * endpoint's protocol codec, the request stage, then the relay.
 */
public final class ShadowsocksServer implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(ShadowsocksServer.class);
    /** Salts remembered per generation (libev's server uses the same figure). */
    private static final int SALT_FILTER_CAPACITY = 1_000_000;

    private final ServerSettings settings;
    private final Transport transport;
    private final EventLoopGroup group;
    /** Every accepted connection, so close() can end them all before the event loops stop. */
    private final ChannelGroup connections;
    private final DnsResolver resolver;
    private final AeadFactory crypto;
    private final SaltFilter saltFilter;
    private final List<Channel> tcpListeners = new ArrayList<>();

    private ShadowsocksServer(ServerSettings settings) {
        this.settings = settings;
        this.transport = settings.transport() == null ? Transport.automatic() : Transport.named(settings.transport());
        this.crypto = settings.cryptoBackend() == null ? AeadFactory.automatic()
                : AeadFactory.preferring(settings.cryptoBackend());
        this.group = transport.newEventLoopGroup(settings.workerThreads(), "ssserver");
        this.connections = new DefaultChannelGroup("ssserver-connections", group.next());
        this.resolver = new DnsResolver(transport, settings.nameServers(), settings.ipv6First());
        this.saltFilter = new BloomSaltFilter(SALT_FILTER_CAPACITY);
    }

    /**
     * Binds every endpoint. Blocks the calling thread (never an event loop) until all are bound.
     *
     * @throws IllegalArgumentException if an endpoint's method or key is unusable
     * @throws java.io.IOException if a port cannot be bound; nothing stays open then
     */
    public static ShadowsocksServer start(ServerSettings settings) throws java.io.IOException {
        ShadowsocksServer server = new ShadowsocksServer(settings);
        try {
            server.bindAll();
        } catch (RuntimeException | java.io.IOException e) {
            server.close();
            throw e;
        }
        return server;
    }

    private void bindAll() throws java.io.IOException {
        LOG.info("transport {}, crypto {}", transport.describe(), crypto.describe());
        ServerContext context = new ServerContext(settings, resolver, transport);
        for (ServerEndpoint endpoint : settings.endpoints()) {
            StreamProtocol protocol = StreamProtocols.create(endpoint.method(), endpoint.password(), crypto, saltFilter);
            if (settings.mode().tcp()) {
                tcpListeners.add(bindTcp(endpoint, protocol, context));
            }
        }
        LOG.info("outbound connections to {} are refused (forbidden_ip)", settings.forbidden());
    }

    private Channel bindTcp(ServerEndpoint endpoint, StreamProtocol protocol, ServerContext context)
            throws java.io.IOException {
        long timeoutMillis = settings.timeout().toMillis();
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(transport.serverSocketChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.TCP_NODELAY, settings.noDelay())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.add(ch);
                        ch.pipeline()
                                .addLast("idle", new IdleStateHandler(0, 0, timeoutMillis, TimeUnit.MILLISECONDS))
                                .addLast("deadline", new HandshakeDeadline(settings.handshakeTimeout()))
                                .addLast("codec", protocol.newServerCodec())
                                .addLast("request", new ServerRequestHandler(context));
                    }
                });
        if (transport.kind() == Transport.Kind.EPOLL) {
            if (settings.reusePort()) {
                b.option(EpollChannelOption.SO_REUSEPORT, true);
            }
            if (settings.fastOpen()) {
                b.option(ChannelOption.TCP_FASTOPEN, 256);
            }
        }
        InetSocketAddress address = new InetSocketAddress(endpoint.host(), endpoint.port());
        ChannelFuture bound = b.bind(address).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new java.io.IOException("cannot listen on " + endpoint.host() + ":" + endpoint.port() + " (tcp): "
                    + bound.cause().getMessage(), bound.cause());
        }
        LOG.info("listening on {} (tcp), method {}", bound.channel().localAddress(), endpoint.method());
        return bound.channel();
    }

    /** The bound TCP addresses, in endpoint order (useful with port 0). */
    public List<InetSocketAddress> tcpAddresses() {
        List<InetSocketAddress> out = new ArrayList<>();
        for (Channel ch : tcpListeners) {
            out.add((InetSocketAddress) ch.localAddress());
        }
        return out;
    }

    /** Stops accepting, closes every connection and the event loops. Safe to call twice. */
    /** Client connections open right now (accepted and not yet closed). */
    public int openConnections() {
        return connections.size();
    }

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
