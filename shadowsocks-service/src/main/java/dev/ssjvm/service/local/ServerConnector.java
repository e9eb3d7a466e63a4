package dev.ssjvm.service.local;

import dev.ssjvm.core.address.HostAndPort;
import dev.ssjvm.core.tcp.StreamProtocol;
import dev.ssjvm.core.udp.DatagramProtocol;
import dev.ssjvm.service.config.ServerEndpoint;
import dev.ssjvm.service.dns.DnsResolver;
import dev.ssjvm.service.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Opens connections from {@code sslocal} to its Shadowsocks servers, taking the servers in turn.
 * The connection comes back with the server's protocol codec installed and reading paused; the
 * caller starts the relay.
 */
final class ServerConnector {
    /** A server with the protocol instances that speak to it over TCP and UDP. */
    record Remote(ServerEndpoint endpoint, StreamProtocol protocol, DatagramProtocol udp) {}

    /** A server picked for a UDP association, its name resolved. */
    record UdpRemote(InetSocketAddress address, DatagramProtocol protocol) {}

    private final List<Remote> remotes;
    private final Transport transport;
    private final DnsResolver resolver;
    private final boolean noDelay;
    private final int connectTimeoutMillis;
    private final AtomicInteger next = new AtomicInteger();

    ServerConnector(List<Remote> remotes, Transport transport, DnsResolver resolver, boolean noDelay, Duration timeout) {
        this.remotes = List.copyOf(remotes);
        this.transport = transport;
        this.resolver = resolver;
        this.noDelay = noDelay;
        this.connectTimeoutMillis = (int) Math.min(timeout.toMillis(), 30_000);
    }

    /** Connects, on {@code loop}, to the next server and asks it for {@code target}. */
    ChannelFuture connect(EventLoop loop, InetSocketAddress target) {
        Remote remote = remotes.get(Math.floorMod(next.getAndIncrement(), remotes.size()));
        Bootstrap b = new Bootstrap()
                .group(loop)
                .channel(transport.socketChannel())
                .resolver(resolver.asGroup())
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast("codec", remote.protocol().newClientCodec(target));
                    }
                });
        if (!noDelay) { // on by default; setting it again costs a system call per connection
            b.option(ChannelOption.TCP_NODELAY, false);
        }
        // an IP literal goes straight to connect; only names take the resolver's path
        return b.connect(HostAndPort.of(remote.endpoint().host(), remote.endpoint().port()));
    }

    /** Picks the next server for a UDP association and resolves its address on {@code loop}. */
    Future<UdpRemote> udpRemote(EventLoop loop) {
        Remote remote = remotes.get(Math.floorMod(next.getAndIncrement(), remotes.size()));
        Promise<UdpRemote> promise = loop.newPromise();
        InetSocketAddress address = InetSocketAddress.createUnresolved(remote.endpoint().host(), remote.endpoint().port());
        resolver.resolve(loop, address).addListener((Future<InetSocketAddress> f) -> {
            if (f.isSuccess()) {
                promise.setSuccess(new UdpRemote(f.getNow(), remote.udp()));
            } else {
                promise.setFailure(f.cause());
            }
        });
        return promise;
    }

    /** The smallest chunk payload among the servers: client reads are sized in whole chunks of it. */
    int chunkPayload() {
        return remotes.stream().mapToInt(r -> r.protocol().maxChunkPayload()).min().orElseThrow();
    }

    Transport transport() {
        return transport;
    }

    /** The endpoint a connection will go to next, for logs. */
    String describeServers() {
        return remotes.stream().map(r -> r.endpoint().toString()).reduce((a, b) -> a + ", " + b).orElse("");
    }
}
