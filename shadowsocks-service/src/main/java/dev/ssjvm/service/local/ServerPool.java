package dev.ssjvm.service.local;

import dev.ssjvm.service.config.ServerEndpoint;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The servers {@code sslocal} may use and which one new connections take: for TCP and for UDP
 * separately, the server that is not down with the lowest {@link ServerHealth#score()} (ties go to
 * the one earlier in the list); when every server is down, the lowest score among all. Choosing is
 * a volatile read; the choice is made again after every result. Connections already open are never
 * moved.
 */
final class ServerPool {
    private static final Logger LOG = LoggerFactory.getLogger(ServerPool.class);

    enum Protocol { TCP, UDP }

    /** A server with its health for each protocol. */
    record Server(ServerConnector.Remote remote, ServerHealth tcp, ServerHealth udp) {
        ServerHealth health(Protocol protocol) {
            return protocol == Protocol.TCP ? tcp : udp;
        }

        @Override
        public String toString() {
            return remote.endpoint().toString();
        }
    }

    private final double maxRttMillis;
    private volatile List<Server> servers = List.of();
    private volatile Server bestTcp;
    private volatile Server bestUdp;

    ServerPool(double maxRttMillis) {
        this.maxRttMillis = maxRttMillis;
    }

    /**
     * Replaces the servers. A server that is in the old list too (the same endpoint, weights
     * included) keeps its health, so a re-read list does not forget what the probes found.
     */
    synchronized void replace(List<ServerConnector.Remote> remotes) {
        if (remotes.isEmpty()) {
            throw new IllegalArgumentException("no server");
        }
        Map<ServerEndpoint, Server> old = new HashMap<>();
        for (Server s : servers) {
            old.putIfAbsent(s.remote().endpoint(), s);
        }
        List<Server> next = new ArrayList<>();
        for (ServerConnector.Remote r : remotes) {
            Server kept = old.get(r.endpoint());
            next.add(kept != null ? new Server(r, kept.tcp(), kept.udp())
                    : new Server(r, new ServerHealth(r.endpoint().tcpWeight(), maxRttMillis),
                            new ServerHealth(r.endpoint().udpWeight(), maxRttMillis)));
        }
        servers = List.copyOf(next);
        bestTcp = null;
        bestUdp = null;
        rank();
    }

    List<Server> servers() {
        return servers;
    }

    /** The server for a new TCP connection. */
    Server tcp() {
        return bestTcp;
    }

    /** The server for a new UDP association. */
    Server udp() {
        return bestUdp;
    }

    /** The best server for {@code protocol} other than {@code failed}; {@code null} if there is none. */
    Server other(Protocol protocol, Server failed) {
        return servers.stream().filter(s -> s != failed).min(order(protocol)).orElse(null);
    }

    void success(Server server, Protocol protocol, double latencyMillis) {
        ServerHealth health = server.health(protocol);
        boolean wasDown = health.down();
        health.success(latencyMillis);
        if (wasDown) {
            LOG.info("balancer: {} server {} is up again", protocol, server);
        }
        rank();
    }

    void failure(Server server, Protocol protocol) {
        ServerHealth health = server.health(protocol);
        boolean wasDown = health.down();
        health.failure();
        if (!wasDown && health.down()) {
            LOG.warn("balancer: {} server {} is down after {} failures in a row", protocol, server,
                    ServerHealth.DOWN_AFTER);
        }
        rank();
    }

    private synchronized void rank() {
        List<Server> current = servers;
        Server tcp = current.stream().min(order(Protocol.TCP)).orElseThrow();
        Server udp = current.stream().min(order(Protocol.UDP)).orElseThrow();
        if (current.size() > 1) {
            if (bestTcp != null && tcp != bestTcp) {
                LOG.info("balancer: new TCP connections now via {} ({})", tcp, tcp.tcp().describe());
            }
            if (bestUdp != null && udp != bestUdp) {
                LOG.info("balancer: new UDP associations now via {} ({})", udp, udp.udp().describe());
            }
        }
        bestTcp = tcp;
        bestUdp = udp;
    }

    private Comparator<Server> order(Protocol protocol) {
        List<Server> current = servers;
        return Comparator.<Server, Boolean>comparing(s -> s.health(protocol).down())
                .thenComparingDouble(s -> s.health(protocol).score())
                .thenComparingInt(current::indexOf);
    }

    /** The servers with their health, for logs. */
    String describe() {
        return servers.stream().map(Server::toString).collect(Collectors.joining(", "));
    }
}
