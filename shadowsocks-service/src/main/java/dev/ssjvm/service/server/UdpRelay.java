package dev.ssjvm.service.server;

import dev.ssjvm.core.address.HostAndPort;
import dev.ssjvm.core.protocol.ClientPacket;
import dev.ssjvm.core.protocol.UdpServerProtocol;
import dev.ssjvm.service.limits.Refusal;
import dev.ssjvm.service.metrics.Failure;
import dev.ssjvm.service.metrics.ServerMetrics;
import dev.ssjvm.service.udp.AssociationsHandler;
import dev.ssjvm.service.udp.BatchedWriter;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The UDP relay of one listening address of a port (the original's UDPRelay): one socket for every
 * client, and per client an association that owns one outbound socket, so replies from any target
 * find their way back. Associations are keyed by the protocol's session id, or by the client's
 * address when the protocol has none. Only an authenticated packet can create one.
 *
 * <p>Everything runs on the event loop of the listening socket; outbound sockets are registered on
 * the same loop, so the table needs no locks.
 *
 * @param <S> the protocol's per-packet state, handed from {@code open} to the association's session
 */
final class UdpRelay<S> extends AssociationsHandler<Object, UdpAssociation<S>> {
    private static final Logger LOG = LoggerFactory.getLogger(UdpRelay.class);

    private final ServerPort port;
    private final UdpServerProtocol<S> protocol;
    private Channel listener;
    private BatchedWriter replies;

    UdpRelay(ServerPort port, UdpServerProtocol<S> protocol) {
        super(port.context().settings().common().udpMaxAssociations(), UdpAssociation::close, false);
        this.port = port;
        this.protocol = protocol;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        listener = ctx.channel();
        replies = new BatchedWriter(listener);
        ctx.fireChannelActive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket datagram) {
        ClientPacket<S> packet;
        try {
            packet = protocol.open(ctx.alloc(), datagram.content());
        } finally {
            datagram.release();
        }
        if (packet == null) {
            dropped(null, Failure.AUTHENTICATION);
            LOG.trace("udp: dropped an undecryptable packet from {}", datagram.sender());
            return;
        }
        InetSocketAddress client = HostAndPort.unmapped(datagram.sender());
        Object key = packet.sessionKey() != null ? packet.sessionKey() : client;
        UdpAssociation<S> association = associations.get(key);
        if (association == null) {
            Refusal refused = port.limiter().check(packet.user());
            if (refused != null) { // expired or over quota: as a stranger's packet
                packet.release();
                dropped(packet.user(), Failure.LIMITED);
                port.context().metrics().limitHit(port.port(), packet.user(), refused);
                return;
            }
            association = new UdpAssociation<>(this, key, client, protocol.newSession(packet), packet.user());
            associations.put(key, association);
            LOG.debug("udp: new association for {}", client);
        } else if (!association.session().accept(packet)) {
            packet.release();
            dropped(packet.user(), Failure.REPLAY);
            return;
        }
        association.clientAddress(client); // follows a client whose address changed (SIP022 sessions)
        association.send(packet);
    }

    /** Called by an association when it closes (idle, evicted or failed). */
    void forget(UdpAssociation<S> association) {
        associations.remove(association.key(), association);
    }

    /** Closes every association (on the relay's loop). */
    void closeAllAssociations() {
        if (listener != null) {
            listener.eventLoop().execute(associations::closeAll);
        }
    }

    /** Closes the associations of a user who was removed (on the relay's loop). */
    void closeAssociationsOf(String user) {
        if (listener != null) {
            listener.eventLoop().execute(() -> associations.closeIf(a -> user.equals(a.user())));
        }
    }

    /** Sends a sealed reply to a client through the listening socket. */
    void reply(DatagramPacket packet) {
        replies.write(packet);
    }

    void dropped(String user, Failure why) {
        port.context().metrics().failure(port.port(), user, ServerMetrics.Protocol.UDP, why);
    }

    ServerPort port() {
        return port;
    }

    Channel listener() {
        return listener;
    }

    int associationCount() {
        return associations.size();
    }
}
