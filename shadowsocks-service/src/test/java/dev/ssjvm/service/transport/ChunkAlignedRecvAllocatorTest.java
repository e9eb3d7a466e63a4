package dev.ssjvm.service.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChunkAlignedRecvAllocatorTest {
    /** The sizes a handle asks for while reads keep filling (or not filling) its buffers. */
    private static List<Integer> guesses(int chunk, int reads, boolean fill) {
        RecvByteBufAllocator.Handle handle = new ChunkAlignedRecvAllocator(chunk).newHandle();
        handle.reset(new DefaultChannelConfig(new EmbeddedChannel()));
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < reads; i++) {
            int guess = handle.guess();
            out.add(guess);
            handle.attemptedBytesRead(guess);
            handle.lastBytesRead(fill ? guess : 10);
            handle.readComplete();
            handle.reset(new DefaultChannelConfig(new EmbeddedChannel()));
        }
        return out;
    }

    @Test
    void bulkReadsGrowInWholeSip004Chunks() {
        List<Integer> sizes = guesses(0x3FFF, 8, true);
        assertThat(sizes).startsWith(2048).contains(16383, 32766, 49149).endsWith(65532);
        assertThat(sizes.subList(1, sizes.size())).allMatch(s -> s % 0x3FFF == 0);
    }

    @Test
    void sip022ReadsAreOneWholeChunk() {
        assertThat(guesses(0xFFFF, 4, true)).endsWith(65535);
    }

    @Test
    void smallReadsShrinkBack() {
        RecvByteBufAllocator.Handle handle = new ChunkAlignedRecvAllocator(0x3FFF).newHandle();
        handle.reset(new DefaultChannelConfig(new EmbeddedChannel()));
        for (int i = 0; i < 6; i++) { // grow to the top; each round is one read loop of the channel
            handle.reset(new DefaultChannelConfig(new EmbeddedChannel()));
            handle.attemptedBytesRead(handle.guess());
            handle.lastBytesRead(handle.guess());
            handle.readComplete();
        }
        assertThat(handle.guess()).isEqualTo(65532);
        for (int i = 0; i < 12; i++) {
            handle.reset(new DefaultChannelConfig(new EmbeddedChannel()));
            handle.attemptedBytesRead(handle.guess());
            handle.lastBytesRead(100);
            handle.readComplete();
        }
        assertThat(handle.guess()).isEqualTo(512);
    }
}
