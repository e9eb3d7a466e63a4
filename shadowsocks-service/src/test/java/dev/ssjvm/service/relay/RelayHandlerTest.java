package dev.ssjvm.service.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssjvm.core.protocol.ProtocolViolation;
import dev.ssjvm.service.testing.LeakCheck;
import dev.ssjvm.service.testing.RecordingMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The relay between two embedded channels that stand for the client's and the target's sockets.
 * Back-pressure is a real outbound buffer over its high-water mark whose flushes are held back, as
 * a socket's would be while the kernel's send buffer is full.
 */
@ExtendWith(LeakCheck.class)
class RelayHandlerTest {

    /**
     * An embedded channel that, like a TCP socket, can have each direction shut down by itself (an
     * {@link EmbeddedChannel} is not a {@link DuplexChannel}, and the relay only half-closes those).
     */
    private static final class Socket extends EmbeddedChannel implements DuplexChannel {
        private boolean inputShutdown;
        private boolean outputShutdown;
        /** Bytes flushed out when the output was shut down, or -1. */
        private int flushedAtShutdown = -1;

        /** The remote end sent FIN: what a half-closable transport reports. */
        void receiveFin() {
            inputShutdown = true;
            pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        }

        @Override
        public boolean isInputShutdown() {
            return inputShutdown;
        }

        @Override
        public ChannelFuture shutdownInput() {
            return shutdownInput(newPromise());
        }

        @Override
        public ChannelFuture shutdownInput(ChannelPromise promise) {
            inputShutdown = true;
            return promise.setSuccess();
        }

        @Override
        public boolean isOutputShutdown() {
            return outputShutdown;
        }

        @Override
        public ChannelFuture shutdownOutput() {
            return shutdownOutput(newPromise());
        }

        @Override
        public ChannelFuture shutdownOutput(ChannelPromise promise) {
            outputShutdown = true;
            flushedAtShutdown = 0;
            for (Object msg : outboundMessages()) {
                flushedAtShutdown += ((ByteBuf) msg).readableBytes();
            }
            return promise.setSuccess();
        }

        @Override
        public boolean isShutdown() {
            return inputShutdown && outputShutdown;
        }

        @Override
        public ChannelFuture shutdown() {
            return shutdown(newPromise());
        }

        @Override
        public ChannelFuture shutdown(ChannelPromise promise) {
            inputShutdown = true;
            outputShutdown = true;
            return promise.setSuccess();
        }
    }

    /** Holds flushes back while closed, as a socket whose send buffer is full: writes stay queued. */
    private static final class Gate extends ChannelOutboundHandlerAdapter {
        private ChannelHandlerContext ctx;
        private boolean closed;
        private boolean held;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
            if (closed) {
                held = true;
            } else {
                ctx.flush();
            }
        }

        void close() {
            closed = true;
        }

