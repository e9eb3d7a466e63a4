package dev.ssjvm.service.local;

import dev.ssjvm.core.protocol.ServerPacket;
import dev.ssjvm.service.acl.Acl;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.util.function.Consumer;

/**
 * One local UDP association's way out: through a Shadowsocks server ({@link UdpUpstream}) or, for a
 * target the listener's ACL bypasses, straight to it ({@link DirectUdp}). Replies come to the
 * {@code onReply} given at creation, as packets from their source; {@code onClose} runs once the way
 * has closed (idle timeout, or {@link #close}).
 */
public interface UdpWay {

    /** Sends {@code payload} to {@code target}. Takes ownership of the payload. */
    void send(InetSocketAddress target, ByteBuf payload);

    void close();

    /**
     * The way for an association with one target (a tunnel's, a redirected destination): direct when
     * the ACL bypasses it by its address or a name rule; a name no name rule matches takes the default
     * route, as UDP looks nothing up to decide.
     */
    static UdpWay to(InetSocketAddress target, Acl acl, LocalContext context, EventLoop loop,
            Consumer<ServerPacket> onReply, Runnable onClose) {
        return route(target, acl) == Acl.Route.BYPASS
                ? new DirectUdp(context, loop, onReply, onClose)
                : new UdpUpstream(context, loop, onReply, onClose);
    }

    /** Where a datagram to {@code target} goes, told without a lookup. */
    static Acl.Route route(InetSocketAddress target, Acl acl) {
        Acl.Route route = acl.routeWithoutLookup(target);
        return route != null ? route : acl.defaultRoute();
    }
}
