package dev.ssjvm.service.server;

import dev.ssjvm.core.address.HostAndPort;
import dev.ssjvm.core.udp.ClientPacket;
import dev.ssjvm.core.udp.DatagramProtocol;
import dev.ssjvm.service.acl.IpRangeSet;
import dev.ssjvm.service.relay.TrafficCounters;
import dev.ssjvm.service.transport.ServiceIo;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The UDP relay of one server endpoint (the original's UDPRelay): one socket for every client, and per
 * client an association that owns one outbound socket, so replies from any target find their way
 * back. Associations are keyed by the protocol's session id, or by the client's address when the
 * protocol has none; the table is bounded (least recently used goes first) and idle associations
 * expire.
 *
 * <p>Everything runs on the event loop of the listening socket; outbound sockets are registered on
 * the same loop, so the table needs no locks.
 */
final class UdpRelay extends SimpleChannelInboundHandler<DatagramPacket> {
    private static final Logger LOG = LoggerFactory.getLogger(UdpRelay.class);

    private final ServiceIo io;
    private final DatagramProtocol protocol;
    private final IpRangeSet forbidden;
    private final Duration idleTimeout;
    private final int maxAssociations;
    private final Map<Object, UdpAssociation> associations = new LinkedHashMap<>(64, 0.75f, true);
    private final AtomicLong dropped = new AtomicLong();
    private final TrafficCounters traffic;
    private Channel listener;

    UdpRelay(ServiceIo io, DatagramProtocol protocol, IpRangeSet forbidden, Duration idleTimeout, int maxAssociations,
            TrafficCounters traffic) {
        super(false);
        this.traffic = traffic;
        this.io = io;
        this.protocol = protocol;
        this.forbidden = forbidden;
        this.idleTimeout = idleTimeout;
        this.maxAssociations = maxAssociations;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        listener = ctx.channel();
        ctx.fireChannelActive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket datagram) {
        ClientPacket packet;
        try {
            packet = protocol.openFromClient(ctx.alloc(), datagram.content());
        } finally {
            datagram.release();
        }
        if (packet == null) {
            dropped.incrementAndGet();
            LOG.trace("udp: dropped an undecryptable packet from {}", datagram.sender());
            return;
        }
        InetSocketAddress client = HostAndPort.unmapped(datagram.sender());
        Object key = packet.sessionId() != null ? packet.sessionId() : client;
        UdpAssociation association = associations.get(key);
        if (association == null) {
            association = open(key, client, packet);
        } else if (!association.session().accept(packet)) {
            packet.release();
            dropped.incrementAndGet();
            return;
        }
        association.clientAddress(client); // follows a client whose address changed (SIP022 sessions)
        association.send(packet);
    }

    private UdpAssociation open(Object key, InetSocketAddress client, ClientPacket first) {
        if (associations.size() >= maxAssociations) {
            Iterator<UdpAssociation> eldest = associations.values().iterator();
            UdpAssociation evicted = eldest.next();
            eldest.remove();
            LOG.debug("udp: association table full ({}), dropping the least recently used", maxAssociations);
            evicted.close();
        }
        UdpAssociation association = new UdpAssociation(this, key, client, protocol.newServerSession(first),
                traffic.of(first.user()));
        associations.put(key, association);
        LOG.debug("udp: new association for {}", client);
        return association;
    }

    /** Called by an association when it closes (idle, evicted or failed). */
    void forget(UdpAssociation association) {
        associations.remove(association.key(), association);
    }

    /** Sends a sealed reply to a client through the listening socket. */
    void reply(DatagramPacket packet) {
        listener.writeAndFlush(packet, listener.voidPromise());
    }

    boolean isForbidden(InetSocketAddress resolved) {
        if (forbidden.contains(resolved.getAddress())) {
            LOG.info("udp: packet to {} blocked, {} is in forbidden_ip", HostAndPort.format(resolved),
                    resolved.getAddress().getHostAddress());
            return true;
        }
        return false;
    }

    ServiceIo io() {
        return io;
    }

    Duration idleTimeout() {
        return idleTimeout;
    }

    Channel listener() {
        return listener;
    }

    void countDrop() {
        dropped.incrementAndGet();
    }

    /** Packets dropped: failed authentication, malformed, replayed, blocked or unresolvable. */
    long droppedPackets() {
        return dropped.get();
    }

    int associationCount() {
        return associations.size();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        for (UdpAssociation association : associations.values().toArray(new UdpAssociation[0])) {
            association.close();
        }
        associations.clear();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // a send to an unreachable address and the like: UDP goes on
        LOG.debug("udp: {}", cause.toString());
    }
}
