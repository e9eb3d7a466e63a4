package dev.ssjvm.service.local;

import dev.ssjvm.core.address.HostAndPort;
import dev.ssjvm.core.protocol.ClientProtocols;
import dev.ssjvm.core.protocol.UdpClientProtocol;
import dev.ssjvm.service.acl.Acl;
import dev.ssjvm.service.config.CommonSettings;
import dev.ssjvm.service.config.ServerEndpoint;
import dev.ssjvm.service.dns.DnsResolver;
import dev.ssjvm.service.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way out of {@code sslocal}: every front end reaches its targets through here, over the
 * Shadowsocks server its {@link ServerPool} chooses, or directly when the listener's {@link Acl}
 * bypasses the target. A TCP connection comes back with reading paused and, through a server, that
 * server's protocol codec installed; the caller starts the relay either way. A server that cannot be
 * reached counts against it in the pool, and the connection is tried once more on the next best
 * server.
 */
public final class ServerConnector {
    private static final Logger LOG = LoggerFactory.getLogger(ServerConnector.class);

    /**
     * A server with the protocols that speak to it.
     *
     * @param tcpVia where TCP to this server goes instead of its own address (its SIP003 plugin's
     *     loopback port), or {@code null}
     */
    public record Remote(ServerEndpoint endpoint, ClientProtocols protocols, InetSocketAddress tcpVia) {
        public Remote(ServerEndpoint endpoint, ClientProtocols protocols) {
            this(endpoint, protocols, null);
        }
    }

    /** A server picked for a UDP association, its name resolved. */
    public record UdpRemote(InetSocketAddress address, UdpClientProtocol protocol) {}

    private final ServerPool pool;
    private final Transport transport;
    private final DnsResolver resolver;
    private final CommonSettings settings;
    private final int connectTimeoutMillis;

    ServerConnector(List<Remote> remotes, Transport transport, DnsResolver resolver, CommonSettings settings,
            Duration maxServerRtt) {
        this.pool = new ServerPool(maxServerRtt.toMillis());
        setRemotes(remotes);
        this.transport = transport;
        this.resolver = resolver;
        this.settings = settings;
        this.connectTimeoutMillis = (int) Math.min(settings.timeout().toMillis(), 30_000);
    }

    /** Replaces the servers; connections already open stay on the server they have. */
    void setRemotes(List<Remote> value) {
        pool.replace(value);
    }

    ServerPool pool() {
        return pool;
    }

    /**
     * Connects, on {@code loop}, to {@code target}: directly when {@code acl} bypasses it, else
     * through the chosen server. A name that only its address can route is looked up first
     * ({@link Acl#routesNamesByAddress()}); the future then completes after the lookup and the connect.
     */
    public ChannelFuture connect(EventLoop loop, InetSocketAddress target, Acl acl) {
        Acl.Route route = acl.routeWithoutLookup(target);
        if (route == null && acl.routesNamesByAddress()) {
            return routeByAddress(loop, target, acl);
        }
        if (route == null) {
            route = acl.defaultRoute(); // no address rule could change it: no lookup
        }
        return route == Acl.Route.BYPASS ? direct(loop, target) : viaServer(loop, target);
    }

    /**
     * A name no name rule matches, under an ACL whose address rules could route it otherwise than the
     * default (e.g. bypassed LAN or domestic CIDRs): resolved here, on the loop, and routed by its
     * address. A bypassed one is connected to the address found; a proxied one goes to the server by
     * name, so the server resolves it. A name that does not resolve takes the default route.
     */
    private ChannelFuture routeByAddress(EventLoop loop, InetSocketAddress target, Acl acl) {
        PendingConnect connected = new PendingConnect(loop);
        resolver.resolve(loop, target).addListener((Future<InetSocketAddress> f) -> {
            Acl.Route route = f.isSuccess() ? acl.routeAddress(f.getNow().getAddress()) : acl.defaultRoute();
            connected.follow(route == Acl.Route.BYPASS ? direct(loop, f.isSuccess() ? f.getNow() : target)
                    : viaServer(loop, target));
        });
        return connected;
    }

