package dev.ssjvm.service.server;

import dev.ssjvm.core.protocol.MethodFamilies;
import dev.ssjvm.core.protocol.ServerProtocols;
import dev.ssjvm.core.protocol.UdpServerProtocol;
import dev.ssjvm.core.protocol.UserKey;
import dev.ssjvm.crypto.MethodKeys;
import dev.ssjvm.service.config.Mode;
import dev.ssjvm.service.config.PortSettings;
import dev.ssjvm.service.config.ServerSettings;
import dev.ssjvm.service.limits.PortLimiter;
import dev.ssjvm.service.limits.PortLimits;
import dev.ssjvm.service.limits.Refusal;
import dev.ssjvm.service.plugin.PluginProcess;
import dev.ssjvm.service.transport.ChunkSizes;
import dev.ssjvm.service.transport.IdleTimeout;
import dev.ssjvm.service.transport.ServiceIo;
import dev.ssjvm.service.transport.TcpListener;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.group.ChannelGroup;
import io.netty.util.AttributeKey;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One port of the server (the original's TCPRelay and UDPRelay of a port, together): its listening
 * sockets on every configured address, its UDP relay, its protocols and user table, and the
 * connections it accepted. Built from the port's settings and the server's shared context; started
 * once, closed once.
 *
 * <p>Users of a multi-user port change while it runs: the protocols see the change on the next request
 * or packet, connections of users that stay are not touched, and those of a removed user are closed.
 */
public final class ServerPort {
    private static final Logger LOG = LoggerFactory.getLogger(ServerPort.class);
    /** The user an accepted connection authenticated as, on multi-user ports. */
    static final AttributeKey<String> USER = AttributeKey.valueOf("ssjvm.user");

    private final ServerContext context;
    private final ServerProtocols protocols;
    private final Mode mode;
    private volatile Duration timeout;
    private final RecvByteBufAllocator targetReads;
    private final ChannelGroup connections;
    private final List<TcpListener> listeners = new ArrayList<>();
    private final List<Channel> udpSockets = new ArrayList<>();
    private final List<UdpRelay<?>> udpRelays = new ArrayList<>();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final PortLimiter limiter;
    private ScheduledFuture<?> sweeper;
    private final Map<String, String> userKeys = new HashMap<>(); // guarded by this
    private volatile PortSettings settings;
    private volatile int port;
    private boolean closing; // guarded by this
    private volatile PluginProcess plugin;

    /** @throws IllegalArgumentException if the method, key or users do not fit together */
    ServerPort(PortSettings settings, ServerContext context) {
        this.settings = settings;
        this.context = context;
        this.protocols = MethodFamilies.server(settings.method(), settings.password(), settings.users(),
                context.protocols());
        this.mode = context.settings().modeOf(settings);
        this.timeout = context.settings().timeoutOf(settings);
        this.targetReads = ChunkSizes.readsFor(protocols.tcp().maxChunkPayload());
        this.connections = context.io().newChannelGroup("port-" + settings.port());
        this.port = settings.port();
        settings.users().forEach(u -> userKeys.put(u.name(), u.key()));
        this.limiter = new PortLimiter(settings.limits(), Clock.systemUTC(), this::exhausted);
    }

    /**
     * Binds the port on every address: TCP and UDP as its mode says, all on one port number (with port
     * 0, the one the first socket got). Blocks the calling thread (never an event loop).
     *
     * @throws IOException naming the address that cannot be bound; nothing stays bound then
     */
    void start() throws IOException {
        ServiceIo io = context.io();
        for (int attempt = 1; ; attempt++) {
            try {
                bind(io);
                break;
            } catch (IOException | RuntimeException e) {
                unbind();
                // port 0 (tests) lets the kernel pick a TCP port whose UDP twin may be taken: pick again
                if (settings.port() != 0 || attempt == 5 || !(e instanceof IOException)) {
                    closeNow();
                    throw e;
                }
                port = 0;
            }
        }
        if (settings.plugin() != null && mode.tcp()) {
            try {
                startPlugin();
            } catch (IOException e) {
                closeNow();
                throw e;
            }
        }
        synchronized (this) {
            // configured as 0: from now on the settings name the port it runs on, so that they can be
            // given back to replace() and reach this port
            settings = settings.withPort(port);
        }
        sweeper = io.group().next().scheduleAtFixedRate(limiter::sweep, 1, 1, TimeUnit.SECONDS);
        LOG.info("port {}: {} on {}{}", port, settings.method(), describeSockets(),
                settings.multiUser() ? ", " + userKeys.size() + " users" : "");
    }

    private void bind(ServiceIo io) throws IOException {
        ServiceIo.ListenOptions options = new ServiceIo.ListenOptions(context.settings().common().noDelay(),
                context.settings().common().reusePort(), context.settings().common().fastOpen(), null);
        // the UDP protocol's state (session ciphers) is confined to one loop: every UDP socket of the port uses it
        EventLoop udpLoop = io.group().next();
        if (settings.plugin() != null) {
            bindBehindPlugin(io, options, udpLoop);
            return;
        }
        for (String host : settings.hosts()) {
            InetSocketAddress address = new InetSocketAddress(host, port);
            if (mode.tcp()) {
                TcpListener listener = io.bindTcp(address, options, connections, this::initConnection);
                listeners.add(listener);
                port = listener.address().getPort();
                address = listener.address();
            }
            if (mode.udp()) {
                UdpRelay<?> relay = newUdpRelay(protocols.udp());
                Channel socket = io.bindUdp(address, relay, udpLoop);
                udpRelays.add(relay);
                udpSockets.add(socket);
                port = ((InetSocketAddress) socket.localAddress()).getPort();
            }
        }
    }

    /**
     * With a SIP003 plugin (as libev does it): TCP on a free loopback port, which the plugin forwards
     * to from the public address it listens on; UDP stays on the public address, the plugin does not
     * carry it.
     */
    private void bindBehindPlugin(ServiceIo io, ServiceIo.ListenOptions options, EventLoop udpLoop)
            throws IOException {
        if (port == 0) {
            port = PluginProcess.freePort(settings.hosts().get(0)); // the plugin must be told a number
        }
        if (mode.tcp()) {
            listeners.add(io.bindTcp(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), options, connections,
                    this::initConnection));
        }
        if (mode.udp()) {
            for (String host : settings.hosts()) {
                UdpRelay<?> relay = newUdpRelay(protocols.udp());
                udpSockets.add(io.bindUdp(new InetSocketAddress(host, port), relay, udpLoop));
                udpRelays.add(relay);
            }
        }
    }

    /** The plugin listens on the port's (first) public address and forwards to our loopback listener. */
    private void startPlugin() throws IOException {
        if (settings.hosts().size() > 1) {
            LOG.warn("port {}: the plugin listens on {} only (a plugin takes one address)", port,
                    settings.hosts().get(0));
        }
        InetSocketAddress local = listeners.get(0).address();
        plugin = PluginProcess.start(settings.plugin(), "port " + port, settings.hosts().get(0), port,
                local.getAddress().getHostAddress(), local.getPort());
    }

    /** The plugin this port runs, or {@code null}. */
    public PluginProcess plugin() {
        return plugin;
    }

    /** Undoes a bind that failed halfway. */
    private void unbind() {
        listeners.forEach(TcpListener::close);
        listeners.clear();
        udpSockets.forEach(s -> s.close().awaitUninterruptibly());
        udpSockets.clear();
        udpRelays.clear();
    }

    /** A limit ran out mid-life (quota used up, expiry come): the user's (or the port's) connections end. */
    private void exhausted(String user, Refusal why) {
        LOG.info("port {}: {} {}; closing its connections", port, user == null ? "the port" : "user " + user,
                why == Refusal.QUOTA ? "used up its quota" : why == Refusal.EXPIRED ? "expired" : why);
        context.metrics().limitHit(port, user, why);
        if (user == null) {
            connections.close();
            udpRelays.forEach(UdpRelay::closeAllAssociations);
        } else {
            closeConnectionsOf(user);
        }
    }

    /** The relay of one UDP socket, typed by its protocol's packet state. */
    private <S> UdpRelay<S> newUdpRelay(UdpServerProtocol<S> protocol) {
        return new UdpRelay<>(this, protocol);
    }

    private void initConnection(Channel ch) {
        context.metrics().tcpAccepted(port);
        InetSocketAddress remote = (InetSocketAddress) ch.remoteAddress();
        if (remote == null) { // gone between accept and now
            ch.close();
            return;
        }
        InetAddress source = remote.getAddress();
        ServerSettings limits = context.settings();
        Refusal[] refusedBy = new Refusal[1];
        boolean[] evicted = new boolean[1];
        HandshakeSlots.Slot slot = context.handshakes().acquire(ch, source, limits.maxHandshakes(),
                limits.maxHandshakesPerIp(), refusedBy, evicted);
        if (evicted[0]) { // the oldest connection in the handshake was reset to make room for this one
            context.metrics().limitHit(port, null, Refusal.HANDSHAKES);
            context.capWarnings().refused(Refusal.HANDSHAKES, port, ch.eventLoop());
        }
        if (slot == null) {
            // a reset: no TIME_WAIT left on our side, and nothing said that a full backlog would not say
            LOG.debug("{} over the handshake limits, refused", ch.remoteAddress());
            context.metrics().limitHit(port, null, refusedBy[0]);
            context.capWarnings().refused(refusedBy[0], port, ch.eventLoop());
            ch.config().setOption(ChannelOption.SO_LINGER, 0);
            ch.close();
            return;
        }
        ch.pipeline()
                .addLast("idle", new IdleTimeout(timeout))
                .addLast("deadline", new HandshakeDeadline(limits.handshakeTimeout(),
                        () -> context.handshakes().release(slot)))
                .addLast("budget", new PreAuthBudget(() -> {
                    context.metrics().limitHit(port, null, Refusal.PRE_AUTH_BYTES);
                    context.capWarnings().refused(Refusal.PRE_AUTH_BYTES, port, ch.eventLoop());
                }))
                .addLast("codec", protocols.tcp().newCodec())
                .addLast("request", new ServerRequestHandler(this, context));
    }

    private String describeSockets() {
        List<String> parts = new ArrayList<>();
        tcpAddresses().forEach(a -> parts.add(a + " tcp"
                + (settings.plugin() == null ? "" : " behind plugin " + settings.plugin().program() + " on "
                        + settings.hosts().get(0) + ":" + port)));
        udpAddresses().forEach(a -> parts.add(a + " udp"));
        return String.join(", ", parts) + (settings.remarks() == null ? "" : " (" + settings.remarks() + ")");
    }

    /** The port number (the bound one, when configured as 0). */
    public int port() {
        return port;
    }

    /** The settings the port runs with now (users included). */
    public PortSettings settings() {
        return settings;
    }

    public Mode mode() {
        return mode;
    }

    /**
     * Whether requests name a user (SIP023 identity headers). Fixed for the life of the port, and still
     * true when every user has been removed (then nobody gets in until a user is added), whereas
     * {@code settings().multiUser()} follows the user list.
     */
    public boolean multiUser() {
        return protocols.users().multiUser();
    }

    public Duration timeout() {
        return timeout;
    }

    /** A new idle timeout (a reload changed the server's default): new connections take it. */
    void timeout(Duration value) {
        timeout = value;
    }

    /** The limits of this port and its users, enforced. */
    public PortLimiter limiter() {
        return limiter;
    }

    /**
     * Takes new limits for the port and its users; connections of a user the new limits refuse
     * (expired, over quota) are closed, the others go on at the new rates.
     */
    public synchronized void updateLimits(PortLimits limits) {
        limiter.update(limits);
        settings = settings.withLimits(limits);
        LOG.info("port {}: limits updated", port);
    }

    /** Read sizes for this port's targets, in whole chunks of its protocol. */
    RecvByteBufAllocator targetReads() {
        return targetReads;
    }

    ServerContext context() {
        return context;
    }

    ServerProtocols protocols() {
        return protocols;
    }

    public List<InetSocketAddress> tcpAddresses() {
        return listeners.stream().map(TcpListener::address).toList();
    }

    public List<InetSocketAddress> udpAddresses() {
        return udpSockets.stream().map(s -> (InetSocketAddress) s.localAddress()).toList();
    }

    /**
     * Adds a user to a multi-user port, or gives an existing user a new key (closing the connections
     * made with the old one). Other users' connections are not touched.
     *
     * @throws IllegalArgumentException if the key does not fit, another user has it, or the port has a
     *     single key
     */
    public synchronized void putUser(UserKey user) {
        String previous = userKeys.get(user.name());
        if (user.key().equals(previous)) {
            return;
        }
        protocols.users().put(user);
        userKeys.put(user.name(), user.key());
        if (previous != null) {
            closeConnectionsOf(user.name());
        }
        syncSettings();
        LOG.info("port {}: user {} {}", port, user.name(), previous == null ? "added" : "has a new key");
    }

    /**
     * Removes a user: new requests under its key are treated as a stranger's, and its open
     * connections and UDP associations are closed.
     *
     * @return false if the port has no such user
     */
    public synchronized boolean removeUser(String name) {
        if (!protocols.users().remove(name)) {
            return false;
        }
        userKeys.remove(name);
        closeConnectionsOf(name);
        if (settings.limits().users().containsKey(name)) {
            PortLimits limits = settings.limits().withoutUser(name);
            limiter.update(limits);
            settings = settings.withLimits(limits);
        }
        syncSettings();
        LOG.info("port {}: user {} removed", port, name);
        return true;
    }

    /** Makes the port's users exactly {@code users}, touching only those that change. */
    synchronized void updateUsers(List<UserKey> users) {
        Map<String, String> wanted = UserKey.byName(users);
        // checked first, so that the change is all or nothing
        MethodKeys.checkServer(settings.method(), settings.password(), wanted);
        // users that go or change key leave first, so that two users may swap keys
        for (String name : List.copyOf(userKeys.keySet())) {
            if (!userKeys.get(name).equals(wanted.get(name))) {
                removeUser(name);
            }
        }
        wanted.forEach((name, key) -> putUser(new UserKey(name, key)));
    }

    private void syncSettings() {
        List<UserKey> users = new ArrayList<>();
        userKeys.forEach((name, key) -> users.add(new UserKey(name, key)));
        users.sort((a, b) -> a.name().compareTo(b.name()));
        settings = settings.withUsers(users);
    }

    private void closeConnectionsOf(String user) {
        for (Channel ch : connections) {
            if (user.equals(ch.attr(USER).get())) {
                ch.close();
            }
        }
        for (UdpRelay<?> relay : udpRelays) {
            relay.closeAssociationsOf(user);
        }
    }

    /** TCP connections open now (accepted and not yet closed). */
    public int openConnections() {
        return connections.size();
    }

    /** UDP associations open now (a recent value). */
    public int udpAssociations() {
        return udpRelays.stream().mapToInt(UdpRelay::associationCount).sum();
    }

    /** Completes once the port is closed and every connection it accepted has ended. */
    public CompletableFuture<Void> closed() {
        return closed;
    }

    /**
     * Stops accepting at once and closes the UDP relay; open TCP connections may go on for up to
     * {@code drain}, then whatever is left is closed. Blocks only while the sockets close.
     *
     * @return {@link #closed()}
     */
    CompletableFuture<Void> close(Duration drain) {
        synchronized (this) {
            if (closing) {
                return closed;
            }
            closing = true;
        }
        if (sweeper != null) {
            sweeper.cancel(false);
        }
        listeners.forEach(TcpListener::close);
        udpSockets.forEach(s -> s.close().awaitUninterruptibly());
        if (plugin != null) {
            plugin.stop(); // frees the public address now, for a port that replaces this one
        }
        if (drain.isZero() || drain.isNegative() || connections.isEmpty()) {
            closeConnections();
        } else {
            LOG.info("port {}: no longer accepting; {} connections may finish within {} s", port,
                    connections.size(), drain.toSeconds());
            long deadline = System.nanoTime() + drain.toNanos();
            waitForDrain(deadline);
        }
        return closed;
    }

    private void waitForDrain(long deadline) {
        if (connections.isEmpty() || System.nanoTime() >= deadline) {
            closeConnections();
            return;
        }
        context.io().group().next().schedule(() -> waitForDrain(deadline), 100, TimeUnit.MILLISECONDS);
    }

    private void closeConnections() {
        connections.close().addListener(f -> closed.complete(null));
    }

    /** Closes everything at once, for a failed start. */
    private void closeNow() {
        close(Duration.ZERO);
    }

    @Override
    public String toString() {
        return "port " + port + " (" + Objects.requireNonNull(settings).method() + ")";
    }
}
