package dev.ssjvm.service.server;

import static dev.ssjvm.service.server.ServerRequestHandlerTest.PORT;
import static dev.ssjvm.service.server.ServerRequestHandlerTest.tcp;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ssjvm.core.protocol.ProtocolViolation;
import dev.ssjvm.core.protocol.ProxyRequest;
import dev.ssjvm.service.metrics.Failure;
import dev.ssjvm.service.outbound.TargetRule;
import dev.ssjvm.service.relay.RelayHandler;
import dev.ssjvm.service.testing.LeakCheck;
import dev.ssjvm.service.testing.RecordingMetrics;
import dev.ssjvm.service.testing.TestDns;
import dev.ssjvm.service.testing.TestTarget;
import dev.ssjvm.service.transport.ServiceIo;
import dev.ssjvm.service.transport.TcpListener;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The request stage where it needs a real event loop: lookups and connects. Each test accepts one
 * loopback connection whose pipeline is the deadline and the request stage, and plays the codec by
 * firing its events on the connection's loop. Firing several in one loop task puts them before the
 * connect, which Netty always issues in a later task: that is what makes "while connecting"
 * deterministic here.
 */
@ExtendWith(LeakCheck.class)
class ServerRequestConnectTest {
    private static TestDns dns;
    private static ServiceIo io;
    private static TestTarget target;

    private final RecordingMetrics metrics = new RecordingMetrics();
    private final BlockingQueue<Channel> accepted = new LinkedBlockingQueue<>();
    private volatile List<TargetRule> rules = List.of();
    private ChannelGroup connections;
    private TcpListener listener;
    private Socket client;

    @BeforeAll
    static void start() throws IOException {
        dns = new TestDns().add("loopback.test", InetAddress.getLoopbackAddress());
        io = new ServiceIo("connect-test", null, 1, List.of(dns.address()), false);
        target = new TestTarget();
    }

    @AfterAll
    static void stop() throws IOException {
        io.close();
        target.close();
        dns.close();
    }

    @BeforeEach
    void listen() throws IOException {
        connections = io.newChannelGroup("connect-test");
        listener = io.bindTcp(new InetSocketAddress("127.0.0.1", 0),
                new ServiceIo.ListenOptions(true, false, false, null), connections, ch -> {
                    ch.pipeline()
                            .addLast("deadline", new HandshakeDeadline(Duration.ofSeconds(60)))
                            .addLast("request", ServerRequestHandlerTest.requestStage(io, rules, metrics));
                    accepted.add(ch);
                });
    }

