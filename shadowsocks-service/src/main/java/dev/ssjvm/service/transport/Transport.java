package dev.ssjvm.service.transport;

import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ReflectiveChannelFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.kqueue.KQueue;
import io.netty.channel.kqueue.KQueueDatagramChannel;
import io.netty.channel.kqueue.KQueueEventLoopGroup;
import io.netty.channel.kqueue.KQueueServerSocketChannel;
import io.netty.channel.kqueue.KQueueSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.socket.InternetProtocolFamily;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.Socket;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Locale;

/**
 * The I/O transport, picked once at start as the Python original picked its event loop: native epoll
 * on Linux, kqueue on BSD and macOS, Java NIO everywhere else.
 *
 * <p>We stay on Netty 4.1: 4.2.18's epoll handler deletes an fd from the epoll set when its interest
 * set becomes empty but then modifies it as if it were still there (ENOENT), which kills half-closed
 * connections paused by back-pressure.
 */
public final class Transport {

    public enum Kind { EPOLL, KQUEUE, NIO }

    private static final ChannelFactory<EpollSocketChannel> IPV4_EPOLL =
            () -> new EpollSocketChannel(InternetProtocolFamily.IPv4);

    private final Kind kind;
    private final String fallbackReason;

    private Transport(Kind kind, String fallbackReason) {
        this.kind = kind;
        this.fallbackReason = fallbackReason;
    }

    /**
     * Sends FIN: shuts the output of a connection down. Call it on the channel's event loop, after
     * everything written has been flushed, and write nothing after it.
     *
     * <p>On epoll this goes to the socket directly. Netty's own path builds an exception with a stack
     * trace on every call, to fail writes queued behind the shutdown; a relay queues none, and on
     * short connections that exception costs a few percent of the CPU.
     */
    public static ChannelFuture shutdownOutput(DuplexChannel channel) {
        if (channel instanceof EpollSocketChannel epoll && epoll.fd() instanceof Socket socket) {
            try {
                socket.shutdown(false, true);
                return channel.newSucceededFuture();
            } catch (IOException e) {
                return channel.newFailedFuture(e);
            }
        }
        return channel.shutdownOutput();
    }

    /** The fastest transport available here. */
    public static Transport automatic() {
        if (Epoll.isAvailable()) {
            return new Transport(Kind.EPOLL, null);
        }
        if (KQueue.isAvailable()) {
            return new Transport(Kind.KQUEUE, null);
        }
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String reason = os.contains("linux") ? "epoll unavailable: " + Epoll.unavailabilityCause() : null;
        return new Transport(Kind.NIO, reason);
    }

    /**
     * @param name {@code auto}, {@code epoll}, {@code kqueue} or {@code nio}
     * @throws IllegalArgumentException if the named transport cannot run here
     */
    public static Transport named(String name) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "auto":
                return automatic();
            case "epoll":
                if (!Epoll.isAvailable()) {
                    throw new IllegalArgumentException("epoll is not available: " + Epoll.unavailabilityCause());
                }
                return new Transport(Kind.EPOLL, null);
            case "kqueue":
                if (!KQueue.isAvailable()) {
                    throw new IllegalArgumentException("kqueue is not available: " + KQueue.unavailabilityCause());
                }
                return new Transport(Kind.KQUEUE, null);
            case "nio":
                return new Transport(Kind.NIO, null);
            default:
                throw new IllegalArgumentException("unknown transport '" + name + "'; use auto, epoll, kqueue or nio");
        }
    }

    public Kind kind() {
        return kind;
    }

    /** For the startup log: the transport and, if we fell back to NIO on Linux, why. */
    public String describe() {
        String name = kind.name().toLowerCase(Locale.ROOT);
        return fallbackReason == null ? name : name + " (" + fallbackReason + ")";
    }

    /** @param threads 0 for one per available processor */
    public EventLoopGroup newEventLoopGroup(int threads, String threadPrefix) {
        int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        DefaultThreadFactory factory = new DefaultThreadFactory(threadPrefix, true);
        switch (kind) {
            case EPOLL:
                return new EpollEventLoopGroup(n, factory);
            case KQUEUE:
                return new KQueueEventLoopGroup(n, factory);
            default:
                return new NioEventLoopGroup(n, factory);
        }
    }

    public Class<? extends ServerSocketChannel> serverSocketChannel() {
        switch (kind) {
            case EPOLL:
                return EpollServerSocketChannel.class;
            case KQUEUE:
                return KQueueServerSocketChannel.class;
            default:
                return NioServerSocketChannel.class;
        }
    }

    public Class<? extends SocketChannel> socketChannel() {
        switch (kind) {
            case EPOLL:
                return EpollSocketChannel.class;
            case KQUEUE:
                return KQueueSocketChannel.class;
            default:
                return NioSocketChannel.class;
        }
    }

    /**
     * Channels for a connection to {@code target} from {@code bind} (either may be {@code null}):
     * on epoll, an AF_INET socket when both are IPv4. Netty's default is a dual-stack AF_INET6
     * socket, which costs an IPV6_V6ONLY setsockopt on every connection (strace,
     * {@code Connection: close} load).
     */
    public ChannelFactory<? extends SocketChannel> socketChannelTo(InetAddress target, InetAddress bind) {
        if (kind == Kind.EPOLL && target instanceof Inet4Address && (bind == null || bind instanceof Inet4Address)) {
            return IPV4_EPOLL;
        }
        return new ReflectiveChannelFactory<>(socketChannel());
    }

    public Class<? extends DatagramChannel> datagramChannel() {
        switch (kind) {
            case EPOLL:
                return EpollDatagramChannel.class;
            case KQUEUE:
                return KQueueDatagramChannel.class;
            default:
                return NioDatagramChannel.class;
        }
    }
}
