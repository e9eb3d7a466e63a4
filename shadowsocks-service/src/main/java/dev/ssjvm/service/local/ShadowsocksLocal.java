package dev.ssjvm.service.local;

import dev.ssjvm.core.address.HostAndPort;
import dev.ssjvm.core.replay.BloomSaltFilter;
import dev.ssjvm.core.replay.SaltFilter;
import dev.ssjvm.core.tcp.StreamProtocols;
import dev.ssjvm.crypto.AeadFactory;
import dev.ssjvm.service.config.LocalListener;
import dev.ssjvm.service.config.LocalSettings;
import dev.ssjvm.service.config.ServerEndpoint;
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
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.socksx.SocksPortUnificationServerHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code sslocal}: local front ends (SOCKS5, tunnels) relaying through the Shadowsocks servers. */
public final class ShadowsocksLocal implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(ShadowsocksLocal.class);
    /** Salts remembered per generation on a client (libev's figure). */
    private static final int SALT_FILTER_CAPACITY = 10_000;

    private final LocalSettings settings;
    private final Transport transport;
    private final EventLoopGroup group;
    /** Every accepted connection, so close() can end them all before the event loops stop. */
    private final ChannelGroup connections;
    private final DnsResolver resolver;
    private final ServerConnector connector;
    private final List<Channel> listeners = new ArrayList<>();

    private ShadowsocksLocal(LocalSettings settings) {
        this.settings = settings;
        this.transport = settings.transport() == null ? Transport.automatic() : Transport.named(settings.transport());
        AeadFactory crypto = settings.cryptoBackend() == null ? AeadFactory.automatic()
                : AeadFactory.preferring(settings.cryptoBackend());
        SaltFilter saltFilter = new BloomSaltFilter(SALT_FILTER_CAPACITY);
        List<ServerConnector.Remote> remotes = new ArrayList<>();
        for (ServerEndpoint endpoint : settings.servers()) {
            remotes.add(new ServerConnector.Remote(endpoint,
                    StreamProtocols.create(endpoint.method(), endpoint.password(), crypto, saltFilter)));
        }
        this.group = transport.newEventLoopGroup(settings.workerThreads(), "sslocal");
        this.connections = new DefaultChannelGroup("sslocal-connections", group.next());
        this.resolver = new DnsResolver(transport, settings.nameServers(), settings.ipv6First());
        this.connector = new ServerConnector(remotes, transport, resolver, settings.noDelay(), settings.timeout());
        LOG.info("transport {}, crypto {}", transport.describe(), crypto.describe());
    }

    /**
     * Binds every listener. Blocks the calling thread until all are bound.
     *
     * @throws IOException if a port cannot be bound; nothing stays open then
     */
    public static ShadowsocksLocal start(LocalSettings settings) throws IOException {
        ShadowsocksLocal local = new ShadowsocksLocal(settings);
        try {
            for (LocalListener listener : settings.listeners()) {
                local.bind(listener);
            }
        } catch (RuntimeException | IOException e) {
            local.close();
            throw e;
        }
        return local;
    }

    private void bind(LocalListener listener) throws IOException {
        if (!settings.mode().tcp()) {
            return;
        }
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
                        ch.pipeline().addLast("idle", new IdleStateHandler(0, 0, timeoutMillis, TimeUnit.MILLISECONDS));
                        if (listener.protocol() == LocalListener.Protocol.SOCKS) {
                            ch.pipeline()
                                    .addLast("socks-detect", new SocksPortUnificationServerHandler())
                                    .addLast("socks", new SocksServerHandler(connector, settings.socksUsers()));
                        } else {
                            ch.pipeline().addLast("tunnel", new TunnelHandler(connector, listener.forwardTo()));
                        }
                    }
                });
        ChannelFuture bound = b.bind(new InetSocketAddress(listener.address(), listener.port())).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new IOException("cannot listen on " + listener.address() + ":" + listener.port() + ": "
                    + bound.cause().getMessage(), bound.cause());
        }
        listeners.add(bound.channel());
        if (listener.protocol() == LocalListener.Protocol.SOCKS) {
            LOG.info("SOCKS5 proxy on {}{}, via {}", bound.channel().localAddress(),
                    settings.socksUsers().isEmpty() ? "" : " (username/password required)", connector.describeServers());
        } else {
            LOG.info("tunnel on {} to {}, via {}", bound.channel().localAddress(),
                    HostAndPort.format(listener.forwardTo()), connector.describeServers());
        }
    }

    /** The bound addresses of the TCP listeners, in listener order. */
    public List<InetSocketAddress> tcpAddresses() {
        List<InetSocketAddress> out = new ArrayList<>();
        for (Channel ch : listeners) {
            out.add((InetSocketAddress) ch.localAddress());
        }
        return out;
    }

    /** Client connections open right now (accepted and not yet closed). */
    public int openConnections() {
        return connections.size();
    }

    @Override
    public void close() {
        for (Channel ch : listeners) {
            ch.close().awaitUninterruptibly();
        }
        connections.close().awaitUninterruptibly();
        resolver.close();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
