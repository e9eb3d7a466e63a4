package dev.ssjvm.service.local.tunnel;

import dev.ssjvm.service.acl.Acl;
import dev.ssjvm.service.local.KnownTargetStage;
import dev.ssjvm.service.local.ServerConnector;
import io.netty.channel.ChannelHandlerContext;
import java.net.InetSocketAddress;

/** The setup of a tunnel connection: connect through the server to the fixed target, then relay. */
final class TunnelHandler extends KnownTargetStage {
    private final InetSocketAddress target;

    TunnelHandler(ServerConnector connector, InetSocketAddress target, Acl acl) {
        super(connector, acl);
        this.target = target;
    }

    @Override
    protected InetSocketAddress target(ChannelHandlerContext ctx) {
        return target;
    }

    @Override
    protected String what() {
        return "tunnel";
    }
}
