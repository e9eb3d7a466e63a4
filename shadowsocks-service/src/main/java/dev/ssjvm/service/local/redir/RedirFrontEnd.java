package dev.ssjvm.service.local.redir;

import dev.ssjvm.core.address.HostAndPort;
import dev.ssjvm.service.acl.Acl;
import dev.ssjvm.service.config.LocalListener;
import dev.ssjvm.service.config.Mode;
import dev.ssjvm.service.local.FrontEnd;
import dev.ssjvm.service.local.FrontEndFactory;
import dev.ssjvm.service.local.LocalContext;
import dev.ssjvm.service.transport.Transport;
import io.netty.channel.ChannelHandler;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * The transparent proxy of a Linux router or host ({@code --protocol redir}, as ss-redir): TCP
 * connections that the firewall sent here with TPROXY or REDIRECT, and UDP datagrams sent with
 * TPROXY, are relayed through the server to where they were going. Needs the epoll transport
 * (IP_TRANSPARENT, SO_ORIGINAL_DST, IP_RECVORIGDSTADDR) and CAP_NET_ADMIN for the transparent sockets.
 */
public final class RedirFrontEnd implements FrontEnd {
    private final LocalContext context;
    private final Acl acl;
    private final Mode mode;

    private RedirFrontEnd(LocalListener listener, LocalContext context) {
        this.context = context;
        this.acl = listener.acl();
        this.mode = context.settings().common().mode();
    }

    public static final class Factory implements FrontEndFactory {
        @Override
        public String protocol() {
            return LocalListener.REDIR;
        }

        @Override
        public FrontEnd create(LocalListener listener, LocalContext context) {
            if (listener.forwardTo() != null) {
                throw new IllegalArgumentException("a redir listener takes each connection's own destination;"
                        + " a fixed target is for a tunnel");
            }
            listener.refuseResolvers();
            if (!listener.users().isEmpty()) {
                throw new IllegalArgumentException("a redir listener has no authentication; users are for SOCKS"
                        + " listeners");
            }
            if (context.io().transport().kind() != Transport.Kind.EPOLL) {
                throw new IllegalArgumentException("redir (transparent proxy) needs the epoll transport on Linux;"
                        + " this one is " + context.io().transport().describe());
            }
            return new RedirFrontEnd(listener, context);
        }
    }

    /**
     * Whether {@code destination} is the redir socket itself: a client that connected to the port
     * directly, not through the firewall's rules. Relaying it would only reach the same port again.
     */
    static boolean isListener(InetSocketAddress destination, SocketAddress listening) {
        InetSocketAddress listener = HostAndPort.unmapped((InetSocketAddress) listening);
        if (destination.getPort() != listener.getPort()) {
            return false;
        }
        return destination.getAddress().equals(listener.getAddress())
                || (listener.getAddress().isAnyLocalAddress() && destination.getAddress().isLoopbackAddress());
    }

    @Override
    public boolean tcp() {
        return mode.tcp();
    }

    @Override
    public boolean transparent() {
        return true;
    }

    @Override
    public void initTcp(SocketChannel channel) {
        channel.pipeline().addLast("redir", new RedirTcpHandler(context.connector(), acl));
    }

    @Override
    public ChannelHandler newUdpHandler() {
        return mode.udp() ? new RedirUdp(context, acl) : null;
    }

    @Override
    public String describe() {
        return mode.udp() ? (mode.tcp() ? "transparent proxy (TCP: TPROXY or REDIRECT; UDP: TPROXY)"
                : "transparent proxy (UDP: TPROXY)") : "transparent proxy (TCP: TPROXY or REDIRECT)";
    }
}
