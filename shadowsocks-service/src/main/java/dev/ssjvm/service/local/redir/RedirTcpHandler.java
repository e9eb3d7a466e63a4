package dev.ssjvm.service.local.redir;

import dev.ssjvm.core.address.HostAndPort;
import dev.ssjvm.service.acl.Acl;
import dev.ssjvm.service.local.LocalRelay;
import dev.ssjvm.service.local.ServerConnector;
import dev.ssjvm.service.relay.SetupStage;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The setup of a redirected connection: find where the client was going, connect there through the
 * server (or directly, when the ACL bypasses it), then relay. The client's first bytes are read
 * while connecting, so they leave with the request header.
 */
final class RedirTcpHandler extends SetupStage {
    private static final Logger LOG = LoggerFactory.getLogger(RedirTcpHandler.class);

    private final ServerConnector connector;
    private final Acl acl;

    RedirTcpHandler(ServerConnector connector, Acl acl) {
        this.connector = connector;
        this.acl = acl;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        SocketChannel channel = (SocketChannel) ctx.channel();
        InetSocketAddress listening = (InetSocketAddress) channel.parent().localAddress();
        InetSocketAddress target = OriginalDestination.of(channel, listening.getPort());
        if (RedirFrontEnd.isListener(target, listening)) {
            LOG.warn("redir: a connection from {} came to the redir port itself, not redirected; closed",
                    HostAndPort.format(HostAndPort.unmapped(channel.remoteAddress())));
            ctx.close();
            return;
        }
        LOG.debug("redir: {} -> {}", channel.remoteAddress(), target);
        connector.connect(ctx.channel().eventLoop(), target, acl).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                LOG.warn("redir: cannot reach {}: {}", HostAndPort.format(target), f.cause().getMessage());
                ctx.close();
                return;
            }
            if (!ctx.channel().isActive()) {
                f.channel().close();
                return;
            }
            LocalRelay.start(ctx.channel(), f.channel(), early, RedirTcpHandler.class);
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
