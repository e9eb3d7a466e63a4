package dev.ssjvm.service.local.tunnel;

import dev.ssjvm.service.local.LocalContext;
import dev.ssjvm.service.local.UdpUpstream;
import dev.ssjvm.service.udp.AssociationsHandler;
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
final class UdpTunnel extends AssociationsHandler<InetSocketAddress, UdpUpstream> {
    private static final Logger LOG = LoggerFactory.getLogger(UdpTunnel.class);

    private final LocalContext context;
    private final InetSocketAddress target;

    UdpTunnel(LocalContext context, InetSocketAddress target) {
        super(context.settings().common().udpMaxAssociations(), UdpUpstream::close, true);
        this.context = context;
        this.target = target;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        InetSocketAddress client = packet.sender();
        UdpUpstream upstream = associations.get(client);
        if (upstream == null) {
            UdpUpstream[] created = new UdpUpstream[1];
            created[0] = new UdpUpstream(context, ctx.channel().eventLoop(),
                    reply -> {
                        reply.payload().touch("udp tunnel reply");
                        ctx.writeAndFlush(new DatagramPacket(reply.payload(), client), ctx.voidPromise());
                    },
                    () -> associations.remove(client, created[0]));
            upstream = created[0];
            associations.put(client, upstream);
            LOG.debug("udp tunnel: new association for {}", client);
        }
        upstream.send(target, packet.content().retain());
    }
}
