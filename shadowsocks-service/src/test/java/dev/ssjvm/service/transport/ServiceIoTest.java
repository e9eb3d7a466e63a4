package dev.ssjvm.service.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** Listening sockets of a service, on real loopback sockets. */
class ServiceIoTest {
    private static final ServiceIo.ListenOptions PLAIN = new ServiceIo.ListenOptions(true, false, false, null);

    private static ServiceIo io(int threads) {
        return new ServiceIo("test", null, threads, List.of(), false);
    }

    /** Binds an echo service that records which event loop served each connection. */
    private static InetSocketAddress echo(ServiceIo io, InetSocketAddress address, ServiceIo.ListenOptions options,
            Set<EventLoop> loops) throws IOException {
        return io.bindTcp(address, options, io.newChannelGroup("test"), ch -> {
            loops.add(ch.eventLoop());
            ch.pipeline().addLast(new Echo());
        }).address();
    }

    private static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.writeAndFlush(msg);
        }
    }

    private static void assertEchoes(InetSocketAddress address) throws IOException {
        try (Socket s = new Socket(address.getAddress(), address.getPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write(new byte[] {1, 2, 3});
            assertThat(in.readNBytes(3)).containsExactly(1, 2, 3);
        }
    }

    @Test
    void everyEventLoopAcceptsAndServesItsOwnConnectionsOnTheSamePort() throws Exception {
        Set<EventLoop> loops = ConcurrentHashMap.newKeySet();
        Set<EventLoop> acceptedElsewhere = ConcurrentHashMap.newKeySet();
        try (ServiceIo io = io(2)) {
            InetSocketAddress address = io.bindTcp(new InetSocketAddress("127.0.0.1", 0), PLAIN,
                    io.newChannelGroup("test"), ch -> {
                        loops.add(ch.eventLoop());
                        if (ch.parent().eventLoop() != ch.eventLoop()) {
                            acceptedElsewhere.add(ch.eventLoop());
                        }
                        ch.pipeline().addLast(new Echo());
                    }).address();
            assertThat(address.getPort()).isPositive();
            // the kernel spreads connections by a hash of their ports: 40 all on one of two loops
            // would happen about once in 10^12 runs
            for (int i = 0; i < 40; i++) {
                assertEchoes(address);
            }
            if (io.transport().kind() == Transport.Kind.EPOLL) {
                assertThat(loops).hasSize(2);
                assertThat(acceptedElsewhere).isEmpty(); // no hand-over from an acceptor thread
            }
        }
    }

    @Test
    void aPortSomeoneElseListensOnIsAnErrorNamingIt() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                ServiceIo io = io(2)) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", taken.getLocalPort());
            assertThatThrownBy(() -> echo(io, address, PLAIN, ConcurrentHashMap.newKeySet()))
                    .isInstanceOf(IOException.class)
                    .hasMessageStartingWith("cannot listen on 127.0.0.1:" + taken.getLocalPort() + " (tcp)");
        }
    }

    @Test
    void aSecondServiceOnTheSamePortIsAnErrorUnlessReusePortIsAsked() throws Exception {
        try (ServiceIo first = io(2); ServiceIo second = io(2)) {
            InetSocketAddress address = echo(first, new InetSocketAddress("127.0.0.1", 0), PLAIN,
                    ConcurrentHashMap.newKeySet());
            assertThatThrownBy(() -> echo(second, address, PLAIN, ConcurrentHashMap.newKeySet()))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("cannot listen on 127.0.0.1:" + address.getPort());
        }
        if (Transport.automatic().kind() != Transport.Kind.EPOLL) {
            return; // SO_REUSEPORT is only offered with epoll
        }
        ServiceIo.ListenOptions sharing = new ServiceIo.ListenOptions(true, true, false, null);
        try (ServiceIo first = io(2); ServiceIo second = io(2)) {
            InetSocketAddress address = echo(first, new InetSocketAddress("127.0.0.1", 0), sharing,
                    ConcurrentHashMap.newKeySet());
            assertThat(echo(second, address, sharing, ConcurrentHashMap.newKeySet())).isEqualTo(address);
            assertEchoes(address);
        }
    }

    @Test
    void closingAListenerStopsEverySocketOfIt() throws Exception {
        InetSocketAddress address;
        try (ServiceIo io = io(2)) {
            TcpListener listener = io.bindTcp(new InetSocketAddress("127.0.0.1", 0), PLAIN, io.newChannelGroup("test"),
                    ch -> ch.pipeline().addLast(new Echo()));
            address = listener.address();
            assertEchoes(address);
            listener.close();
            assertThatThrownBy(() -> assertEchoes(address)).isInstanceOf(IOException.class);
        }
        // nothing of ours is left on the port: a plain listener can take it
        try (ServerSocket again = new ServerSocket()) {
            again.setReuseAddress(true);
            again.bind(address);
            assertThat(again.getLocalPort()).isEqualTo(address.getPort());
        }
    }
}
