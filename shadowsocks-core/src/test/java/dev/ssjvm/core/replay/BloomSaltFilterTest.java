package dev.ssjvm.core.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class BloomSaltFilterTest {
    @Test
    void remembersRecentSaltsAndForgetsOldOnes() {
        BloomSaltFilter filter = new BloomSaltFilter(1000);
        Random random = new Random(1);
        byte[][] salts = new byte[3000][];
        for (int i = 0; i < salts.length; i++) {
            salts[i] = new byte[32];
            random.nextBytes(salts[i]);
        }
        int falsePositives = 0;
        for (int i = 0; i < 1000; i++) {
            if (!filter.checkAndAdd(salts[i])) {
                falsePositives++;
            }
        }
        assertThat(falsePositives).isZero();
        for (int i = 0; i < 1000; i++) {
            assertThat(filter.checkAndAdd(salts[i])).as("replay of salt %d", i).isFalse();
        }
        // two more generations push the first thousand out
        for (int i = 1000; i < 3000; i++) {
            filter.checkAndAdd(salts[i]);
        }
        assertThat(filter.checkAndAdd(salts[2999])).isFalse();
        int forgotten = 0;
        for (int i = 0; i < 1000; i++) {
            if (filter.checkAndAdd(salts[i].clone())) {
                forgotten++;
            }
        }
        assertThat(forgotten).isGreaterThan(0);
    }

    @Test
    void aFreshSaltIsTakenForAReplayNoMoreOftenThanTheDesignRate() {
        // 2 million fresh salts through a small filter (a thousand per generation): at the design rate
        // (about 1e-7 with a full generation) that is well under one refusal; plain double hashing
        // refused about twenty, each a real client treated as a replay
        BloomSaltFilter filter = new BloomSaltFilter(1000);
        Random random = new Random(2);
        byte[] salt = new byte[32];
        int refused = 0;
        for (int i = 0; i < 2_000_000; i++) {
            random.nextBytes(salt);
            if (!filter.checkAndAdd(salt)) {
                refused++;
            }
        }
        assertThat(refused).isLessThanOrEqualTo(5);
    }
}
