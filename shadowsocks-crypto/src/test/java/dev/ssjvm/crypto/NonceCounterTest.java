package dev.ssjvm.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NonceCounterTest {
    @Test
    void incrementsLittleEndianWithCarry() {
        NonceCounter counter = new NonceCounter(12);
        for (int i = 0; i < 256; i++) {
            counter.increment();
        }
        assertThat(counter.current()).containsExactly(0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        counter.increment();
        assertThat(counter.current()).containsExactly(1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    @Test
    void wrapsAroundAtTheTop() {
        NonceCounter counter = new NonceCounter(2);
        byte[] nonce = counter.current();
        nonce[0] = (byte) 0xff;
        nonce[1] = (byte) 0xff;
        counter.increment();
        assertThat(counter.current()).containsExactly(0, 0);
    }
}
