package dev.ssjvm.service.local.dns;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The front end's UDP socket: each datagram is one query, answered to the address it came from. */
final class DnsUdpHandler extends SimpleChannelInboundHandler<DatagramPacket> {
    private static final Logger LOG = LoggerFactory.getLogger(DnsUdpHandler.class);

    private final DnsForwarder forwarder;

    DnsUdpHandler(DnsForwarder forwarder) {
        this.forwarder = forwarder;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        InetSocketAddress client = packet.sender();
        // a copy: the query outlives this read (it may be sent again over TCP), and queries are small
        byte[] query = ByteBufUtil.getBytes(packet.content());
        forwarder.answer(ctx.channel().eventLoop(), query, false, answer ->
                ctx.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(answer), client), ctx.voidPromise()));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("dns: udp: {}", cause.toString()); // a client gone (ICMP unreachable): the socket lives on
    }
}
