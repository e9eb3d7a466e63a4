package dev.ssjvm.service.local.redir;

import dev.ssjvm.core.address.HostAndPort;
import io.netty.channel.ChannelException;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Where a redirected TCP connection was going. REDIRECT (DNAT to the local port) leaves the original
 * destination in the connection tracking table, read with getsockopt SO_ORIGINAL_DST: Netty's epoll
 * socket passes any option through ({@code Socket.getRawOpt}), so no native code of ours is needed.
 * TPROXY changes no address: the accepted socket's local address is the original destination, and
 * conntrack, when it tracks the connection, says the same. Both come to one port; which one brought
 * a connection needs no setting.
 */
final class OriginalDestination {
    /** linux/netfilter_ipv4.h; the IPv6 one (linux/netfilter_ipv6/ip6_tables.h) has the same number. */
    private static final int SO_ORIGINAL_DST = 80;
    private static final int SOL_IP = 0;
    private static final int SOL_IPV6 = 41;
    private static final int SOCKADDR_IN = 16;
    private static final int SOCKADDR_IN6 = 28;

    private OriginalDestination() {}

    /**
     * The original destination of an accepted connection; plain address, never IPv4-mapped.
     *
     * @param listenerPort the redir port: REDIRECT always rewrites the destination port to it, so a
     *     connection on another port came by TPROXY and needs no system call to tell
     */
    static InetSocketAddress of(SocketChannel channel, int listenerPort) {
        InetSocketAddress local = HostAndPort.unmapped(channel.localAddress());
        if (local.getPort() == listenerPort && channel instanceof EpollSocketChannel epoll
                && epoll.fd() instanceof Socket socket) {
            boolean v4 = local.getAddress() instanceof Inet4Address;
            ByteBuffer raw = ByteBuffer.allocate(v4 ? SOCKADDR_IN : SOCKADDR_IN6);
            try {
                socket.getRawOpt(v4 ? SOL_IP : SOL_IPV6, SO_ORIGINAL_DST, raw);
                InetSocketAddress original = parse(raw.flip(), v4);
                // Untracked on the way in (notrack), the connection got an entry from our own SYN-ACK,
                // whose original direction is towards the client: that answer is the client itself.
                if (!original.equals(HostAndPort.unmapped(channel.remoteAddress()))) {
                    return original;
                }
            } catch (IOException | ChannelException notTracked) {
                // ENOENT, no conntrack entry (TPROXY without connection tracking): the local address is the
                // answer. Netty wraps the error in a ChannelException.
            }
        }
        return local;
    }

    /** A {@code struct sockaddr_in} or {@code sockaddr_in6}: family in host order, then port and address in network order. */
    static InetSocketAddress parse(ByteBuffer raw, boolean v4) throws UnknownHostException {
        raw.order(ByteOrder.BIG_ENDIAN);
        int port = raw.getShort(2) & 0xffff;
        byte[] ip = new byte[v4 ? 4 : 16];
        raw.get(v4 ? 4 : 8, ip);
        return HostAndPort.unmapped(new InetSocketAddress(InetAddress.getByAddress(ip), port));
    }
}
