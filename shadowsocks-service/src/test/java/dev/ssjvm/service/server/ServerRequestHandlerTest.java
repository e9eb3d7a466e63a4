package dev.ssjvm.service.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssjvm.core.protocol.ProtocolContext;
import dev.ssjvm.core.protocol.ProtocolViolation;
import dev.ssjvm.core.protocol.ProxyRequest;
import dev.ssjvm.core.replay.ReplayProtection;
import dev.ssjvm.crypto.AeadFactory;
import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.service.acl.IpRangeSet;
import dev.ssjvm.service.config.PortSettings;
import dev.ssjvm.service.config.ServerSettings;
import dev.ssjvm.service.metrics.Failure;
import dev.ssjvm.service.metrics.ServerMetrics;
import dev.ssjvm.service.outbound.OutboundPolicy;
import dev.ssjvm.service.outbound.TargetRule;
import dev.ssjvm.service.testing.LeakCheck;
import dev.ssjvm.service.testing.RecordingMetrics;
import dev.ssjvm.service.testing.RecordingMetrics.Report;
import dev.ssjvm.service.transport.ServiceIo;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The server's request stage on an embedded channel, with the handshake deadline in front of it as
 * on a real port; the test plays the codec (requests, violations, end of input). Everything that
 * ends the connection before a connect is here; what needs a real connect is in
 * {@link ServerRequestConnectTest}. The port and context are the real ones, built without binding.
 */
@ExtendWith(LeakCheck.class)
class ServerRequestHandlerTest {
    static final int PORT = 8388;
    private static final Duration DEADLINE = Duration.ofSeconds(10);
    static final TargetRule FORBIDDEN = TargetRule.addresses("forbidden_ip",
            IpRangeSet.parse(IpRangeSet.DEFAULT_FORBIDDEN));

    private static ServiceIo io;
    private final RecordingMetrics metrics = new RecordingMetrics();
    private EmbeddedChannel channel;

    @BeforeAll
    static void startIo() {
        io = new ServiceIo("request-test", null, 1, List.of(), false);
    }

    @AfterAll
    static void closeIo() {
        io.close();
    }

    @AfterEach
    void releaseChannel() {
        if (channel != null) {
            channel.finishAndReleaseAll();
        }
    }

    /** The request stage of an unbound port {@link #PORT}, on {@code io}, with these outbound rules. */
    static ServerRequestHandler requestStage(ServiceIo io, List<TargetRule> rules, ServerMetrics metrics) {
        ServerSettings settings = ServerSettings.builder().forbidden(IpRangeSet.empty()).build();
        ServerContext context = new ServerContext(settings, io,
                new ProtocolContext(AeadFactory.automatic(), ReplayProtection.forServer(Clock.systemUTC())),
                new OutboundPolicy(io.resolver(), rules), metrics);
        ServerPort port = new ServerPort(PortSettings.of("127.0.0.1", PORT, CipherKind.AES_128_GCM, "test-password"),
                context);
        return new ServerRequestHandler(port, context);
    }

    static Report tcp(String user, Failure failure) {
        return new Report(PORT, user, ServerMetrics.Protocol.TCP, failure);
    }

    private EmbeddedChannel channel(List<TargetRule> rules) {
        channel = new EmbeddedChannel();
        channel.freezeTime(); // the deadline moves only when a test moves the clock
        channel.pipeline()
                .addLast("deadline", new HandshakeDeadline(DEADLINE))
                .addLast("request", requestStage(io, rules, metrics));
        return channel;
    }

    private static void advance(EmbeddedChannel ch, Duration by) {
        ch.advanceTimeBy(by.toNanos(), TimeUnit.NANOSECONDS);
        ch.runScheduledPendingTasks();
    }

