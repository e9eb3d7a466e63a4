package dev.ssjvm.service.local.redir;

import dev.ssjvm.core.address.HostAndPort;
import dev.ssjvm.service.acl.Acl;
import dev.ssjvm.service.local.KnownTargetStage;
import dev.ssjvm.service.local.ServerConnector;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The setup of a redirected connection: find where the client was going, connect there through the
 * server (or directly, when the ACL bypasses it), then relay ({@link KnownTargetStage}).
 */
final class RedirTcpHandler extends KnownTargetStage {
    private static final Logger LOG = LoggerFactory.getLogger(RedirTcpHandler.class);

    RedirTcpHandler(ServerConnector connector, Acl acl) {
        super(connector, acl);
    }

    @Override
    protected InetSocketAddress target(ChannelHandlerContext ctx) {
        SocketChannel channel = (SocketChannel) ctx.channel();
        InetSocketAddress listening = channel.parent().localAddress();
        InetSocketAddress target = OriginalDestination.of(channel, listening.getPort());
        if (RedirFrontEnd.isListener(target, listening)) {
            LOG.warn("redir: a connection from {} came to the redir port itself, not redirected; closed",
                    HostAndPort.format(HostAndPort.unmapped(channel.remoteAddress())));
            return null;
        }
        LOG.debug("redir: {} -> {}", channel.remoteAddress(), target);
        return target;
    }

    @Override
    protected String what() {
        return "redir";
    }
}
