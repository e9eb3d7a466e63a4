package dev.ssjvm.crypto;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.Provider;
import java.security.Security;
import java.security.spec.AlgorithmParameterSpec;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Function;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AEAD ciphers from a JCA provider: the JDK's SunJCE (always present) or another provider such as
 * Conscrypt. XChaCha20-Poly1305 is built here from HChaCha20 and the provider's ChaCha20-Poly1305.
 * An {@link Aead} from here may be used from any thread, but not from two at once.
 */
public final class JcaBackend implements CryptoBackend {
    private static final String AES_GCM = "AES/GCM/NoPadding";
    private static final String CHACHA20_POLY1305 = "ChaCha20-Poly1305";

    private final String name;
    private final Provider provider;
    /**
     * One Cipher per thread and transformation, shared by every key used on that thread: each call
     * initialises the cipher with its key and nonce anyway, and a session stays on its event loop. A
     * session then holds only its key, and starting one costs no Cipher.getInstance.
     */
    private final ThreadLocal<Cipher> aesGcm;
    private final ThreadLocal<Cipher> chacha;
    private final Set<AeadAlgorithm> supported;
    private final Set<Integer> aesKeySizes = new java.util.HashSet<>();
    private final String chachaTransformation;

    /**
     * @param chachaTransformation the provider's name for ChaCha20-Poly1305 (providers disagree)
     */
    public JcaBackend(String name, Provider provider, String chachaTransformation) {
        this.name = name;
        this.provider = provider;
        this.chachaTransformation = chachaTransformation;
        this.aesGcm = ThreadLocal.withInitial(() -> newCipher(AES_GCM));
        this.chacha = ThreadLocal.withInitial(() -> newCipher(chachaTransformation));
        this.supported = EnumSet.noneOf(AeadAlgorithm.class);
        if (available(AES_GCM)) {
            supported.add(AeadAlgorithm.AES_GCM);
            for (int size : new int[] {16, 24, 32}) {
                if (acceptsAesKey(size)) {
                    aesKeySizes.add(size);
                }
            }
        }
        if (available(chachaTransformation)) {
            supported.add(AeadAlgorithm.CHACHA20_POLY1305);
            supported.add(AeadAlgorithm.XCHACHA20_POLY1305);
        }
    }

