package dev.ssjvm.service.local.tunnel;

import dev.ssjvm.core.address.HostAndPort;
import dev.ssjvm.service.acl.Acl;
import dev.ssjvm.service.local.LocalRelay;
import dev.ssjvm.service.local.ServerConnector;
import dev.ssjvm.service.relay.SetupStage;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The setup of a tunnel connection: connect through the server to the fixed target, then relay. */
final class TunnelHandler extends SetupStage {
    private static final Logger LOG = LoggerFactory.getLogger(TunnelHandler.class);

    private final ServerConnector connector;
    private final InetSocketAddress target;
    private final Acl acl;

    TunnelHandler(ServerConnector connector, InetSocketAddress target, Acl acl) {
        this.connector = connector;
        this.target = target;
        this.acl = acl;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        // Reading goes on while connecting: a client that speaks first has its request sent with the
        // header, in one chunk, with no header timer.
        connector.connect(ctx.channel().eventLoop(), target, acl).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                LOG.warn("cannot reach server for tunnel to {}: {}", HostAndPort.format(target), f.cause().getMessage());
                ctx.close();
                return;
            }
            if (!ctx.channel().isActive()) {
                f.channel().close();
                return;
            }
            LocalRelay.start(ctx.channel(), f.channel(), early, TunnelHandler.class);
        });
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf) {
            keepEarly(ctx, buf);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    protected void inputEnded(ChannelHandlerContext ctx) {
        early.markInputEnded();
    }
}
