package dev.ssjvm.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class HChaChaTest {
    @Test
    void hchacha20DraftXChaChaSection2_2_1() {
        byte[] key = new byte[32];
        for (int i = 0; i < 32; i++) {
            key[i] = (byte) i;
        }
        byte[] nonce = HexFormat.of().parseHex("000000090000004a0000000031415927");
        assertThat(HexFormat.of().formatHex(HChaCha.subkey20(key, nonce, 0)))
                .isEqualTo("82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc");
    }
}
