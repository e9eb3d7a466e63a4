package dev.ssjvm.crypto;

/**
 * A source of AEAD implementations: the JDK's own, or a faster native-backed one. Every backend must
 * pass the same known-answer tests; the relay never knows which one runs.
 */
public interface CryptoBackend {

    /** Short name used in logs and in the {@code --crypto-backend} flag, e.g. {@code jdk}. */
    String name();

    boolean supports(AeadAlgorithm algorithm);

    /** Whether keys of this size work too (BoringSSL, for one, has no AES-192). */
    default boolean supports(AeadAlgorithm algorithm, int keySize) {
        return supports(algorithm);
    }

    /**
     * Creates a cipher for one key.
     *
     * @throws IllegalArgumentException if the key size does not fit the algorithm
     * @throws UnsupportedOperationException if {@link #supports} is false for the algorithm
     */
    Aead newAead(AeadAlgorithm algorithm, byte[] key);
}
