package dev.ssjvm.crypto;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Every encryption method this implementation speaks, by its Shadowsocks name, with its family (which
 * decides framing and key handling) and its sizes. Not every family need be AEAD: a method only has
 * an {@link #aead()} algorithm when {@link Family#isAead()} says so.
 */
public enum CipherKind {
    AES_128_GCM("aes-128-gcm", Family.AEAD_2017, AeadAlgorithm.AES_GCM, 16, 16),
    AES_192_GCM("aes-192-gcm", Family.AEAD_2017, AeadAlgorithm.AES_GCM, 24, 24),
    AES_256_GCM("aes-256-gcm", Family.AEAD_2017, AeadAlgorithm.AES_GCM, 32, 32),
    CHACHA20_IETF_POLY1305("chacha20-ietf-poly1305", Family.AEAD_2017, AeadAlgorithm.CHACHA20_POLY1305, 32, 32),
    XCHACHA20_IETF_POLY1305("xchacha20-ietf-poly1305", Family.AEAD_2017, AeadAlgorithm.XCHACHA20_POLY1305, 32, 32),
    BLAKE3_AES_128_GCM("2022-blake3-aes-128-gcm", Family.AEAD_2022, AeadAlgorithm.AES_GCM, 16, 16),
    BLAKE3_AES_256_GCM("2022-blake3-aes-256-gcm", Family.AEAD_2022, AeadAlgorithm.AES_GCM, 32, 32),
    BLAKE3_CHACHA20_POLY1305(
            "2022-blake3-chacha20-poly1305", Family.AEAD_2022, AeadAlgorithm.CHACHA20_POLY1305, 32, 32),
    BLAKE3_CHACHA8_POLY1305(
            "2022-blake3-chacha8-poly1305", Family.AEAD_2022, AeadAlgorithm.CHACHA8_POLY1305, 32, 32),
    // Legacy stream ciphers (no authentication): key and IV sizes as shadowsocks-libev and the original.
    AES_128_CFB("aes-128-cfb", Family.STREAM, null, 16, 16),
    AES_192_CFB("aes-192-cfb", Family.STREAM, null, 24, 16),
    AES_256_CFB("aes-256-cfb", Family.STREAM, null, 32, 16),
    AES_128_CTR("aes-128-ctr", Family.STREAM, null, 16, 16),
    AES_192_CTR("aes-192-ctr", Family.STREAM, null, 24, 16),
    AES_256_CTR("aes-256-ctr", Family.STREAM, null, 32, 16),
    CAMELLIA_128_CFB("camellia-128-cfb", Family.STREAM, null, 16, 16),
    CAMELLIA_192_CFB("camellia-192-cfb", Family.STREAM, null, 24, 16),
    CAMELLIA_256_CFB("camellia-256-cfb", Family.STREAM, null, 32, 16),
    CHACHA20_IETF("chacha20-ietf", Family.STREAM, null, 32, 12),
    CHACHA20("chacha20", Family.STREAM, null, 32, 8),
    SALSA20("salsa20", Family.STREAM, null, 32, 8),
    BF_CFB("bf-cfb", Family.STREAM, null, 16, 8),
    RC4_MD5("rc4-md5", Family.STREAM, null, 16, 16),
    /** The original's substitution table, built from the password itself; no IV. */
    TABLE("table", Family.STREAM, null, 0, 0),
    /** No encryption at all; the address header and payload travel in the clear. */
    NONE("none", Family.STREAM, null, 0, 0);

    /** The protocol generation a method belongs to; it decides framing and key handling. */
    public enum Family {
        /** SIP004: password through EVP_BytesToKey, HKDF-SHA1 session subkeys. */
        AEAD_2017(true),
        /** SIP022: base64 pre-shared key, BLAKE3 session subkeys, timestamps and replay protection. */
        AEAD_2022(true),
        /** The pre-2017 stream ciphers: EVP_BytesToKey key, a random IV per connection or packet, no tags. */
        STREAM(false);

        private final boolean aead;

        Family(boolean aead) {
            this.aead = aead;
        }

        /** Whether the methods of this family seal with an AEAD (tags, nonces), as opposed to a plain cipher. */
        public boolean isAead() {
            return aead;
        }
    }

    private final String methodName;
    private final Family family;
    private final AeadAlgorithm algorithm;
    private final int keySize;
    private final int saltSize;

    CipherKind(String methodName, Family family, AeadAlgorithm algorithm, int keySize, int saltSize) {
        this.methodName = methodName;
        this.family = family;
        this.algorithm = algorithm;
        this.keySize = keySize;
        this.saltSize = saltSize;
    }

    /** The name used in configs, URLs and on the command line, e.g. {@code aes-256-gcm}. */
    public String methodName() {
        return methodName;
    }

    public Family family() {
        return family;
    }

    /**
     * The AEAD construction of an AEAD method.
     *
     * @throws IllegalStateException for a method whose family is not AEAD
     */
    public AeadAlgorithm aead() {
        if (algorithm == null) {
            throw new IllegalStateException(methodName + " is not an AEAD method");
        }
        return algorithm;
    }

    public int keySize() {
        return keySize;
    }

    /** The per-session random prefix: the salt of the AEAD families, the IV of a stream cipher. */
    public int saltSize() {
        return saltSize;
    }

    /** The tag of each sealed chunk or packet (AEAD methods only). */
    public int tagSize() {
        return aead().tagSize();
    }

    /** The nonce of the AEAD (AEAD methods only). */
    public int nonceSize() {
        return aead().nonceSize();
    }

    /** Whether this is a legacy stream cipher: insecure (no authentication), only used when named. */
    public boolean isStream() {
        return family == Family.STREAM;
    }

    /** Whether several users can share a port (SIP023 identity headers, which are AES blocks). */
    public boolean hasIdentityHeaders() {
        return this == BLAKE3_AES_128_GCM || this == BLAKE3_AES_256_GCM;
    }

    /**
     * The AEAD used for SIP022 UDP packets: the same as for TCP except the ChaCha methods, whose UDP
     * packets use the XChaCha construction with a random 24-byte nonce.
     */
    public AeadAlgorithm udpAead() {
        if (family == Family.AEAD_2022) {
            if (algorithm == AeadAlgorithm.CHACHA20_POLY1305) {
                return AeadAlgorithm.XCHACHA20_POLY1305;
            }
            if (algorithm == AeadAlgorithm.CHACHA8_POLY1305) {
                return AeadAlgorithm.XCHACHA8_POLY1305;
            }
        }
        return aead();
    }

    @Override
    public String toString() {
        return methodName;
    }

    /** Looks a method up by name, case-insensitively, accepting the aliases other implementations use. */
    public static Optional<CipherKind> find(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        if (wanted.equals("chacha20-poly1305")) {
            wanted = CHACHA20_IETF_POLY1305.methodName;
        } else if (wanted.equals("xchacha20-poly1305")) {
            wanted = XCHACHA20_IETF_POLY1305.methodName;
        } else if (wanted.equals("plain")) {
            wanted = NONE.methodName;
        }
        for (CipherKind kind : values()) {
            if (kind.methodName.equals(wanted)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }

    /**
     * Looks a method up by name.
     *
     * @throws IllegalArgumentException naming the unknown method and listing the supported ones
     */
    public static CipherKind of(String name) {
        return find(name).orElseThrow(() -> new IllegalArgumentException(
                "unsupported method '" + name + "'; supported: " + supportedNames()));
    }

    /** The supported method names, comma-separated, in a stable order. */
    public static String supportedNames() {
        return Arrays.stream(values()).map(CipherKind::methodName).collect(Collectors.joining(", "));
    }
}
