package dev.ssjvm.crypto;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * Salts, nonces and keys come from here: a DRBG per thread (NIST SP 800-90A, seeded from the system),
 * so event loops neither share a lock nor make a system call for every new session.
 */
public final class Randomness {
    private static final ThreadLocal<SecureRandom> PER_THREAD = ThreadLocal.withInitial(Randomness::newGenerator);

    private Randomness() {}

    public static SecureRandom current() {
        return PER_THREAD.get();
    }

    public static void nextBytes(byte[] out) {
        PER_THREAD.get().nextBytes(out);
    }

    private static SecureRandom newGenerator() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (NoSuchAlgorithmException e) {
            return new SecureRandom();
        }
    }
}
