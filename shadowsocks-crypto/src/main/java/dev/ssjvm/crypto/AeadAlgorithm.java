package dev.ssjvm.crypto;

/** The AEAD constructions Shadowsocks uses, independent of key size and of who implements them. */
public enum AeadAlgorithm {
    AES_GCM(12, 16),
    CHACHA20_POLY1305(12, 16),
    /** ChaCha20-Poly1305 with a 24-byte nonce: HChaCha20 subkey from the first 16 nonce bytes. */
    XCHACHA20_POLY1305(24, 16),
    /** ChaCha20-Poly1305 reduced to 8 rounds, used by {@code 2022-blake3-chacha8-poly1305}. */
    CHACHA8_POLY1305(12, 16),
    /** XChaCha construction over ChaCha8, used for the UDP side of the ChaCha8 2022 method. */
    XCHACHA8_POLY1305(24, 16);

    private final int nonceSize;
    private final int tagSize;

    AeadAlgorithm(int nonceSize, int tagSize) {
        this.nonceSize = nonceSize;
        this.tagSize = tagSize;
    }

    public int nonceSize() {
        return nonceSize;
    }

    public int tagSize() {
        return tagSize;
    }
}