    /** The JDK's own provider, SunJCE. */
    public static JcaBackend jdk() {
        Provider sunJce = Security.getProvider("SunJCE");
        if (sunJce == null) {
            throw new IllegalStateException("the JDK provider SunJCE is missing");
        }
        return new JcaBackend("jdk", sunJce, CHACHA20_POLY1305);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean supports(AeadAlgorithm algorithm) {
        return supported.contains(algorithm);
    }

    @Override
    public boolean supports(AeadAlgorithm algorithm, int keySize) {
        return supports(algorithm) && (algorithm != AeadAlgorithm.AES_GCM || aesKeySizes.contains(keySize));
    }

    private boolean acceptsAesKey(int size) {
        try {
            newCipher(AES_GCM).init(Cipher.ENCRYPT_MODE, new SecretKeySpec(new byte[size], "AES"),
                    new GCMParameterSpec(128, new byte[12]));
            return true;
        } catch (GeneralSecurityException | IllegalStateException e) {
            return false;
        }
    }

    @Override
    public Aead newAead(AeadAlgorithm algorithm, byte[] key) {
        if (!supports(algorithm, key.length)) {
            throw new UnsupportedOperationException(name + " backend has no " + algorithm + " with "
                    + key.length + "-byte keys");
        }
        switch (algorithm) {
            case AES_GCM:
                if (key.length != 16 && key.length != 24 && key.length != 32) {
                    throw new IllegalArgumentException("AES-GCM key must be 16, 24 or 32 bytes, got " + key.length);
                }
                return new SingleKeyAead(aesGcm, algorithm, new SecretKeySpec(key, "AES"),
                        nonce -> new GCMParameterSpec(128, nonce));
            case CHACHA20_POLY1305:
                requireKey32(key);
                return new SingleKeyAead(chacha, algorithm, new SecretKeySpec(key, "ChaCha20"), IvParameterSpec::new);
            case XCHACHA20_POLY1305:
                requireKey32(key);
                return new XChaCha20Poly1305(chacha, key.clone());
            default:
                throw new UnsupportedOperationException(name + " backend has no " + algorithm);
        }
    }

    private static void requireKey32(byte[] key) {
        if (key.length != 32) {
            throw new IllegalArgumentException("ChaCha20 key must be 32 bytes, got " + key.length);
        }
    }

    private boolean available(String transformation) {
        try {
            newCipher(transformation);
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    private Cipher newCipher(String transformation) {
        try {
            return provider == null ? Cipher.getInstance(transformation) : Cipher.getInstance(transformation, provider);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(transformation + " is not available from " + name, e);
        }
    }

    @Override
    public String toString() {
        return name;
    }

    /** Shared seal/open over a JCA cipher; subclasses say which key and parameters each call uses. */
    private abstract static class JcaAead implements Aead {
        private final ThreadLocal<Cipher> ciphers;

        JcaAead(ThreadLocal<Cipher> ciphers) {
            this.ciphers = ciphers;
        }

        /** Initialises the calling thread's cipher with this key and {@code nonce}. */
        abstract void init(Cipher cipher, int mode, byte[] nonce) throws GeneralSecurityException;

        @Override
        public final void seal(byte[] nonce, ByteBuffer plaintext, ByteBuffer out) {
            checkNonce(nonce);
            Cipher cipher = ciphers.get();
            try {
                init(cipher, Cipher.ENCRYPT_MODE, nonce);
                cipher.doFinal(plaintext, out);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("seal failed: " + e.getMessage(), e);
            }
        }

        @Override
        public final void open(byte[] nonce, ByteBuffer ciphertext, ByteBuffer out) throws AEADBadTagException {
            checkNonce(nonce);
            if (ciphertext.remaining() < tagSize()) {
                throw new AEADBadTagException("ciphertext shorter than the tag");
            }
            int outPosition = out.position();
            Cipher cipher = ciphers.get();
            try {
                initForOpen(cipher, nonce);
                cipher.doFinal(ciphertext, out);
            } catch (AEADBadTagException e) {
                out.position(outPosition);
                throw e;
            } catch (GeneralSecurityException e) {
                out.position(outPosition);
                throw new IllegalStateException("open failed: " + e.getMessage(), e);
            }
        }

        /**
         * Some JDK ciphers refuse to be initialised twice in a row with the same key and nonce, even
         * to decrypt. Opening the same packet twice (a replay, or trying a packet against a session)
         * is legitimate, so step over the guard with a throwaway nonce.
         */
        private void initForOpen(Cipher cipher, byte[] nonce) throws GeneralSecurityException {
            try {
                init(cipher, Cipher.DECRYPT_MODE, nonce);
            } catch (InvalidKeyException | InvalidAlgorithmParameterException e) {
                byte[] other = nonce.clone();
                other[0] ^= 1;
                init(cipher, Cipher.DECRYPT_MODE, other);
                init(cipher, Cipher.DECRYPT_MODE, nonce);
            }
        }

        private void checkNonce(byte[] nonce) {
            if (nonce.length != nonceSize()) {
                throw new IllegalArgumentException(
                        algorithm() + " nonce must be " + nonceSize() + " bytes, got " + nonce.length);
            }
        }
    }

    /**
     * AES-GCM and ChaCha20-Poly1305: one key for every call; the nonce goes in as the cipher's
     * parameters, a GCM spec with a 128-bit tag or a plain IV.
     */
    private static final class SingleKeyAead extends JcaAead {
        private final AeadAlgorithm algorithm;
        private final SecretKeySpec key;
        private final Function<byte[], AlgorithmParameterSpec> parameters;

        SingleKeyAead(ThreadLocal<Cipher> ciphers, AeadAlgorithm algorithm, SecretKeySpec key,
                Function<byte[], AlgorithmParameterSpec> parameters) {
            super(ciphers);
            this.algorithm = algorithm;
            this.key = key;
            this.parameters = parameters;
        }

        @Override
        public AeadAlgorithm algorithm() {
            return algorithm;
        }

        @Override
        void init(Cipher cipher, int mode, byte[] nonce) throws GeneralSecurityException {
            cipher.init(mode, key, parameters.apply(nonce));
        }
    }

    private static final class XChaCha20Poly1305 extends JcaAead {
        private final byte[] key;
        private final byte[] innerNonce = new byte[12];

        XChaCha20Poly1305(ThreadLocal<Cipher> ciphers, byte[] key) {
            super(ciphers);
            this.key = key;
        }

        @Override
        public AeadAlgorithm algorithm() {
            return AeadAlgorithm.XCHACHA20_POLY1305;
        }

        @Override
        void init(Cipher cipher, int mode, byte[] nonce) throws GeneralSecurityException {
            byte[] subkey = HChaCha.subkey20(key, nonce, 0);
            System.arraycopy(nonce, 16, innerNonce, 4, 8);
            AlgorithmParameterSpec params = new IvParameterSpec(innerNonce);
            cipher.init(mode, new SecretKeySpec(subkey, "ChaCha20"), params);
        }
    }
}
