package dev.ssjvm.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** The key derivations of SIP004: EVP_BytesToKey for the master key, HKDF-SHA1 for session subkeys. */
public final class Kdf {
    /** The HKDF info string of SIP004. */
    public static final byte[] SS_SUBKEY_INFO = "ss-subkey".getBytes(StandardCharsets.US_ASCII);

    private Kdf() {}

    /**
     * OpenSSL's {@code EVP_BytesToKey} with MD5, one iteration and no salt, as every Shadowsocks
     * implementation uses to turn a password into a master key.
     */
    public static byte[] evpBytesToKey(byte[] password, int keySize) {
        MessageDigest md5 = newDigest("MD5");
        byte[] key = new byte[keySize];
        byte[] previous = new byte[0];
        int filled = 0;
        while (filled < keySize) {
            md5.update(previous);
            md5.update(password);
            previous = md5.digest();
            int n = Math.min(previous.length, keySize - filled);
            System.arraycopy(previous, 0, key, filled, n);
            filled += n;
        }
        return key;
    }

    public static byte[] evpBytesToKey(String password, int keySize) {
        return evpBytesToKey(password.getBytes(StandardCharsets.UTF_8), keySize);
    }

    /** One HMAC-SHA1 per thread: every new session derives a subkey, and getInstance is not free. */
    private static final ThreadLocal<Mac> HMAC_SHA1 = ThreadLocal.withInitial(() -> {
        try {
            return Mac.getInstance("HmacSHA1");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is not available", e);
        }
    });

    /** HKDF (RFC 5869) with HMAC-SHA1. */
    public static byte[] hkdfSha1(byte[] inputKey, byte[] salt, byte[] info, int length) {
        try {
            Mac mac = HMAC_SHA1.get();
            byte[] extractSalt = salt == null || salt.length == 0 ? new byte[mac.getMacLength()] : salt;
            mac.init(new SecretKeySpec(extractSalt, "HmacSHA1"));
            byte[] prk = mac.doFinal(inputKey);
            mac.init(new SecretKeySpec(prk, "HmacSHA1"));
            byte[] out = new byte[length];
            byte[] block = new byte[0];
            int filled = 0;
            for (int counter = 1; filled < length; counter++) {
                mac.update(block);
                mac.update(info);
                mac.update((byte) counter);
                block = mac.doFinal();
                int n = Math.min(block.length, length - filled);
                System.arraycopy(block, 0, out, filled, n);
                filled += n;
            }
            Arrays.fill(prk, (byte) 0);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is not available", e);
        }
    }

    /** The SIP004 session subkey: HKDF-SHA1(master key, salt, "ss-subkey"). */
    public static byte[] sessionSubkey(byte[] masterKey, byte[] salt) {
        return hkdfSha1(masterKey, salt, SS_SUBKEY_INFO, masterKey.length);
    }

    static MessageDigest newDigest(String name) {
        try {
            return MessageDigest.getInstance(name);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(name + " is not available", e);
        }
    }
}
