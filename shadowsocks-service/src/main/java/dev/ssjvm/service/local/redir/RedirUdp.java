package dev.ssjvm.service.local.redir;

import dev.ssjvm.core.address.HostAndPort;
import dev.ssjvm.service.acl.Acl;
import dev.ssjvm.service.local.LocalContext;
import dev.ssjvm.service.local.UdpWay;
import dev.ssjvm.service.udp.AssociationsHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * UDP of the transparent proxy (TPROXY): the socket receives datagrams for any destination, each
 * with its original destination as {@code recipient()} (IP_RECVORIGDSTADDR). Every client and
 * destination pair gets its own association with the server; replies go back to the client from
 * the original destination (see {@link ReplySockets}), so the client cannot tell a proxy is there.
 */
final class RedirUdp extends AssociationsHandler<RedirUdp.Key, UdpWay> {
    private static final Logger LOG = LoggerFactory.getLogger(RedirUdp.class);

    record Key(InetSocketAddress client, InetSocketAddress destination) {}

    private final LocalContext context;
    private final Acl acl;
    private ReplySockets replies;
    private boolean warned;

    RedirUdp(LocalContext context, Acl acl) {
        super(context.settings().common().udpMaxAssociations(), UdpWay::close, true);
        this.context = context;
        this.acl = acl;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        replies = new ReplySockets(context.io(), ctx.channel().eventLoop(), context.settings().common().udpTimeout(),
                context.settings().common().udpMaxAssociations());
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (replies != null) {
            replies.closeAll();
        }
        super.channelInactive(ctx);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        InetSocketAddress client = HostAndPort.unmapped(packet.sender());
        InetSocketAddress destination = packet.recipient() == null ? null : HostAndPort.unmapped(packet.recipient());
        if (destination == null || RedirFrontEnd.isListener(destination, ctx.channel().localAddress())) {
            if (!warned) { // once: a misrouted client could send many
                warned = true;
                LOG.warn("redir: a UDP datagram from {} came to the redir port itself, not through TPROXY; dropped"
                        + " (and the like after it)", HostAndPort.format(client));
            }
            return;
        }
        Key key = new Key(client, destination);
        UdpWay upstream = associations.get(key);
        if (upstream == null) {
            UdpWay[] created = new UdpWay[1];
            created[0] = UdpWay.to(destination, acl, context, ctx.channel().eventLoop(),
                    reply -> replies.send(destination, client, reply.payload().touch("redir udp reply")),
                    () -> associations.remove(key, created[0]));
            upstream = created[0];
            associations.put(key, upstream);
            LOG.debug("redir udp: new association {} -> {}", client, destination);
        }
        upstream.send(destination, packet.content().retain());
    }
}