    @ParameterizedTest
    @CsvSource({"AUTHENTICATION, AUTHENTICATION", "REPLAY, REPLAY", "MALFORMED, MALFORMED"})
    void aViolationIsCountedOnceAndTheConnectionDrainsInsteadOfClosing(ProtocolViolation.Kind kind,
            Failure expected) {
        EmbeddedChannel ch = channel(List.of());
        ch.config().setAutoRead(false); // as a codec that paused reading would leave it
        ch.pipeline().fireUserEventTriggered(new ProtocolViolation(kind, "bad input"));
        // the codec discards from then on, but any later complaint is a consequence, not a new failure
        ch.pipeline().fireUserEventTriggered(new ProtocolViolation(ProtocolViolation.Kind.MALFORMED, "more"));

        ByteBuf junk = Unpooled.wrappedBuffer(new byte[100]);
        ch.writeInbound(junk);

        assertThat(ch.isOpen()).as("a prober must not see the close come early").isTrue();
        assertThat(ch.config().isAutoRead()).as("reading goes on, so the drain goes on").isTrue();
        assertThat(junk.refCnt()).as("drained bytes are dropped").isZero();
        assertThat(metrics.failures()).containsExactly(tcp(null, expected));
    }

    @Test
    void theDeadlineClosesAndCountsATimeoutWhenNothingElseWasReported() {
        EmbeddedChannel ch = channel(List.of());

        advance(ch, DEADLINE.minusMillis(1));
        assertThat(ch.isOpen()).isTrue();
        assertThat(metrics.failures()).isEmpty();

        advance(ch, Duration.ofMillis(1));
        assertThat(ch.isOpen()).isFalse();
        assertThat(metrics.failures()).containsExactly(tcp(null, Failure.TIMEOUT));
    }

    @Test
    void theDeadlineEndsADrainWithoutCountingItAgain() {
        EmbeddedChannel ch = channel(List.of());
        ch.pipeline().fireUserEventTriggered(new ProtocolViolation(ProtocolViolation.Kind.AUTHENTICATION, "bad tag"));

        advance(ch, DEADLINE);

        assertThat(ch.isOpen()).isFalse();
        assertThat(metrics.failures()).containsExactly(tcp(null, Failure.AUTHENTICATION));
    }

    @Test
    void endOfInputBeforeARequestIsMalformedAndCloses() {
        EmbeddedChannel ch = channel(List.of());

        ch.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);

        assertThat(ch.isOpen()).isFalse();
        assertThat(metrics.failures()).containsExactly(tcp(null, Failure.MALFORMED));
    }

    @Test
    void endOfInputWhileDrainingClosesWithoutCountingItAgain() {
        EmbeddedChannel ch = channel(List.of());
        ch.pipeline().fireUserEventTriggered(new ProtocolViolation(ProtocolViolation.Kind.REPLAY, "seen salt"));

        ch.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);

        assertThat(ch.isOpen()).isFalse(); // nothing more can arrive: there is nothing left to drain
        assertThat(metrics.failures()).containsExactly(tcp(null, Failure.REPLAY));
    }

    @Test
    void aForbiddenAddressIsCountedForItsUserAndClosedWithoutConnecting() {
        EmbeddedChannel ch = channel(List.of(FORBIDDEN));

        ch.writeInbound(new ProxyRequest(new InetSocketAddress(InetAddress.getLoopbackAddress(), 80), "alice"));

        assertThat(ch.isOpen()).isFalse();
        assertThat(ch.attr(ServerPort.USER).get()).isEqualTo("alice");
        // an embedded loop cannot connect: had the stage tried, TARGET_REFUSED would have come first
        assertThat(metrics.failures()).containsExactly(tcp("alice", Failure.BLOCKED_TARGET));
    }

    @Test
    void aBlockedNameIsRefusedBeforeAnyLookup() {
        TargetRule blockedNames = TargetRule.names("test names", host -> host.endsWith(".blocked.test"));
        EmbeddedChannel ch = channel(List.of(blockedNames));

        ch.writeInbound(new ProxyRequest(InetSocketAddress.createUnresolved("ads.blocked.test", 443), null));

        assertThat(ch.isOpen()).isFalse();
        // an embedded loop cannot run a lookup: had one been tried, this would not be BLOCKED_TARGET
        assertThat(metrics.failures()).containsExactly(tcp(null, Failure.BLOCKED_TARGET));
    }
}
