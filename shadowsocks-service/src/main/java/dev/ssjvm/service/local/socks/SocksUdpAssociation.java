package dev.ssjvm.service.local.socks;

import dev.ssjvm.core.address.SocksAddressCodec;
import dev.ssjvm.core.protocol.ServerPacket;
import dev.ssjvm.service.acl.Acl;
import dev.ssjvm.service.local.DirectUdp;
import dev.ssjvm.service.local.LocalContext;
import dev.ssjvm.service.local.UdpUpstream;
import dev.ssjvm.service.local.UdpWay;
import dev.ssjvm.service.relay.SetupStage;
import dev.ssjvm.service.udp.BatchedWriter;
import dev.ssjvm.service.udp.Datagrams;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.socksx.v5.DefaultSocks5CommandResponse;
import io.netty.handler.codec.socksx.v5.Socks5AddressType;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import io.netty.util.ReferenceCountUtil;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SOCKS5 UDP ASSOCIATE (RFC 1928 section 7). Each association gets its own client-facing UDP socket,
 * so its packets are told apart by the socket they arrive on; the TCP control connection's life bounds
 * the association, and so does {@code udp_timeout} of silence. Only packets from the control
 * connection's client address are relayed; fragments (FRAG != 0) are dropped, as we do not reassemble.
 */
final class SocksUdpAssociation {
    private static final Logger LOG = LoggerFactory.getLogger(SocksUdpAssociation.class);

    private final Channel control;
    private final InetAddress clientIp;
    private final LocalContext context;
    private final Acl acl;
    private Channel socket;
    private BatchedWriter replies;
    /**
     * The ways out, each closed when idle and opened again when needed; the association ends when
     * the one left goes idle (or with the control connection). The way through the server opens at
     * once, so that its name is resolved before the first datagram; the direct one on the first
     * datagram to a target the ACL bypasses.
     */
    private UdpUpstream upstream;
    private DirectUdp direct;
    private boolean closed;
    private InetSocketAddress clientAddress;

    private SocksUdpAssociation(Channel control, LocalContext context, Acl acl) {
        this.control = control;
        this.context = context;
        this.acl = acl;
        this.clientIp = ((InetSocketAddress) control.remoteAddress()).getAddress();
    }

    /**
     * Opens the association for the SOCKS client on {@code control} and answers its request. The
     * control channel's pipeline is reduced to a watcher that ends the association when it closes.
     *
     * @param setupHandlers handlers of the SOCKS negotiation to take out of the control pipeline
     */
    static void start(Channel control, LocalContext context, Acl acl, Class<?>... setupHandlers) {
        SocksUdpAssociation association = new SocksUdpAssociation(control, context, acl);
        InetAddress localIp = ((InetSocketAddress) control.localAddress()).getAddress();
        context.io().udpBootstrap(control.eventLoop()).handler(association.new FromClient())
                .bind(new InetSocketAddress(localIp, 0))
                .addListener((ChannelFutureListener) bound -> {
                    if (!bound.isSuccess()) {
                        LOG.warn("udp: cannot open a socket for UDP ASSOCIATE: {}", bound.cause().getMessage());
                        control.writeAndFlush(new DefaultSocks5CommandResponse(Socks5CommandStatus.FAILURE,
                                Socks5AddressType.IPv4)).addListener(ChannelFutureListener.CLOSE);
                        return;
                    }
                    association.socket = bound.channel();
                    association.replies = new BatchedWriter(association.socket);
                    context.track(association.socket);
                    association.upstream();
                    association.socket.closeFuture().addListener(f -> association.close());
                    SetupStage.removeAll(control.pipeline(), setupHandlers);
                    control.pipeline().addLast("udp-control", association.new Control());
                    InetSocketAddress at = (InetSocketAddress) association.socket.localAddress();
                    control.writeAndFlush(new DefaultSocks5CommandResponse(Socks5CommandStatus.SUCCESS,
                            at.getAddress() instanceof Inet4Address ? Socks5AddressType.IPv4 : Socks5AddressType.IPv6,
                            at.getAddress().getHostAddress(), at.getPort()));
                    LOG.debug("{} UDP ASSOCIATE on {}", control.remoteAddress(), at);
                });
    }

    /** A reply from the server: wrapped in the SOCKS UDP header and sent to the client. */
    private void reply(ServerPacket packet) {
        if (clientAddress == null || socket == null || !socket.isActive()) {
            packet.payload().release();
            return;
        }
        ByteBuf out = socket.alloc().directBuffer(3 + SocksAddressCodec.encodedLength(packet.source())
                + packet.payload().readableBytes());
        out.writeZero(3); // RSV RSV FRAG
        SocksAddressCodec.encode(packet.source(), out);
        out.writeBytes(packet.payload());
        packet.payload().release();
        replies.write(new DatagramPacket(out, clientAddress));
    }

    private UdpUpstream upstream() {
        if (upstream == null) {
            upstream = new UdpUpstream(context, control.eventLoop(), this::reply, () -> {
                upstream = null;
                if (direct == null) {
                    close();
                }
            });
        }
        return upstream;
    }

    private DirectUdp direct() {
        if (direct == null) {
            direct = new DirectUdp(context, control.eventLoop(), this::reply, () -> {
                direct = null;
                if (upstream == null) {
                    close();
                }
            });
        }
        return direct;
    }

    private void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (socket != null) {
            Datagrams.close(socket);
        }
        if (upstream != null) {
            upstream.close();
        }
        if (direct != null) {
            direct.close();
        }
        control.close();
    }

    /** Datagrams from the SOCKS client: header checked and stripped, payload sent through the server. */
    private final class FromClient extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            InetSocketAddress sender = packet.sender();
            if (socket == null || closed) {
                return; // before our answer to UDP ASSOCIATE: nobody may send yet
            }
            if (!sender.getAddress().equals(clientIp) || (clientAddress != null && !clientAddress.equals(sender))) {
                return; // not our client
            }
            ByteBuf in = packet.content();
            if (in.readableBytes() < 4 || in.getByte(in.readerIndex() + 2) != 0) {
                return; // too short, or a fragment
            }
            in.skipBytes(3);
            InetSocketAddress target;
            try {
                target = SocksAddressCodec.decode(in);
            } catch (CorruptedFrameException e) {
                target = null;
            }
            if (target == null) {
                return;
            }
            clientAddress = sender;
            UdpWay way = UdpWay.route(target, acl) == Acl.Route.BYPASS ? direct() : upstream();
            way.send(target, in.retain());
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("udp: {}", cause.toString());
        }
    }

    /** Watches the TCP control connection: its end is the association's end. */
    private final class Control extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg); // nothing is expected on the control connection
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                close();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            close();
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            close();
        }
    }
}
