package dev.ssjvm.core.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SaltPoolAndWindowTest {
    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        final AtomicLong millis = new AtomicLong(1_700_000_000_000L);

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }

        void advance(Duration d) {
            millis.addAndGet(d.toMillis());
        }
    }

    @Test
    void saltsAreRememberedForSixtySecondsExactly() {
        ManualClock clock = new ManualClock();
        SaltPool pool = new SaltPool(clock, 1000);
        byte[] salt = {1, 2, 3, 4};
        assertThat(pool.checkAndAdd(salt)).isTrue();
        assertThat(pool.checkAndAdd(salt.clone())).isFalse();
        clock.advance(Duration.ofSeconds(59));
        assertThat(pool.checkAndAdd(salt)).isFalse();
        clock.advance(Duration.ofSeconds(2));
        assertThat(pool.checkAndAdd(salt)).as("forgotten after 60 s").isTrue();
        assertThat(pool.size()).isEqualTo(1);
    }

    @Test
    void aFullPoolFailsClosed() {
        ManualClock clock = new ManualClock();
        SaltPool pool = new SaltPool(clock, 3);
        for (int i = 0; i < 3; i++) {
            assertThat(pool.checkAndAdd(new byte[] {(byte) i})).isTrue();
        }
        assertThat(pool.checkAndAdd(new byte[] {9})).isFalse();
        clock.advance(Duration.ofSeconds(61));
        assertThat(pool.checkAndAdd(new byte[] {9})).isTrue();
    }

    @Test
    void packetWindowRefusesDuplicatesAndTheTooOld() {
        PacketWindow w = new PacketWindow();
        assertThat(w.isFresh(0)).isTrue();
        w.accept(0);
        assertThat(w.isFresh(0)).isFalse();
        assertThat(w.isFresh(5)).isTrue();
        w.accept(5);
        assertThat(w.isFresh(3)).as("late but inside the window").isTrue();
        w.accept(3);
        assertThat(w.isFresh(3)).isFalse();
        w.accept(5000);
        assertThat(w.isFresh(5000 - PacketWindow.SIZE)).as("fell out of the window").isFalse();
        assertThat(w.isFresh(5000 - PacketWindow.SIZE + 1)).isTrue();
        assertThat(w.isFresh(4999)).isTrue();
        assertThat(w.isFresh(-1)).isFalse();
        // the window slides: a bit set long ago must not shadow a new id that maps to the same slot
        w.accept(5000 + PacketWindow.SIZE);
        assertThat(w.isFresh(5000 + PacketWindow.SIZE - 1)).isTrue();
    }
}
