package dev.ssjvm.service.local;

import dev.ssjvm.core.address.HostAndPort;
import dev.ssjvm.service.acl.Acl;
import dev.ssjvm.service.relay.SetupStage;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The setup of a connection whose target is known as soon as it is accepted (a tunnel's fixed target,
 * a redirected connection's original destination): connect through the connector (to a server, or
 * directly when the ACL bypasses the target), then relay. Reading goes on while connecting, so a
 * client that speaks first has its request sent with the header, in one chunk, with no header timer.
 */
public abstract class KnownTargetStage extends SetupStage {
    private static final Logger LOG = LoggerFactory.getLogger(KnownTargetStage.class);

    private final ServerConnector connector;
    private final Acl acl;

    protected KnownTargetStage(ServerConnector connector, Acl acl) {
        this.connector = connector;
        this.acl = acl;
    }

    /** Where this connection goes, or {@code null} to close it (the subclass has logged why). */
    protected abstract InetSocketAddress target(ChannelHandlerContext ctx);

    /** What this front end is, for log lines ({@code tunnel}, {@code redir}). */
    protected abstract String what();

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        InetSocketAddress target = target(ctx);
        if (target == null) {
            ctx.close();
            return;
        }
        connector.connect(ctx.channel().eventLoop(), target, acl).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                LOG.warn("{}: cannot reach {}: {}", what(), HostAndPort.format(target), f.cause().getMessage());
                ctx.close();
                return;
            }
            if (!ctx.channel().isActive()) {
                f.channel().close();
                return;
            }
            LocalRelay.start(ctx.channel(), f.channel(), early, getClass());
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
