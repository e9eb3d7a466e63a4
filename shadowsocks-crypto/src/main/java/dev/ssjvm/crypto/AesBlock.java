package dev.ssjvm.crypto;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * Single-block AES under one key (ECB on exactly 16 bytes): SIP022 uses it for the UDP separate
 * header and SIP023 for identity headers. Not thread-safe.
 */
public final class AesBlock {
    public static final int SIZE = 16;

    private final Cipher encrypt;
    private final Cipher decrypt;

    public AesBlock(byte[] key) {
        try {
            SecretKeySpec spec = new SecretKeySpec(key, "AES");
            encrypt = Cipher.getInstance("AES/ECB/NoPadding");
            encrypt.init(Cipher.ENCRYPT_MODE, spec);
            decrypt = Cipher.getInstance("AES/ECB/NoPadding");
            decrypt.init(Cipher.DECRYPT_MODE, spec);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("AES key of " + key.length + " bytes rejected: " + e.getMessage(), e);
        }
    }

    public void encrypt(byte[] in, int inOffset, byte[] out, int outOffset) {
        run(encrypt, in, inOffset, out, outOffset);
    }

    public void decrypt(byte[] in, int inOffset, byte[] out, int outOffset) {
        run(decrypt, in, inOffset, out, outOffset);
    }

    private static void run(Cipher cipher, byte[] in, int inOffset, byte[] out, int outOffset) {
        try {
            cipher.doFinal(in, inOffset, SIZE, out, outOffset);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES block operation failed", e);
        }
    }
}
