package dev.ssjvm.service.local.tunnel;

import dev.ssjvm.core.address.HostAndPort;
import dev.ssjvm.service.acl.Acl;
import dev.ssjvm.service.config.LocalListener;
import dev.ssjvm.service.config.Mode;
import dev.ssjvm.service.local.FrontEnd;
import dev.ssjvm.service.local.FrontEndFactory;
import dev.ssjvm.service.local.LocalContext;
import io.netty.channel.ChannelHandler;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;

/**
 * The tunnel front end ({@code -L host:port}, as {@code ss-tunnel}): every TCP connection, and every
 * local UDP client, is relayed through the Shadowsocks server to one fixed target.
 */
public final class TunnelFrontEnd implements FrontEnd {
    private final LocalContext context;
    private final InetSocketAddress target;
    private final Acl acl;
    private final Mode mode;

    private TunnelFrontEnd(LocalListener listener, LocalContext context) {
        this.context = context;
        this.target = listener.forwardTo();
        this.acl = listener.acl();
        this.mode = context.settings().common().mode();
    }

    public static final class Factory implements FrontEndFactory {
        @Override
        public String protocol() {
            return LocalListener.TUNNEL;
        }

        @Override
        public FrontEnd create(LocalListener listener, LocalContext context) {
            if (listener.forwardTo() == null) {
                throw new IllegalArgumentException("a tunnel needs a target (-L host:port, or forward_address and"
                        + " forward_port)");
            }
            listener.refuseResolvers();
            if (!listener.users().isEmpty()) {
                throw new IllegalArgumentException("a tunnel has no authentication; users are for SOCKS and HTTP listeners");
            }
            return new TunnelFrontEnd(listener, context);
        }
    }

    @Override
    public boolean tcp() {
        return mode.tcp();
    }

    @Override
    public void initTcp(SocketChannel channel) {
        channel.pipeline().addLast("tunnel", new TunnelHandler(context.connector(), target, acl));
    }

    @Override
    public ChannelHandler newUdpHandler() {
        return mode.udp() ? new UdpTunnel(context, target, acl) : null;
    }

    @Override
    public String describe() {
        return (mode.udp() ? (mode.tcp() ? "TCP and UDP tunnel" : "UDP tunnel") : "tunnel") + " to "
                + HostAndPort.format(target);
    }
}
