package dev.ssjvm.service.local.tunnel;

import dev.ssjvm.service.acl.Acl;
import dev.ssjvm.service.local.LocalContext;
import dev.ssjvm.service.local.UdpWay;
import dev.ssjvm.service.udp.AssociationsHandler;
import dev.ssjvm.service.udp.BatchedWriter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * UDP in tunnel mode ({@code -u -L host:port}, as {@code ss-tunnel -u}): every local client (by source
 * address) gets an association with the server; its datagrams go to the fixed target, and replies come
 * back to it bare, without an address. A local DNS forwarder is the classic use.
 */
final class UdpTunnel extends AssociationsHandler<InetSocketAddress, UdpWay> {
    private static final Logger LOG = LoggerFactory.getLogger(UdpTunnel.class);

    private final LocalContext context;
    private final InetSocketAddress target;
    private final Acl acl;
    private BatchedWriter replies;

    UdpTunnel(LocalContext context, InetSocketAddress target, Acl acl) {
        super(context.settings().common().udpMaxAssociations(), UdpWay::close, true);
        this.context = context;
        this.target = target;
        this.acl = acl;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        replies = new BatchedWriter(ctx.channel());
        ctx.fireChannelActive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        InetSocketAddress client = packet.sender();
        UdpWay upstream = associations.get(client);
        if (upstream == null) {
            UdpWay[] created = new UdpWay[1];
            created[0] = UdpWay.to(target, acl, context, ctx.channel().eventLoop(),
                    reply -> {
                        reply.payload().touch("udp tunnel reply");
                        replies.write(new DatagramPacket(reply.payload(), client));
                    },
                    () -> associations.remove(client, created[0]));
            upstream = created[0];
            associations.put(client, upstream);
            LOG.debug("udp tunnel: new association for {}", client);
        }
        upstream.send(target, packet.content().retain());
    }
}
