package dev.ssjvm.crypto;

import java.nio.charset.StandardCharsets;
import org.bouncycastle.crypto.digests.Blake3Digest;
import org.bouncycastle.crypto.params.Blake3Parameters;

/** BLAKE3 in its three modes (BouncyCastle underneath), with output of any length. */
public final class Blake3 {
    private Blake3() {}

    public static byte[] hash(byte[] input, int outputLength) {
        Blake3Digest digest = new Blake3Digest();
        return finish(digest, input, outputLength);
    }

    public static byte[] keyedHash(byte[] key, byte[] input, int outputLength) {
        if (key.length != 32) {
            throw new IllegalArgumentException("BLAKE3 keyed hash needs a 32-byte key");
        }
        Blake3Digest digest = new Blake3Digest();
        digest.init(Blake3Parameters.key(key));
        return finish(digest, input, outputLength);
    }

    /** BLAKE3's key derivation mode: {@code derive_key(context, key_material)}. */
    public static byte[] deriveKey(String context, byte[] keyMaterial, int outputLength) {
        Blake3Digest digest = new Blake3Digest();
        digest.init(Blake3Parameters.context(context.getBytes(StandardCharsets.UTF_8)));
        return finish(digest, keyMaterial, outputLength);
    }

    private static byte[] finish(Blake3Digest digest, byte[] input, int outputLength) {
        digest.update(input, 0, input.length);
        byte[] out = new byte[outputLength];
        digest.doFinal(out, 0, outputLength);
        return out;
    }
}
