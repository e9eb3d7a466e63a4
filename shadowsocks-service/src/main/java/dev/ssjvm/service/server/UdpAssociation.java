package dev.ssjvm.service.server;

import dev.ssjvm.core.address.HostAndPort;
import dev.ssjvm.core.protocol.ClientPacket;
import dev.ssjvm.core.protocol.UdpServerProtocol;
import dev.ssjvm.service.metrics.Failure;
import dev.ssjvm.service.metrics.TrafficMeter;
import dev.ssjvm.service.outbound.OutboundRefusal;
import dev.ssjvm.service.udp.AssociationSocket;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's UDP association on the server: an {@link AssociationSocket} through which the client's
 * packets go out (each target checked by the outbound policy) and every reply comes back, sealed for
 * the client. It closes after {@code udp_timeout} without traffic.
 */
final class UdpAssociation<S> {
    private static final Logger LOG = LoggerFactory.getLogger(UdpAssociation.class);

    private final UdpRelay<S> relay;
    private final Object key;
    private final UdpServerProtocol.Session<S> session;
    private final String user;
    private final TrafficMeter meter;
    private final AssociationSocket socket;
    private InetSocketAddress client;

    UdpAssociation(UdpRelay<S> relay, Object key, InetSocketAddress client, UdpServerProtocol.Session<S> session,
            String user) {
        ServerPort port = relay.port();
        this.relay = relay;
        this.key = key;
        this.client = client;
        this.session = session;
        this.user = user;
        this.meter = TrafficMeter.both(port.context().metrics().udpOpened(port.port(), user),
                port.limiter().quotaMeter(user));
        this.socket = new AssociationSocket(port.context().io(), relay.listener().eventLoop(),
                port.context().settings().common().udpTimeout(), this::replied, () -> {
                    relay.forget(this);
                    meter.closed();
                });
    }

    Object key() {
        return key;
    }

    String user() {
        return user;
    }

    UdpServerProtocol.Session<S> session() {
        return session;
    }

    void clientAddress(InetSocketAddress address) {
        client = address;
    }

    /** Has the outbound policy resolve and check the packet's target, then sends it. Takes ownership. */
    void send(ClientPacket<S> packet) {
        Future<InetSocketAddress> target = relay.port().context().outbound()
                .resolve(socket.channel().eventLoop(), packet.target());
        if (target.isDone()) {
            forward(target, packet.payload());
        } else {
            target.addListener(f -> forward(target, packet.payload()));
        }
    }

    private void forward(Future<InetSocketAddress> target, ByteBuf payload) {
        if (!target.isSuccess()) {
            payload.release();
            if (target.cause() instanceof OutboundRefusal refusal && refusal.reason() == OutboundRefusal.Reason.BLOCKED) {
                LOG.info("udp: packet from {} blocked, {}", HostAndPort.format(client), refusal.getMessage());
                relay.dropped(user, Failure.BLOCKED_TARGET);
            } else {
                LOG.debug("udp: {}", target.cause().getMessage());
                relay.dropped(user, Failure.DNS_FAILURE);
            }
            return;
        }
        int size = payload.readableBytes();
        if (socket.send(new DatagramPacket(payload, target.getNow()))) {
            meter.up(size);
        } else {
            relay.dropped(user, Failure.OVERLOAD);
        }
    }

    /** A reply from a target: sealed with its source address and sent to the client. */
    private void replied(ChannelHandlerContext ctx, DatagramPacket reply) {
        meter.down(reply.content().readableBytes());
        ByteBuf sealed = session.sealReply(ctx.alloc(), HostAndPort.unmapped(reply.sender()), reply.content());
        relay.reply(new DatagramPacket(sealed, client));
    }

    void close() {
        socket.close();
    }
}
