package dev.ssjvm.crypto;

import java.util.EnumSet;
import java.util.Set;

/**
 * ChaCha-Poly1305 written in Java ({@link ChaChaPoly1305}): the only source of the reduced-round
 * ChaCha8 variants, and a last resort for ChaCha20 where no provider has it. Slower than the JDK's
 * intrinsics, so it comes last in the automatic choice.
 */
public final class JavaBackend implements CryptoBackend {
    private static final Set<AeadAlgorithm> SUPPORTED = EnumSet.of(AeadAlgorithm.CHACHA20_POLY1305,
            AeadAlgorithm.XCHACHA20_POLY1305, AeadAlgorithm.CHACHA8_POLY1305, AeadAlgorithm.XCHACHA8_POLY1305);

    @Override
    public String name() {
        return "java";
    }

    @Override
    public boolean supports(AeadAlgorithm algorithm) {
        return SUPPORTED.contains(algorithm);
    }

    @Override
    public Aead newAead(AeadAlgorithm algorithm, byte[] key) {
        switch (algorithm) {
            case CHACHA20_POLY1305:
                return new ChaChaPoly1305(algorithm, key, 20, false);
            case XCHACHA20_POLY1305:
                return new ChaChaPoly1305(algorithm, key, 20, true);
            case CHACHA8_POLY1305:
                return new ChaChaPoly1305(algorithm, key, 8, false);
            case XCHACHA8_POLY1305:
                return new ChaChaPoly1305(algorithm, key, 8, true);
            default:
                throw new UnsupportedOperationException("java backend has no " + algorithm);
        }
    }

    @Override
    public String toString() {
        return name();
    }
}