    @AfterEach
    void close() throws IOException {
        if (client != null) {
            client.close();
        }
        listener.close();
        connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** Connects a client and returns the server side of its connection. */
    private Channel connect() throws Exception {
        client = new Socket(listener.address().getAddress(), listener.address().getPort());
        client.setSoTimeout(10_000);
        Channel ch = accepted.poll(5, TimeUnit.SECONDS);
        assertThat(ch).isNotNull();
        return ch;
    }

    private static void onLoop(Channel ch, Runnable task) throws Exception {
        ch.eventLoop().submit(task).get(5, TimeUnit.SECONDS);
    }

    private static <T> T onLoop(Channel ch, Callable<T> task) throws Exception {
        return ch.eventLoop().submit(task).get(5, TimeUnit.SECONDS);
    }

    private static ByteBuf ascii(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    }

    private String read(int n) throws IOException {
        return new String(client.getInputStream().readNBytes(n), StandardCharsets.US_ASCII);
    }

    @Test
    void payloadBehindTheRequestIsWrittenToTheTargetFirstThenTheRelayTakesOver() throws Exception {
        Channel ch = connect();
        onLoop(ch, () -> {
            ch.pipeline().fireChannelRead(new ProxyRequest(target.address(), "alice"));
            ch.pipeline().fireChannelRead(ascii("Ehello")); // 'E': the target echoes
        });

        assertThat(read(5)).isEqualTo("hello");
        client.getOutputStream().write(" world".getBytes(StandardCharsets.US_ASCII));
        assertThat(read(6)).isEqualTo(" world");

        assertThat(ch.pipeline().get(RelayHandler.class)).isNotNull();
        assertThat(ch.pipeline().get(ServerRequestHandler.class)).isNull();
        assertThat(ch.pipeline().get(HandshakeDeadline.class)).isNull();
        assertThat(metrics.failures()).isEmpty();
        assertThat(metrics.meters()).singleElement().satisfies(meter -> {
            assertThat(meter.port).isEqualTo(PORT);
            assertThat(meter.user).isEqualTo("alice");
            assertThat(meter.up()).isEqualTo("Ehello world".length()); // the early data counts too
            assertThat(meter.down()).isEqualTo("hello world".length());
        });
    }

    @Test
    void payloadKeptWhileConnectingIsReleasedWhenTheClientGoesAway() throws Exception {
        Channel ch = connect();
        ByteBuf early = ascii("Ehello");
        onLoop(ch, () -> {
            ch.pipeline().fireChannelRead(new ProxyRequest(target.address(), null));
            ch.pipeline().fireChannelRead(early);
            ch.close();
        });
        onLoop(ch, () -> { }); // the connect task queued before this one has run, and failed

        assertThat(early.refCnt()).isZero();
        // the client left while we were connecting: the target refused nothing
        assertThat(metrics.failures()).isEmpty();
        assertThat(metrics.meters()).isEmpty();
    }

    @Test
    void aViolationWhileConnectingDropsTheTargetAndTheClientKeepsDraining() throws Exception {
        Channel ch = connect();
        int reachedTarget = target.accepted();
        ByteBuf early = ascii("Ehello");
        onLoop(ch, () -> {
            ch.pipeline().fireChannelRead(new ProxyRequest(target.address(), "alice"));
            ch.pipeline().fireChannelRead(early);
            ch.pipeline().fireUserEventTriggered(new ProtocolViolation(ProtocolViolation.Kind.MALFORMED, "bad chunk"));
        });
        onLoop(ch, () -> { }); // the connect attempt has settled

        assertThat(early.refCnt()).isZero();
        assertThat(onLoop(ch, ch::isActive)).as("closed at the deadline, not when the target is dropped").isTrue();
        assertThat(onLoop(ch, () -> ch.config().isAutoRead())).isTrue();
        assertThat(metrics.failures()).containsExactly(tcp("alice", Failure.MALFORMED));
        assertThat(metrics.meters()).isEmpty();
        assertThat(target.accepted()).isEqualTo(reachedTarget);
    }

    @Test
    void aTargetThatRefusesIsCountedAndTheClientIsClosed() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort(); // free again once closed: nothing listens there
        }
        Channel ch = connect();
        onLoop(ch, () -> ch.pipeline().fireChannelRead(
                new ProxyRequest(new InetSocketAddress(InetAddress.getLoopbackAddress(), closedPort), "bob")));

        assertThat(client.getInputStream().read()).isEqualTo(-1);
        assertThat(metrics.failures()).containsExactly(tcp("bob", Failure.TARGET_REFUSED));
    }

    @Test
    void aNameThatDoesNotResolveIsADnsFailure() throws Exception {
        Channel ch = connect();
        onLoop(ch, () -> ch.pipeline().fireChannelRead(
                new ProxyRequest(InetSocketAddress.createUnresolved("nowhere.test", 80), null)));

        assertThat(client.getInputStream().read()).isEqualTo(-1);
        assertThat(metrics.failures()).containsExactly(tcp(null, Failure.DNS_FAILURE));
    }

    @Test
    void aNameThatResolvesToAForbiddenAddressIsBlocked() throws Exception {
        rules = List.of(ServerRequestHandlerTest.FORBIDDEN);
        Channel ch = connect();
        int reachedTarget = target.accepted();
        onLoop(ch, () -> ch.pipeline().fireChannelRead(
                new ProxyRequest(InetSocketAddress.createUnresolved("loopback.test", target.port()), null)));

        assertThat(client.getInputStream().read()).isEqualTo(-1);
        assertThat(metrics.failures()).containsExactly(tcp(null, Failure.BLOCKED_TARGET));
        assertThat(target.accepted()).isEqualTo(reachedTarget);
    }
}
