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
}
