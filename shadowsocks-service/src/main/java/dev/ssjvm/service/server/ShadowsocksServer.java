package dev.ssjvm.service.server;

import dev.ssjvm.core.replay.ReplayProtection;
import dev.ssjvm.core.tcp.StreamProtocol;
import dev.ssjvm.core.tcp.StreamProtocols;
import dev.ssjvm.core.udp.DatagramProtocol;
import dev.ssjvm.core.udp.DatagramProtocols;
import dev.ssjvm.crypto.AeadFactory;
import dev.ssjvm.service.config.ServerEndpoint;
import dev.ssjvm.service.config.ServerSettings;
import dev.ssjvm.service.transport.ChunkSizes;
import dev.ssjvm.service.transport.IdleTimeout;
import dev.ssjvm.service.transport.ServiceIo;
import dev.ssjvm.service.relay.TrafficCounters;
import io.netty.channel.Channel;
import io.netty.channel.RecvByteBufAllocator;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ssserver}: one TCP relay and one UDP relay per endpoint (the original's TCPRelay and UDPRelay
 * per port), all on one event loop group. Each accepted connection gets its own pipeline: idle timeout, handshake deadline, the
 * endpoint's protocol codec, the request stage, then the relay.
 */
public final class ShadowsocksServer implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(ShadowsocksServer.class);

    private final ServerSettings settings;
    private final ServiceIo io;
    private final AeadFactory crypto;
    private final ReplayProtection replay = ReplayProtection.forServer(Clock.systemUTC());
    private final TrafficCounters traffic = new TrafficCounters();
    private final List<UdpRelay> udpRelays = new ArrayList<>();

    private ShadowsocksServer(ServerSettings settings) {
        this.settings = settings;
        this.crypto = settings.cryptoBackend() == null ? AeadFactory.automatic()
                : AeadFactory.preferring(settings.cryptoBackend());
        this.io = new ServiceIo("ssserver", settings.transport(), settings.workerThreads(), settings.nameServers(),
                settings.ipv6First());
    }

    /**
     * Binds every endpoint. Blocks the calling thread (never an event loop) until all are bound.
     *
     * @throws IllegalArgumentException if an endpoint's method or key is unusable
     * @throws IOException if a port cannot be bound; nothing stays open then
     */
    public static ShadowsocksServer start(ServerSettings settings) throws IOException {
        ShadowsocksServer server = new ShadowsocksServer(settings);
        try {
            server.bindAll();
        } catch (RuntimeException | IOException e) {
            server.close();
            throw e;
        }
        return server;
    }

    private void bindAll() throws IOException {
        LOG.info("transport {}, crypto {}", io.transport().describe(), crypto.describe());
        ServerContext context = new ServerContext(settings, io.resolver(), io.transport(), traffic);
        ServiceIo.ListenOptions options = new ServiceIo.ListenOptions(settings.noDelay(), settings.reusePort(),
                settings.fastOpen(), null);
        for (ServerEndpoint endpoint : settings.endpoints()) {
            StreamProtocol protocol = StreamProtocols.forServer(endpoint.method(), endpoint.password(), endpoint.users(),
                    crypto, replay);
            InetSocketAddress address = new InetSocketAddress(endpoint.host(), endpoint.port());
            if (settings.mode().tcp()) {
                RecvByteBufAllocator targetReads = ChunkSizes.readsFor(protocol.maxChunkPayload());
                Channel listener = io.bindTcp(address, options,
                        ch -> ch.pipeline()
                                .addLast("idle", new IdleTimeout(settings.timeout()))
                                .addLast("deadline", new HandshakeDeadline(settings.handshakeTimeout()))
                                .addLast("codec", protocol.newServerCodec())
                                .addLast("request", new ServerRequestHandler(context, targetReads)));
                LOG.info("listening on {} (tcp), method {}{}", listener.localAddress(), endpoint.method(),
                        endpoint.users().isEmpty() ? "" : ", " + endpoint.users().size() + " users");
                // one port number for both, as clients expect: with port 0, UDP takes the port TCP got
                address = (InetSocketAddress) listener.localAddress();
            }
            if (settings.mode().udp()) {
                DatagramProtocol udp = DatagramProtocols.forServer(endpoint.method(), endpoint.password(),
                        endpoint.users(), crypto, replay);
                UdpRelay relay = new UdpRelay(io, udp, settings.forbidden(), settings.udpTimeout(),
                        settings.udpMaxAssociations(), traffic);
                Channel socket = io.bindUdp(address, relay);
                udpRelays.add(relay);
                LOG.info("listening on {} (udp), method {}", socket.localAddress(), endpoint.method());
            }
        }
        LOG.info("outbound connections to {} are refused (forbidden_ip)", settings.forbidden());
    }

    /** The bound TCP addresses, in endpoint order (useful with port 0). */
    public List<InetSocketAddress> tcpAddresses() {
        return io.tcpAddresses();
    }

    /** The bound UDP addresses, in endpoint order. */
    public List<InetSocketAddress> udpAddresses() {
        return io.udpAddresses();
    }

    /** UDP packets dropped so far on every port: undecryptable, malformed, replayed, blocked. */
    public long udpDroppedPackets() {
        return udpRelays.stream().mapToLong(UdpRelay::droppedPackets).sum();
    }

    /** UDP associations open right now on every port (read from their event loops; approximate). */
    public int udpAssociations() {
        return udpRelays.stream().mapToInt(UdpRelay::associationCount).sum();
    }

    /** Bytes relayed so far, per user of the multi-user ports (and "" for single-key ports). */
    public TrafficCounters traffic() {
        return traffic;
    }

    /** Client connections open right now (accepted and not yet closed). */
    public int openConnections() {
        return io.openConnections();
    }

    /** Stops accepting, closes every connection and the event loops. Safe to call twice. */
    @Override
    public void close() {
        io.close();
    }
}
