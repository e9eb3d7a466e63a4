package dev.ssjvm.service.server;

import dev.ssjvm.core.protocol.ProtocolContext;
import dev.ssjvm.core.protocol.UserKey;
import dev.ssjvm.core.replay.ReplayProtection;
import dev.ssjvm.crypto.AeadFactory;
import dev.ssjvm.crypto.MethodKeys;
import dev.ssjvm.service.config.CommonSettings;
import dev.ssjvm.service.config.PortSettings;
import dev.ssjvm.service.config.ServerSettings;
import dev.ssjvm.service.metrics.ServerMetrics;
import dev.ssjvm.service.metrics.TrafficStats;
import dev.ssjvm.service.outbound.OutboundPolicy;
import dev.ssjvm.service.outbound.TargetRule;
import dev.ssjvm.service.transport.ServiceIo;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ssserver}: a live set of {@link ServerPort}s on one set of event loops, sharing DNS, crypto,
 * replay state, the outbound policy and accounting. Ports can be added, removed and replaced while
 * it runs, from any thread that is not one of its event loops (a port binds and closes sockets, which
 * blocks the caller briefly).
 */
public final class ShadowsocksServer implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(ShadowsocksServer.class);

    private final ServiceIo io;
    private final TrafficStats traffic = new TrafficStats();
    private final ServerContext context;
    /** By port number; insertion order is start order, for {@link #tcpAddresses()}. */
    private final Map<Integer, ServerPort> ports = new ConcurrentHashMap<>();
    private final List<ServerPort> order = new CopyOnWriteArrayList<>(); // changed under the lock, read without
    /** The port numbers the settings name (as opposed to ports added at run time); guarded by this. */
    private final Set<Integer> configured = new HashSet<>();
    private boolean closed; // guarded by this

    private ShadowsocksServer(ServerSettings settings, ServerMetrics metrics) {
        this.io = new ServiceIo("ssserver", settings.common());
        AeadFactory crypto = AeadFactory.preferringIfNamed(settings.common().cryptoBackend());
        List<TargetRule> rules = rules(settings);
        this.context = new ServerContext(settings, io,
                new ProtocolContext(crypto, ReplayProtection.forServer(Clock.systemUTC())),
                new OutboundPolicy(io.resolver(), rules), ServerMetrics.both(traffic, metrics));
        LOG.info("transport {}, crypto {}", io.transport().describe(), crypto.describe());
        LOG.info("outbound: {}", context.outbound().describe());
    }

    /** Starts a server with its own accounting only; see {@link #start(ServerSettings, ServerMetrics)}. */
    public static ShadowsocksServer start(ServerSettings settings) throws IOException {
        return start(settings, ServerMetrics.NONE);
    }

    /**
     * Starts the configured ports. Blocks the calling thread (never an event loop) until all are bound.
     *
     * @param metrics where relay events go besides the server's own {@link #traffic()} accounting
     * @throws IllegalArgumentException if a port's method, key or users are unusable
     * @throws IOException if a port cannot be bound; nothing stays open then
     */
    public static ShadowsocksServer start(ServerSettings settings, ServerMetrics metrics) throws IOException {
        ShadowsocksServer server = new ShadowsocksServer(settings, metrics);
        try {
            for (PortSettings port : settings.ports()) {
                server.configured.add(server.add(port).port());
            }
        } catch (RuntimeException | IOException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /**
     * Starts a new port.
     *
     * @throws IllegalStateException if that port number is already served, or when called on an event loop
     * @throws IllegalArgumentException if the method, key or users are unusable
     * @throws IOException if the port cannot be bound
     */
    public ServerPort add(PortSettings settings) throws IOException {
        requireOffLoop();
        synchronized (this) {
            requireOpen();
            return addLocked(settings);
        }
    }

    private ServerPort addLocked(PortSettings settings) throws IOException {
        if (settings.port() != 0 && ports.containsKey(settings.port())) {
            throw new IllegalStateException("port " + settings.port() + " is already in use by this server");
        }
        ServerPort port = new ServerPort(settings, context);
        port.start();
        ports.put(port.port(), port);
        order.add(port);
        return port;
    }

    /**
     * Stops a port: it stops accepting at once, and its open connections may finish for up to
     * {@code drain} ({@link ServerPort#closed()} completes when they have).
     *
     * @return the port that was removed, or {@code null} if no port has that number
     */
    public ServerPort remove(int number, Duration drain) {
        requireOffLoop();
        synchronized (this) {
            requireOpen();
            return removeLocked(number, drain);
        }
    }

    private ServerPort removeLocked(int number, Duration drain) {
        ServerPort port = ports.remove(number);
        if (port == null) {
            return null;
        }
        order.remove(port);
        port.close(drain);
        LOG.info("port {} removed", number);
        return port;
    }

    /**
     * Applies new settings to a running port, or starts it if it is not running. When only its users
     * differ, the port keeps running and only the users that change are touched; otherwise the old
     * port stops accepting (its connections may finish for up to {@code drain}) and a new one starts.
     *
     * @throws IOException if the new port cannot be bound; the old one is gone then
     */
    public ServerPort replace(PortSettings settings, Duration drain) throws IOException {
        requireOffLoop();
        synchronized (this) {
            requireOpen();
            return replaceLocked(settings, drain);
        }
    }

    private ServerPort replaceLocked(PortSettings settings, Duration drain) throws IOException {
        ServerPort running = ports.get(settings.port());
        if (running == null) {
            return addLocked(settings);
        }
        // running.multiUser(), not its settings': a multi-user port whose users are all gone stays one
        if (running.settings().differsOnlyInUsersOrLimits(settings) && running.multiUser() == settings.multiUser()
                && context.settings().modeOf(settings) == running.mode()) {
            updateInPlace(running, settings);
            return running;
        }
        // refuse unusable settings before touching the running port
        MethodKeys.checkServer(settings.method(), settings.password(), UserKey.byName(settings.users()));
        removeLocked(settings.port(), drain);
        return addLocked(settings);
    }

    private static void updateInPlace(ServerPort running, PortSettings settings) {
        running.updateUsers(settings.users());
        if (!running.settings().limits().equals(settings.limits())) {
            running.updateLimits(settings.limits());
        }
    }

    /** What a reload changed, and what it could not change while running. */
    public record Reload(List<Integer> added, List<Integer> removed, List<Integer> changed, List<String> needRestart) {}

    /**
     * Applies reloaded settings: the configured ports that are gone are removed (their connections
     * may finish for up to {@code drain}), new ones are added, changed ones replaced, and the outbound
     * rules and the timeouts read per connection follow. A change of users or limits only is made live,
     * and only what the file changed since the last time is applied (see {@link ConfigChange}), so
     * users added or re-keyed at run time (manager, API) stay; a port the file did not change is not
     * touched. Ports added at run time and not named in the settings are left alone. Settings
     * bound at start (transport, workers, DNS, crypto, socket options) are reported in
     * {@link Reload#needRestart()}.
     *
     * @throws IllegalArgumentException if a port's keys are unusable; then nothing changes
     * @throws IOException if a new port cannot be bound; the changes before it stand
     */
    public Reload apply(ServerSettings next, Duration drain) throws IOException {
        requireOffLoop();
        synchronized (this) {
            requireOpen();
            for (PortSettings p : next.ports()) { // all or nothing, before anything changes
                MethodKeys.checkServer(p.method(), p.password(), UserKey.byName(p.users()));
            }
            ServerSettings previous = context.settings();
            List<String> needRestart = restartNeeded(previous, next);
            context.settings(next);
            context.outbound().rules(rules(next));
            Set<Integer> wanted = new HashSet<>();
            next.ports().forEach(p -> wanted.add(p.port()));
            List<Integer> removed = new ArrayList<>();
            for (Integer number : Set.copyOf(configured)) {
                if (!wanted.contains(number) && removeLocked(number, drain) != null) {
                    removed.add(number);
                }
            }
            List<Integer> added = new ArrayList<>();
            List<Integer> changed = new ArrayList<>();
            Map<Integer, PortSettings> before = new HashMap<>();
            previous.ports().forEach(p -> before.put(p.port(), p));
            for (PortSettings p : next.ports()) {
                ServerPort running = ports.get(p.port());
                PortSettings was = configured.contains(p.port()) ? before.get(p.port()) : null;
                boolean sameMode = next.modeOf(p).equals(running == null ? null : running.mode());
                if (running == null) {
                    addLocked(p);
                    added.add(p.port());
                } else if (sameMode && (was == null ? running.settings() : was).equals(p)) {
                    running.timeout(next.timeoutOf(p)); // the file did not change it: run-time changes stay
                } else if (sameMode && running.settings().differsOnlyInUsersOrLimits(p)
                        && running.multiUser() == p.multiUser() && (was == null || was.differsOnlyInUsersOrLimits(p))) {
                    updateInPlace(running, was == null ? p : ConfigChange.onto(running.settings(), was, p));
                    running.timeout(next.timeoutOf(p));
                    changed.add(p.port());
                } else {
                    List<String> dropped = ConfigChange.runTimeUsers(running.settings(), was);
                    if (!dropped.isEmpty() && !p.users().isEmpty()) {
                        LOG.warn("reload: port {} restarts; users added at run time are dropped: {}", p.port(), dropped);
                    }
                    removeLocked(p.port(), drain);
                    addLocked(p);
                    changed.add(p.port());
                }
            }
            configured.clear();
            configured.addAll(wanted);
            needRestart.forEach(s -> LOG.warn("reload: {} changed; it takes effect at the next start", s));
            return new Reload(added, removed, changed, needRestart);
        }
    }

    private static List<TargetRule> rules(ServerSettings settings) {
        List<TargetRule> rules = new ArrayList<>();
        if (!settings.forbidden().isEmpty()) {
            rules.add(TargetRule.addresses("forbidden_ip", settings.forbidden()));
        }
        if (settings.acl() != null && !settings.acl().outboundBlockList().isEmpty()) {
            rules.add(TargetRule.list("[outbound_block_list] of " + settings.acl().file(),
                    settings.acl().outboundBlockList()));
        }
        return rules;
    }

    private static List<String> restartNeeded(ServerSettings a, ServerSettings b) {
        CommonSettings x = a.common();
        CommonSettings y = b.common();
        List<String> out = new ArrayList<>();
        if (!x.transport().equals(y.transport())) {
            out.add("transport");
        }
        if (x.workerThreads() != y.workerThreads()) {
            out.add("workers");
        }
        if (!x.nameServers().equals(y.nameServers()) || x.ipv6First() != y.ipv6First()) {
            out.add("nameserver / ipv6_first");
        }
        if (!java.util.Objects.equals(x.cryptoBackend(), y.cryptoBackend())) {
            out.add("crypto_backend");
        }
        if (x.noDelay() != y.noDelay() || x.fastOpen() != y.fastOpen() || x.reusePort() != y.reusePort()) {
            out.add("no_delay / fast_open / reuse_port (for ports that stay)");
        }
        if (x.udpMaxAssociations() != y.udpMaxAssociations()) {
            out.add("udp_max_associations (for ports that stay)");
        }
        return out;
    }

    /** The settings the server runs with now (a reload replaces them). */
    public ServerSettings settings() {
        return context.settings();
    }

    /** The port with this number, or {@code null}. */
    public ServerPort port(int number) {
        return ports.get(number);
    }

    /**
     * The running ports, in the order they started; once the server is closing, the ports it had then
     * (draining, then closed).
     */
    public List<ServerPort> ports() {
        return List.copyOf(order);
    }

    /** The bound TCP addresses of every port, in the order the ports started. */
    public List<InetSocketAddress> tcpAddresses() {
        return ports().stream().flatMap(p -> p.tcpAddresses().stream()).toList();
    }

    /** The bound UDP addresses of every port, in the order the ports started. */
    public List<InetSocketAddress> udpAddresses() {
        return ports().stream().flatMap(p -> p.udpAddresses().stream()).toList();
    }

    /** Bytes, packets, connections and failures per port and user, since start. */
    public TrafficStats traffic() {
        return traffic;
    }

    /** UDP packets dropped so far on every port: undecryptable, replayed, blocked, unresolvable. */
    public long udpDroppedPackets() {
        return traffic.snapshot().values().stream().mapToLong(TrafficStats.PortTotals::udpDropped).sum();
    }

    /** UDP associations open now on every port (a recent value). */
    public int udpAssociations() {
        return ports().stream().mapToInt(ServerPort::udpAssociations).sum();
    }

    /** TCP connections still in the handshake now, on every port (counted against {@code max_handshakes}). */
    public int handshakesInProgress() {
        return context.handshakes().total();
    }

    /** Accepts that failed on every listener since start (out of descriptors: see AcceptBackoff). */
    public long acceptFailures() {
        return context.io().acceptFailures();
    }

    /** TCP connections open now on every port (accepted and not yet closed). */
    public int openConnections() {
        return ports().stream().mapToInt(ServerPort::openConnections).sum();
    }

    /**
     * Checked before taking the lock: a loop waiting for it while another thread holds it to bind
     * (which needs every loop) would deadlock.
     */
    private void requireOffLoop() {
        if (io.inEventLoop()) {
            throw new IllegalStateException("ports are changed off the event loops: binding blocks");
        }
    }

    private void requireOpen() { // guarded by this
        if (closed) {
            throw new IllegalStateException("the server is closed");
        }
    }

    /** Stops every port at once and closes the event loops. Safe to call twice. */
    @Override
    public void close() {
        close(Duration.ZERO);
    }

    /**
     * Stops accepting on every port, lets open connections finish for up to {@code drain}, then
     * closes what is left and the event loops. Blocks until done.
     */
    public void close(Duration drain) {
        requireOffLoop(); // it waits for the loops to finish
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        synchronized (this) {
            if (closed) {
                return;
            }
            for (ServerPort port : order) {
                closing.add(port.close(drain));
            }
            // the ports stay listed (draining, then closed), so that what reads them at the end
            // (metrics during the drain, the state file's last write) still finds them
            closed = true;
        }
        try {
            CompletableFuture.allOf(closing.toArray(new CompletableFuture<?>[0]))
                    .get(drain.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("some connections did not close in time: {}", e.toString());
        }
        io.close();
    }
}
