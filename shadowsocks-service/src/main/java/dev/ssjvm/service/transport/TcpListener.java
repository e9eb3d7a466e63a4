package dev.ssjvm.service.transport;

import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * A listening TCP address: one socket, or with epoll one socket per event loop on the same address
 * (see {@link ServiceIo#bindTcp}). Closing it stops accepting; accepted connections are not touched.
 */
public final class TcpListener {
    private final List<Channel> sockets;

    TcpListener(List<Channel> sockets) {
        this.sockets = List.copyOf(sockets);
    }

    /** The bound address (with port 0, the port the kernel chose). */
    public InetSocketAddress address() {
        return (InetSocketAddress) sockets.get(0).localAddress();
    }

    /** Stops accepting. Blocks the calling thread (never an event loop) until every socket is closed. */
    public void close() {
        for (Channel socket : sockets) {
            socket.close().awaitUninterruptibly();
        }
    }
}
