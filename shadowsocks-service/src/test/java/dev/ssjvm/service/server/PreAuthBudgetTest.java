package dev.ssjvm.service.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssjvm.core.protocol.ProtocolViolation;
import dev.ssjvm.service.testing.LeakCheck;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The pre-auth budget in front of a stand-in decoder that keeps whatever it is given, as a cumulation does. */
@ExtendWith(LeakCheck.class)
class PreAuthBudgetTest {

    /** Holds every buffer (like a decoder still waiting for a complete request) and records events. */
    private static final class Hoarder extends ChannelInboundHandlerAdapter {
        final List<ByteBuf> held = new ArrayList<>();
        final List<Object> events = new ArrayList<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            held.add((ByteBuf) msg);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            events.add(evt);
        }

        long bytes() {
            return held.stream().mapToLong(ByteBuf::readableBytes).sum();
        }
    }

    @Test
    void pastTheBudgetInputIsDroppedAndAViolationFired() {
        Hoarder decoder = new Hoarder();
        AtomicInteger spent = new AtomicInteger();
        EmbeddedChannel ch = new EmbeddedChannel(new PreAuthBudget(4096, spent::incrementAndGet), decoder);
        for (int i = 0; i < 100; i++) {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[1000]));
        }
        assertThat(decoder.bytes()).as("held by the decoder").isEqualTo(5000);
        assertThat(decoder.events).hasSize(1).first().isInstanceOf(ProtocolViolation.class);
        assertThat(((ProtocolViolation) decoder.events.get(0)).kind()).isEqualTo(ProtocolViolation.Kind.MALFORMED);
        assertThat(spent).as("counted once (ssjvm_limit_hits)").hasValue(1);
        decoder.held.forEach(ByteBuf::release);
        ch.finishAndReleaseAll();
    }

    @Test
    void aRequestWithinTheBudgetRemovesIt() {
        ChannelInboundHandlerAdapter requestStage = new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (ctx.pipeline().get(PreAuthBudget.class) != null) { // as ServerRequestHandler does
                    ctx.pipeline().remove(PreAuthBudget.class);
                }
                ctx.fireChannelRead(msg);
            }
        };
        EmbeddedChannel ch = new EmbeddedChannel(new PreAuthBudget(4096, () -> { }), requestStage);
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[1000]));
        assertThat(ch.pipeline().get(PreAuthBudget.class)).isNull();
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[10_000]));
        assertThat(ch.inboundMessages()).hasSize(2);
        ch.finishAndReleaseAll();
    }
}
