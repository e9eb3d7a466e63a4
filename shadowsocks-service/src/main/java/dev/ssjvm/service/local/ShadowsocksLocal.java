package dev.ssjvm.service.local;

import dev.ssjvm.core.address.HostAndPort;
import dev.ssjvm.core.replay.ReplayProtection;
import dev.ssjvm.core.tcp.StreamProtocols;
import dev.ssjvm.core.udp.DatagramProtocols;
import dev.ssjvm.crypto.AeadFactory;
import dev.ssjvm.service.config.LocalListener;
import dev.ssjvm.service.config.LocalSettings;
import dev.ssjvm.service.config.ServerEndpoint;
import dev.ssjvm.service.transport.ChunkSizes;
import dev.ssjvm.service.transport.IdleTimeout;
import dev.ssjvm.service.transport.ServiceIo;
import io.netty.channel.Channel;
import io.netty.handler.codec.socksx.SocksPortUnificationServerHandler;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code sslocal}: local front ends (SOCKS5, tunnels) relaying through the Shadowsocks servers. */
public final class ShadowsocksLocal implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(ShadowsocksLocal.class);

    private final LocalSettings settings;
    private final ServiceIo io;
    private final ServerConnector connector;

    private ShadowsocksLocal(LocalSettings settings) {
        this.settings = settings;
        AeadFactory crypto = settings.cryptoBackend() == null ? AeadFactory.automatic()
                : AeadFactory.preferring(settings.cryptoBackend());
        ReplayProtection replay = ReplayProtection.forClient(Clock.systemUTC());
        List<ServerConnector.Remote> remotes = new ArrayList<>();
        for (ServerEndpoint endpoint : settings.servers()) {
            remotes.add(new ServerConnector.Remote(endpoint,
                    StreamProtocols.forClient(endpoint.method(), endpoint.password(), crypto, replay),
                    DatagramProtocols.forClient(endpoint.method(), endpoint.password(), crypto, replay)));
        }
        this.io = new ServiceIo("sslocal", settings.transport(), settings.workerThreads(), settings.nameServers(),
                settings.ipv6First());
        this.connector = new ServerConnector(remotes, io.transport(), io.resolver(), settings.noDelay(),
                settings.timeout());
        LOG.info("transport {}, crypto {}", io.transport().describe(), crypto.describe());
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
        boolean socks = listener.protocol() == LocalListener.Protocol.SOCKS;
        InetSocketAddress address = new InetSocketAddress(listener.address(), listener.port());
        if (socks || settings.mode().tcp()) {
            bindTcp(listener, address);
        }
        if (!socks && settings.mode().udp()) {
            InetSocketAddress tcpBound = settings.mode().tcp() ? io.tcpAddresses().get(io.tcpAddresses().size() - 1) : null;
            Channel udp = io.bindUdp(tcpBound != null ? tcpBound : address, new UdpTunnel(io, connector,
                    listener.forwardTo(), settings.udpTimeout(), settings.udpMaxAssociations()));
            LOG.info("UDP tunnel on {} to {}, via {}", udp.localAddress(), HostAndPort.format(listener.forwardTo()),
                    connector.describeServers());
        }
    }

    private void bindTcp(LocalListener listener, InetSocketAddress address) throws IOException {
        SocksServerHandler.UdpAssociate udp = settings.mode().udp()
                ? (control, setup) -> SocksUdpAssociation.start(control, io, connector, settings.udpTimeout(), setup)
                : null;
        Channel bound = io.bindTcp(address,
                new ServiceIo.ListenOptions(settings.noDelay(), false, false, ChunkSizes.readsFor(connector.chunkPayload())),
                ch -> {
                    ch.pipeline().addLast("idle", new IdleTimeout(settings.timeout()));
                    if (listener.protocol() == LocalListener.Protocol.SOCKS) {
                        ch.pipeline()
                                .addLast("socks-detect", new SocksPortUnificationServerHandler())
                                .addLast("socks", new SocksServerHandler(connector, settings.socksUsers(),
                                        settings.mode().tcp(), udp));
                    } else {
                        ch.pipeline().addLast("tunnel", new TunnelHandler(connector, listener.forwardTo()));
                    }
                });
        if (listener.protocol() == LocalListener.Protocol.SOCKS) {
            LOG.info("SOCKS5 proxy on {}{}{}, via {}", bound.localAddress(),
                    settings.mode().udp() ? (settings.mode().tcp() ? " (with UDP ASSOCIATE)" : " (UDP ASSOCIATE only)") : "",
                    settings.socksUsers().isEmpty() ? "" : " (username/password required)", connector.describeServers());
        } else {
            LOG.info("tunnel on {} to {}, via {}", bound.localAddress(),
                    HostAndPort.format(listener.forwardTo()), connector.describeServers());
        }
    }

    /** The bound addresses of the TCP listeners, in listener order. */
    public List<InetSocketAddress> tcpAddresses() {
        return io.tcpAddresses();
    }

    /** The bound addresses of the UDP tunnels, in listener order. */
    public List<InetSocketAddress> udpAddresses() {
        return io.udpAddresses();
    }

    /** Client connections open right now (accepted and not yet closed). */
    public int openConnections() {
        return io.openConnections();
    }

    @Override
    public void close() {
        io.close();
    }
}