        void open() {
            closed = false;
            if (held) {
                held = false;
                ctx.flush();
            }
        }
    }

    private final Socket client = new Socket();
    private final Socket target = new Socket();
    private final Gate targetGate = new Gate();
    private final RecordingMetrics.Meter meter = new RecordingMetrics.Meter(1, "alice");

    @AfterEach
    void release() {
        client.finishAndReleaseAll();
        target.finishAndReleaseAll();
    }

    /** Starts the relay as the setup stages do: both channels paused, the target just connected. */
    private void start(EarlyData early) {
        target.pipeline().addFirst("gate", targetGate);
        target.config().setWriteBufferWaterMark(new WriteBufferWaterMark(1024, 4096));
        client.config().setAutoRead(false);
        target.config().setAutoRead(false);
        Relay.start(client, target, early, meter);
    }

    private static ByteBuf ascii(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    }

    /** Everything flushed out of {@code ch} so far (and takes it). */
    private static byte[] written(EmbeddedChannel ch) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuf buf;
        while ((buf = ch.readOutbound()) != null) {
            out.writeBytes(ByteBufUtil.getBytes(buf));
            buf.release();
        }
        return out.toByteArray();
    }

    private static String writtenText(EmbeddedChannel ch) {
        return new String(written(ch), StandardCharsets.US_ASCII);
    }

    @Test
    void bytesAreCopiedBothWaysEarlyDataFirstAndMetered() {
        EarlyData early = new EarlyData();
        early.add(ascii("early "));
        start(early);

        assertThat(client.config().isAutoRead()).isTrue();
        assertThat(target.config().isAutoRead()).isTrue();
        assertThat(writtenText(target)).isEqualTo("early ");

        client.writeInbound(ascii("up"));
        target.writeInbound(ascii("down!"));

        assertThat(writtenText(target)).isEqualTo("up");
        assertThat(writtenText(client)).isEqualTo("down!");
        assertThat(meter.up()).isEqualTo(8);
        assertThat(meter.down()).isEqualTo(5);
        assertThat(meter.closedCalls()).isZero();
    }

    @Test
    void readingPausesWhileThePeerCannotTakeMoreAndResumesWhenItHasDrained() {
        start(new EarlyData());
        targetGate.close();

        client.writeInbound(Unpooled.wrappedBuffer(new byte[100]));
        assertThat(client.config().isAutoRead()).as("below the high-water mark").isTrue();

        client.writeInbound(Unpooled.wrappedBuffer(new byte[8192]));
        assertThat(target.isWritable()).isFalse();
        assertThat(client.config().isAutoRead()).isFalse();
        assertThat(target.config().isAutoRead()).as("the other direction is not held up").isTrue();
        assertThat(written(target)).isEmpty();

        targetGate.open();
        assertThat(written(target)).hasSize(8292);
        assertThat(target.isWritable()).isTrue();
        assertThat(client.config().isAutoRead()).isTrue();
    }

    @Test
    void endOfInputShutsThePeersOutputDownOnceWhatWasQueuedIsFlushed() {
        start(new EarlyData());
        targetGate.close();
        client.writeInbound(ascii("last words"));

        client.receiveFin();
        assertThat(target.isOutputShutdown()).as("still queued").isFalse();

        targetGate.open();
        assertThat(target.isOutputShutdown()).isTrue();
        assertThat(target.flushedAtShutdown).isEqualTo("last words".length());
        assertThat(writtenText(target)).isEqualTo("last words");

        // the other direction goes on
        assertThat(client.isOpen()).isTrue();
        assertThat(target.isOpen()).isTrue();
        target.writeInbound(ascii("reply"));
        assertThat(writtenText(client)).isEqualTo("reply");
    }

    @Test
    void aClientThatHalfClosedDuringSetupHasTheTargetShutAfterItsEarlyData() {
        EarlyData early = new EarlyData();
        early.add(ascii("request"));
        early.markInputEnded();

        start(early);

        assertThat(target.isOutputShutdown()).isTrue();
        assertThat(target.flushedAtShutdown).isEqualTo("request".length());
        assertThat(client.config().isAutoRead()).as("its input has ended: nothing to read").isFalse();
        assertThat(target.config().isAutoRead()).isTrue();
    }

    @Test
    void aChannelWhoseBothDirectionsEndedIsClosed() {
        start(new EarlyData());

        client.receiveFin();
        assertThat(target.isOutputShutdown()).isTrue();
        assertThat(client.isOpen()).isTrue();

        target.receiveFin();
        assertThat(target.isOpen()).isFalse(); // its input ended after its output
        assertThat(client.isOpen()).isFalse(); // its output would be shut after its input ended
        assertThat(meter.closedCalls()).isEqualTo(1);
    }

    @Test
    void whenOneSideClosesThePeerIsFlushedThenClosed() {
        start(new EarlyData());
        targetGate.close();
        client.writeInbound(ascii("bye"));

        client.close();
        assertThat(target.isOpen()).as("still flushing").isTrue();

        targetGate.open();
        assertThat(target.isOpen()).isFalse();
        assertThat(writtenText(target)).isEqualTo("bye");
        target.close();
        assertThat(meter.closedCalls()).isEqualTo(1);
    }

    @Test
    void aProtocolViolationDropsThePeerAndLeavesTheChannelToDrain() {
        start(new EarlyData());

        client.pipeline().fireUserEventTriggered(
                new ProtocolViolation(ProtocolViolation.Kind.MALFORMED, "bad chunk"));

        assertThat(target.isOpen()).isFalse();
        assertThat(client.isOpen()).as("left to its idle timeout").isTrue();
        ByteBuf late = ascii("late");
        client.writeInbound(late);
        assertThat(late.refCnt()).isZero();
        assertThat(meter.up()).isZero();

        client.receiveFin();
        assertThat(client.isOpen()).as("nothing more can arrive, so nothing is left to drain").isFalse();
        assertThat(meter.closedCalls()).isEqualTo(1);
    }

    @Test
    void idlenessClosesBothSides() {
        start(new EarlyData());

        target.pipeline().fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);

        assertThat(target.isOpen()).isFalse();
        assertThat(client.isOpen()).isFalse();
        assertThat(meter.closedCalls()).isEqualTo(1);
    }
}
