package dev.ssjvm.service.local;

import dev.ssjvm.core.protocol.MethodFamilies;
import dev.ssjvm.core.protocol.ProtocolContext;
import dev.ssjvm.core.replay.ReplayProtection;
import dev.ssjvm.crypto.AeadFactory;
import dev.ssjvm.service.config.CommonSettings;
import dev.ssjvm.service.config.LocalListener;
import dev.ssjvm.service.config.LocalSettings;
import dev.ssjvm.service.config.PluginSpec;
import dev.ssjvm.service.config.ServerEndpoint;
import dev.ssjvm.service.plugin.PluginProcess;
import dev.ssjvm.service.transport.ChunkSizes;
import dev.ssjvm.service.transport.IdleTimeout;
import dev.ssjvm.service.transport.ServiceIo;
import dev.ssjvm.service.transport.TcpListener;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.group.ChannelGroup;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code sslocal}: the configured front ends (SOCKS5, tunnels, ...; see {@link FrontEnds}), each bound
 * where its listener says, all relaying through the one {@link ServerConnector}.
 */
public final class ShadowsocksLocal implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(ShadowsocksLocal.class);

    private final ServiceIo io;
    private final ProtocolContext protocols;
    private final ChannelGroup channels;
    private final LocalContext context;
    private final HealthChecker checker;
    private final List<TcpListener> tcpListeners = new ArrayList<>();
    private final List<Channel> udpSockets = new ArrayList<>();
    /** The SIP003 plugins of the servers in use, by server; guarded by this. */
    private final Map<ServerEndpoint, PluginProcess> plugins = new HashMap<>();
    private final Map<ServerEndpoint, InetSocketAddress> pluginPorts = new HashMap<>();

    private ShadowsocksLocal(LocalSettings settings) {
        AeadFactory crypto = AeadFactory.preferringIfNamed(settings.common().cryptoBackend());
        this.protocols = new ProtocolContext(crypto, ReplayProtection.forClient(Clock.systemUTC()));
        List<ServerConnector.Remote> remotes = remotes(settings.servers());
        this.io = new ServiceIo("sslocal", settings.common());
        this.channels = io.newChannelGroup("sslocal");
        ServerConnector connector = new ServerConnector(remotes, io.transport(), io.resolver(), settings.common(),
                settings.balancer().maxServerRtt());
        this.context = new LocalContext(settings, io, connector, channels);
        this.checker = new HealthChecker(connector, io, settings.balancer(), settings.common().mode());
        checker.serversChanged();
        LOG.info("transport {}, crypto {}", io.transport().describe(), crypto.describe());
    }

    /**
     * Binds every listener. Blocks the calling thread until all are bound.
     *
     * @throws IllegalArgumentException if a listener's options do not fit its protocol
     * @throws IOException if a port cannot be bound; nothing stays open then
     */
    public static ShadowsocksLocal start(LocalSettings settings) throws IOException {
        ShadowsocksLocal local = new ShadowsocksLocal(settings);
        try {
            local.startPlugins(settings.servers());
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
        FrontEnd frontEnd = FrontEnds.named(listener.protocol()).create(listener, context);
        CommonSettings common = context.settings().common();
        InetSocketAddress address = new InetSocketAddress(listener.address(), listener.port());
        List<String> bound = new ArrayList<>();
        if (frontEnd.tcp()) {
            ServiceIo.ListenOptions options = new ServiceIo.ListenOptions(common.noDelay(), common.reusePort(), false,
                    ChunkSizes.readsFor(context.connector().chunkPayload()), frontEnd.transparent());
            TcpListener tcp = io.bindTcp(address, options, channels, ch -> {
                ch.pipeline().addLast("idle", new IdleTimeout(common.timeout()));
                frontEnd.initTcp(ch);
            });
            tcpListeners.add(tcp);
            address = tcp.address(); // one port number for both: with port 0, UDP takes the one TCP got
            bound.add(address + " tcp");
        }
        ChannelHandler udp = frontEnd.newUdpHandler();
        if (udp != null) {
            Channel socket = frontEnd.transparent() ? io.bindTransparentUdp(address, udp) : io.bindUdp(address, udp);
            udpSockets.add(socket);
            bound.add(socket.localAddress() + " udp");
        }
        LOG.info("{} on {}, via {}", frontEnd.describe(), String.join(", ", bound),
                context.connector().describeServers());
    }

    private List<ServerConnector.Remote> remotes(List<ServerEndpoint> servers) {
        List<ServerConnector.Remote> remotes = new ArrayList<>();
        for (ServerEndpoint endpoint : servers) {
            remotes.add(new ServerConnector.Remote(endpoint,
                    MethodFamilies.client(endpoint.method(), endpoint.password(), endpoint.prefix(), protocols),
                    pluginAddress(endpoint)));
        }
        return remotes;
    }

    /** Where a server's TCP goes: its plugin's loopback port, reserved now; the plugin starts later. */
    private synchronized InetSocketAddress pluginAddress(ServerEndpoint endpoint) {
        if (endpoint.plugin() == null || endpoint.plugin().isEmpty()) {
            return null;
        }
        InetSocketAddress address = pluginPorts.get(endpoint);
        if (address == null) {
            try {
                address = new InetSocketAddress(InetAddress.getLoopbackAddress(),
                        PluginProcess.freePort(InetAddress.getLoopbackAddress().getHostAddress()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            pluginPorts.put(endpoint, address);
        }
        return address;
    }

    /**
     * Makes the running plugins those of {@code servers}: starts the missing ones (SS_REMOTE_* the
     * server, SS_LOCAL_* the loopback port its remote connects to), stops those of servers gone.
     */
    private synchronized void startPlugins(List<ServerEndpoint> servers) throws IOException {
        for (ServerEndpoint endpoint : servers) {
            InetSocketAddress local = pluginPorts.get(endpoint);
            if (local != null && !plugins.containsKey(endpoint)) {
                plugins.put(endpoint, PluginProcess.start(new PluginSpec(endpoint.plugin(), endpoint.pluginOptions()),
                        "server " + endpoint.host() + ":" + endpoint.port(), endpoint.host(), endpoint.port(),
                        local.getAddress().getHostAddress(), local.getPort()));
            }
        }
        retainPlugins(servers);
    }

    /** Stops the plugins of servers not in {@code servers} and forgets their ports. */
    private synchronized void retainPlugins(List<ServerEndpoint> servers) {
        for (ServerEndpoint gone : List.copyOf(pluginPorts.keySet())) {
            if (!servers.contains(gone)) {
                PluginProcess plugin = plugins.remove(gone);
                if (plugin != null) {
                    plugin.stop();
                }
                pluginPorts.remove(gone);
            }
        }
    }

    /** The plugin run for {@code server}, or {@code null}. */
    public synchronized PluginProcess plugin(ServerEndpoint server) {
        return plugins.get(server);
    }

    /**
     * Replaces the servers (a re-read server list, an online config): new connections and UDP
     * associations use the new list; open ones stay where they are. Servers in both lists keep what
     * the health checks know of them.
     *
     * @throws IllegalArgumentException if the list is empty or a key does not fit its method; the
     *     old list stays then
     */
    public void updateServers(List<ServerEndpoint> servers) {
        List<ServerConnector.Remote> remotes = remotes(servers);
        try {
            startPlugins(servers);
        } catch (IOException e) {
            // the old list stays: so do its plugins, and only its
            retainPlugins(context.connector().pool().servers().stream().map(x -> x.remote().endpoint()).toList());
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        context.connector().setRemotes(remotes);
        checker.serversChanged();
        LOG.info("servers now {}", context.connector().describeServers());
    }

    /** The server new TCP connections take now (the balancer's choice). */
    public ServerEndpoint tcpServer() {
        return context.connector().pool().tcp().remote().endpoint();
    }

    /** The server new UDP associations take now. */
    public ServerEndpoint udpServer() {
        return context.connector().pool().udp().remote().endpoint();
    }

    /** The bound addresses of the TCP listeners, in listener order. */
    public List<InetSocketAddress> tcpAddresses() {
        return tcpListeners.stream().map(TcpListener::address).toList();
    }

    /** The bound addresses of the UDP sockets, in listener order. */
    public List<InetSocketAddress> udpAddresses() {
        return udpSockets.stream().map(s -> (InetSocketAddress) s.localAddress()).toList();
    }

    /** Connections and sockets open right now (accepted connections and UDP ASSOCIATE sockets). */
    public int openConnections() {
        return channels.size();
    }

    @Override
    public void close() {
        checker.close();
        tcpListeners.forEach(TcpListener::close);
        udpSockets.forEach(s -> s.close().awaitUninterruptibly());
        channels.close().awaitUninterruptibly();
        synchronized (this) {
            plugins.values().forEach(PluginProcess::stop);
            plugins.clear();
        }
        io.close();
    }
}
