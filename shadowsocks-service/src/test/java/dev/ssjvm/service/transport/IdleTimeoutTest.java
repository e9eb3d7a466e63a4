package dev.ssjvm.service.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The idle timer of relayed connections, on real loopback sockets: silence closes, traffic either
 * way keeps the connection. Margins are wide; the assertions are about what happens, not how fast.
 */
class IdleTimeoutTest {
    private static final Duration TIMEOUT = Duration.ofMillis(400);

    private ServiceIo io;
    private InetSocketAddress address;
    /** The server side of each accepted connection, for tests that write from there. */
    private final BlockingQueue<Channel> accepted = new ArrayBlockingQueue<>(4);
    private final BlockingQueue<Long> idleEvents = new ArrayBlockingQueue<>(16);

    @BeforeEach
    void listen() throws IOException {
        io = new ServiceIo("idle-test", null, 1, List.of(), false);
        address = io.bindTcp(new InetSocketAddress("127.0.0.1", 0),
                new ServiceIo.ListenOptions(true, false, false, null), io.newChannelGroup("idle-test"), ch -> {
                    accepted.add(ch);
                    ch.pipeline().addLast(new IdleTimeout(TIMEOUT)).addLast(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            ReferenceCountUtil.release(msg);
                        }

                        @Override
                        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                            if (evt instanceof IdleStateEvent) {
                                idleEvents.add(System.nanoTime());
                                ctx.close();
                            }
                        }
                    });
                }).address();
    }

    @AfterEach
    void close() {
        io.close();
    }

    private Socket connect() throws IOException {
        Socket s = new Socket(address.getAddress(), address.getPort());
        s.setSoTimeout(10_000);
        return s;
    }

    @Test
    void aSilentConnectionIsClosedAfterTheTimeoutAndNotBefore() throws Exception {
        long start = System.nanoTime(); // before the connect: the server's timer starts at its accept
        try (Socket s = connect()) {
            assertThat(s.getInputStream().read()).isEqualTo(-1);
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TIMEOUT.toNanos());
            assertThat(idleEvents.poll(5, TimeUnit.SECONDS)).isNotNull();
        }
    }

    @Test
    void bytesFromTheClientKeepItOpen() throws Exception {
        try (Socket s = connect()) {
            for (int i = 0; i < 12; i++) { // 1.2 s of traffic, three timeouts' worth
                s.getOutputStream().write(i);
                Thread.sleep(100);
            }
            assertThat(idleEvents).isEmpty();
            assertThat(s.getInputStream().read()).isEqualTo(-1); // then silence closes it
        }
    }

    @Test
    void bytesTowardsTheClientKeepItOpen() throws Exception {
        try (Socket s = connect()) {
            Channel server = accepted.poll(5, TimeUnit.SECONDS);
            InputStream in = s.getInputStream();
            for (int i = 0; i < 12; i++) {
                server.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {(byte) i}));
                assertThat(in.read()).isEqualTo(i);
                Thread.sleep(100);
            }
            assertThat(idleEvents).isEmpty();
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    void aTimeoutMustBePositive() {
        assertThatThrownBy(() -> new IdleTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }
}
