package dev.ssjvm.service.local;

import io.netty.channel.ChannelHandler;
import io.netty.channel.socket.SocketChannel;

/**
 * One local listener as its protocol serves it. {@link ShadowsocksLocal} binds what a front end asks
 * for, a TCP socket, a UDP socket or both on one port number, and knows nothing else about it.
 */
public interface FrontEnd {

    /** Whether this front end accepts TCP connections; then {@link #initTcp} sets each one up. */
    boolean tcp();

    /**
     * Builds the pipeline of an accepted connection. The idle timeout is already in place; the
     * handlers added here own the connection until they hand it to the relay.
     */
    void initTcp(SocketChannel channel);

    /** The handler of this front end's UDP socket, or {@code null} when it has none. */
    ChannelHandler newUdpHandler();

    /**
     * Whether its sockets are transparent (IP_TRANSPARENT; UDP also reports each datagram's original
     * destination): a TPROXY target. Epoll only.
     */
    default boolean transparent() {
        return false;
    }

    /** What it serves, for the startup log, e.g. {@code tunnel to 10.0.0.5:5432}. */
    String describe();
}
