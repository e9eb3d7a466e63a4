package dev.ssjvm.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CipherKindTest {
    @Test
    void sip004Sizes() {
        assertThat(CipherKind.of("aes-128-gcm").keySize()).isEqualTo(16);
        assertThat(CipherKind.of("aes-128-gcm").saltSize()).isEqualTo(16);
        assertThat(CipherKind.of("aes-192-gcm").saltSize()).isEqualTo(24);
        assertThat(CipherKind.of("aes-256-gcm").saltSize()).isEqualTo(32);
        assertThat(CipherKind.of("chacha20-ietf-poly1305").nonceSize()).isEqualTo(12);
        assertThat(CipherKind.of("xchacha20-ietf-poly1305").nonceSize()).isEqualTo(24);
        assertThat(CipherKind.of("XChaCha20-IETF-Poly1305")).isEqualTo(CipherKind.XCHACHA20_IETF_POLY1305);
        assertThat(CipherKind.of("chacha20-poly1305")).isEqualTo(CipherKind.CHACHA20_IETF_POLY1305);
    }

    @Test
    void unknownMethodNamesItAndListsTheSupportedOnes() {
        assertThatThrownBy(() -> CipherKind.of("rot13"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'rot13'")
                .hasMessageContaining("aes-256-gcm")
                .hasMessageContaining("xchacha20-ietf-poly1305")
                .hasMessageContaining("2022-blake3-aes-256-gcm");
    }
}
