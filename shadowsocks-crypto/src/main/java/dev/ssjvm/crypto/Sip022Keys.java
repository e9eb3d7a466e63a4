package dev.ssjvm.crypto;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** Keys of the 2022 edition (SIP022) and of its identity headers (SIP023). */
public final class Sip022Keys {
    public static final String SESSION_SUBKEY_CONTEXT = "shadowsocks 2022 session subkey";
    public static final String IDENTITY_SUBKEY_CONTEXT = "shadowsocks 2022 identity subkey";

    private Sip022Keys() {}

    /** {@code blake3::derive_key("shadowsocks 2022 session subkey", psk + salt)}, as long as the PSK. */
    public static byte[] sessionSubkey(byte[] psk, byte[] salt) {
        return Blake3.deriveKey(SESSION_SUBKEY_CONTEXT, concat(psk, salt), psk.length);
    }

    /** SIP023: {@code blake3::derive_key("shadowsocks 2022 identity subkey", iPSK + salt)}, as long as the iPSK. */
    public static byte[] identitySubkey(byte[] identityPsk, byte[] salt) {
        return Blake3.deriveKey(IDENTITY_SUBKEY_CONTEXT, concat(identityPsk, salt), identityPsk.length);
    }

    /** SIP023: the first 16 bytes of {@code blake3::hash(psk)}, which name a key in identity headers. */
    public static byte[] pskHash(byte[] psk) {
        return Blake3.hash(psk, 16);
    }

    /**
     * Decodes one base64 pre-shared key and checks its size.
     *
     * @throws IllegalArgumentException saying the expected size and how to generate a key; never
     *     repeating the key
     */
    public static byte[] decodePsk(CipherKind method, String base64) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(method + " needs a base64 key of " + method.keySize() + " bytes, and this"
                    + " is not base64; " + howToGenerate(method));
        }
        if (key.length != method.keySize()) {
            throw new IllegalArgumentException(method + " needs a base64 key of exactly " + method.keySize()
                    + " bytes, got " + key.length + " bytes; " + howToGenerate(method));
        }
        return key;
    }

    /**
     * Decodes a client's key chain, {@code PSK} or {@code iPSK:...:uPSK} (SIP023): the identity keys of
     * each relay or multi-user server on the way, first hop first, then the user's own key last.
     *
     * @throws IllegalArgumentException naming the part that is not a key of the method's size, or when
     *     identity keys are given for a method without identity headers
     */
    public static List<byte[]> decodeKeyChain(CipherKind method, String password) {
        String[] parts = password.split(":", -1);
        List<byte[]> keys = new ArrayList<>(parts.length);
        for (int i = 0; i < parts.length; i++) {
            try {
                keys.add(decodePsk(method, parts[i]));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(parts.length == 1 ? e.getMessage()
                        : "key " + (i + 1) + " of " + parts.length + " in iPSK:uPSK: " + e.getMessage(), e);
            }
        }
        if (keys.size() > 1 && !method.hasIdentityHeaders()) {
            throw new IllegalArgumentException(method + " has no identity headers (SIP023 needs an AES method);"
                    + " use a single key");
        }
        return keys;
    }

    /**
     * Decodes a server's key: exactly one PSK (the identity key on a multi-user port).
     *
     * @throws IllegalArgumentException when it is not one key of the method's size
     */
    public static byte[] decodeServerKey(CipherKind method, String password) {
        if (password.indexOf(':') >= 0) {
            throw new IllegalArgumentException("a server takes one key as its password (the identity key on a"
                    + " multi-user port); users and their keys go in 'users'");
        }
        return decodePsk(method, password);
    }

    public static String howToGenerate(CipherKind method) {
        return "generate one with 'ssurl genkey -m " + method + "' or 'openssl rand -base64 " + method.keySize() + "'";
    }

    /** A fresh random key for {@code method}, base64-encoded. */
    public static String generatePsk(CipherKind method) {
        byte[] key = new byte[method.keySize()];
        Randomness.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