    /**
     * Connects, on {@code loop}, to the chosen server and asks it for {@code target}; if that server
     * cannot be reached, once more to the next best one.
     */
    public ChannelFuture viaServer(EventLoop loop, InetSocketAddress target) {
        ServerPool.Server first = pool.tcp();
        ChannelFuture attempt = through(loop, first.remote(), target);
        if (pool.servers().size() == 1) {
            return attempt; // nothing to count against, nowhere to retry
        }
        PendingConnect result = new PendingConnect(loop);
        result.attempt(attempt);
        attempt.addListener((ChannelFuture f) -> {
            if (f.isSuccess()) {
                result.trySuccess(null);
                return;
            }
            ServerPool.Server second = counted(f) ? pool.other(ServerPool.Protocol.TCP, first) : null;
            if (counted(f)) {
                pool.failure(first, ServerPool.Protocol.TCP);
            }
            if (second == null) {
                result.tryFailure(f.cause());
                return;
            }
            LOG.debug("cannot reach server {} ({}); trying {}", first, f.cause().getMessage(), second);
            ChannelFuture retry = through(loop, second.remote(), target);
            result.attempt(retry);
            retry.addListener((ChannelFuture g) -> {
                if (g.isSuccess()) {
                    result.trySuccess(null);
                    return;
                }
                if (counted(g)) {
                    pool.failure(second, ServerPool.Protocol.TCP);
                }
                result.tryFailure(g.cause());
            });
        });
        return result;
    }

    /** A failed connect that says something about the server: not one closed under it (by its client, at shutdown). */
    private static boolean counted(ChannelFuture f) {
        return !f.isCancelled() && !(f.cause() instanceof ClosedChannelException);
    }

    /** Connects, on {@code loop}, through {@code remote} to {@code target}, with no retry (probes, one attempt). */
    ChannelFuture through(EventLoop loop, Remote remote, InetSocketAddress target) {
        InetSocketAddress server = remote.tcpVia() != null ? remote.tcpVia()
                : HostAndPort.of(remote.endpoint().host(), remote.endpoint().port());
        Bootstrap b = bootstrap(loop, server).handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast("codec", remote.protocols().tcp().newCodec(target));
            }
        });
        if (settings.fastOpen() && transport.kind() == Transport.Kind.EPOLL) {
            // the SYN carries the request header; connect completes before the server answers
            b.option(EpollChannelOption.TCP_FASTOPEN_CONNECT, true);
        }
        // via a plugin, which carries it to the server; else an IP literal goes straight to connect
        // (an IPv4 one on an AF_INET socket, one setsockopt fewer) and only names take the resolver's
        return b.connect(server);
    }

    /** Connects, on {@code loop}, straight to {@code target} (a bypassed target), its name resolved here. */
    public ChannelFuture direct(EventLoop loop, InetSocketAddress target) {
        return bootstrap(loop, target).handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                // nothing to add: the relay writes plaintext both ways
            }
        }).connect(target);
    }

    /** @param to where it will connect: a resolved IPv4 address gets an AF_INET socket */
    private Bootstrap bootstrap(EventLoop loop, InetSocketAddress to) {
        Bootstrap b = new Bootstrap()
                .group(loop)
                .channelFactory(transport.socketChannelTo(to.isUnresolved() ? null : to.getAddress(), null))
                .resolver(resolver.asGroup())
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis);
        if (!settings.noDelay()) { // on by default; setting it again costs a system call per connection
            b.option(ChannelOption.TCP_NODELAY, false);
        }
        return b;
    }

    /** Picks the server for a new UDP association and resolves its address on {@code loop}. */
    public Future<UdpRemote> udpRemote(EventLoop loop) {
        ServerPool.Server server = pool.udp();
        Remote remote = server.remote();
        Promise<UdpRemote> promise = loop.newPromise();
        InetSocketAddress address = InetSocketAddress.createUnresolved(remote.endpoint().host(), remote.endpoint().port());
        resolver.resolve(loop, address).addListener((Future<InetSocketAddress> f) -> {
            if (f.isSuccess()) {
                promise.setSuccess(new UdpRemote(f.getNow(), remote.protocols().udp()));
            } else {
                pool.failure(server, ServerPool.Protocol.UDP);
                promise.setFailure(f.cause());
            }
        });
        return promise;
    }

    /** The smallest chunk payload among the servers: client reads are sized in whole chunks of it. */
    public int chunkPayload() {
        return pool.servers().stream().mapToInt(s -> s.remote().protocols().tcp().maxChunkPayload()).min()
                .orElseThrow();
    }

    /** The servers, for logs. */
    public String describeServers() {
        return pool.describe();
    }
}
