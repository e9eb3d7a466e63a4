package dev.ssjvm.service.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssjvm.service.limits.Refusal;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** The slots' rules: per address the newcomer is refused; at the total the oldest makes room. */
class HandshakeSlotsTest {
    private static final InetAddress A = InetAddress.getLoopbackAddress();

    @Test
    void atTheTotalTheOldestIsResetToMakeRoom() throws Exception {
        HandshakeSlots slots = new HandshakeSlots();
        EmbeddedChannel first = new EmbeddedChannel();
        EmbeddedChannel second = new EmbeddedChannel();
        Refusal[] why = new Refusal[1];
        boolean[] evicted = new boolean[1];
        HandshakeSlots.Slot s1 = slots.acquire(first, A, 2, 10, why, evicted);
        slots.acquire(second, A, 2, 10, why, evicted);
        assertThat(evicted[0]).isFalse();
        HandshakeSlots.Slot s3 = slots.acquire(new EmbeddedChannel(), A, 2, 10, why, evicted);
        assertThat(s3).as("admitted").isNotNull();
        assertThat(evicted[0]).isTrue();
        first.runPendingTasks();
        assertThat(first.isOpen()).as("the oldest, reset").isFalse();
        assertThat(second.isOpen()).isTrue();
        assertThat(slots.total()).isEqualTo(2);
        slots.release(s1); // its close gives it back again: nothing happens
        assertThat(slots.total()).isEqualTo(2);
        slots.release(s3);
        assertThat(slots.total()).isEqualTo(1);
        assertThat(slots.addresses()).isEqualTo(1);
    }

    @Test
    void overItsAddressLimitTheNewcomerIsRefused() throws Exception {
        HandshakeSlots slots = new HandshakeSlots();
        Refusal[] why = new Refusal[1];
        boolean[] evicted = new boolean[1];
        EmbeddedChannel first = new EmbeddedChannel();
        slots.acquire(first, A, 2, 1, why, evicted);
        assertThat(slots.acquire(new EmbeddedChannel(), A, 2, 1, why, evicted)).isNull();
        assertThat(why[0]).isEqualTo(Refusal.HANDSHAKES_PER_IP);
        assertThat(evicted[0]).isFalse();
        first.runPendingTasks();
        assertThat(first.isOpen()).isTrue();
        assertThat(slots.acquire(new EmbeddedChannel(), InetAddress.getByAddress(new byte[] {127, 0, 0, 2}), 2, 1,
                why, evicted)).isNotNull();
        assertThat(slots.total()).isEqualTo(2);
    }
}
