package dev.ssjvm.crypto;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import javax.crypto.AEADBadTagException;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * The RFC 8439 ChaCha-Poly1305 construction over a ChaCha core with a configurable round count, and
 * its XChaCha form (HChaCha of the same rounds, then a 12-byte nonce of four zero bytes and the last 8
 * nonce bytes). Written here for the reduced-round variants SIP022 allows (ChaCha8), which the JDK
 * lacks; Poly1305 is BouncyCastle's. Not thread-safe.
 */
final class ChaChaPoly1305 implements Aead {
    private static final int[] SIGMA = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574};

    private final AeadAlgorithm algorithm;
    private final byte[] key;
    private final int rounds;
    private final boolean extended;
    private final int[] state = new int[16];
    private final int[] working = new int[16];
    private final byte[] keystream = new byte[64];
    private final byte[] chunk = new byte[64];
    private final byte[] nonce12 = new byte[12];
    private final Poly1305 poly = new Poly1305();

    ChaChaPoly1305(AeadAlgorithm algorithm, byte[] key, int rounds, boolean extended) {
        if (key.length != 32) {
            throw new IllegalArgumentException("ChaCha key must be 32 bytes, got " + key.length);
        }
        this.algorithm = algorithm;
        this.key = key.clone();
        this.rounds = rounds;
        this.extended = extended;
    }

    @Override
    public AeadAlgorithm algorithm() {
        return algorithm;
    }

    @Override
    public void seal(byte[] nonce, ByteBuffer plaintext, ByteBuffer out) {
        checkNonce(nonce);
        byte[] subkey = prepare(nonce);
        int start = out.position();
        int length = plaintext.remaining();
        xor(subkey, plaintext, out, length);
        ByteBuffer ciphertext = out.duplicate();
        ciphertext.position(start).limit(start + length);
        byte[] tag = tag(subkey, new byte[0], ciphertext);
        out.put(tag);
    }

    @Override
    public void open(byte[] nonce, ByteBuffer ciphertext, ByteBuffer out) throws AEADBadTagException {
        open(nonce, new byte[0], ciphertext, out);
    }

    /** Open with associated data; only the known-answer tests of RFC 8439 need it. */
    void open(byte[] nonce, byte[] aad, ByteBuffer ciphertext, ByteBuffer out) throws AEADBadTagException {
        checkNonce(nonce);
        int length = ciphertext.remaining() - 16;
        if (length < 0) {
            throw new AEADBadTagException("ciphertext shorter than the tag");
        }
        byte[] subkey = prepare(nonce);
        ByteBuffer body = ciphertext.duplicate();
        body.limit(body.position() + length);
        byte[] expected = tag(subkey, aad, body.duplicate());
        byte[] given = new byte[16];
        ciphertext.duplicate().position(ciphertext.position() + length).get(given);
        if (!MessageDigest.isEqual(expected, given)) {
            throw new AEADBadTagException("tag mismatch");
        }
        xor(subkey, body, out, length);
        ciphertext.position(ciphertext.limit());
    }

    /** Seal with associated data; only the known-answer tests of RFC 8439 need it. */
    byte[] seal(byte[] nonce, byte[] aad, byte[] plaintext) {
        checkNonce(nonce);
        byte[] subkey = prepare(nonce);
        ByteBuffer out = ByteBuffer.allocate(plaintext.length + 16);
        xor(subkey, ByteBuffer.wrap(plaintext), out, plaintext.length);
        out.put(tag(subkey, aad, ByteBuffer.wrap(out.array(), 0, plaintext.length)));
        return out.array();
    }

    private void checkNonce(byte[] nonce) {
        if (nonce.length != nonceSize()) {
            throw new IllegalArgumentException(algorithm + " nonce must be " + nonceSize() + " bytes, got " + nonce.length);
        }
    }

    /** Sets {@link #nonce12} and returns the key for the ChaCha core (the HChaCha subkey for XChaCha). */
    private byte[] prepare(byte[] nonce) {
        if (!extended) {
            System.arraycopy(nonce, 0, nonce12, 0, 12);
            return key;
        }
        java.util.Arrays.fill(nonce12, 0, 4, (byte) 0);
        System.arraycopy(nonce, 16, nonce12, 4, 8);
        return HChaCha.subkey(key, nonce, 0, rounds);
    }

    /** XORs {@code length} bytes of {@code in} with the keystream from block counter 1 into {@code out}. */
    private void xor(byte[] coreKey, ByteBuffer in, ByteBuffer out, int length) {
        int counter = 1;
        int done = 0;
        while (done < length) {
            block(coreKey, counter++);
            int n = Math.min(64, length - done);
            in.get(chunk, 0, n);
            for (int i = 0; i < n; i++) {
                chunk[i] ^= keystream[i];
            }
            out.put(chunk, 0, n);
            done += n;
        }
    }

    private byte[] tag(byte[] coreKey, byte[] aad, ByteBuffer ciphertext) {
        block(coreKey, 0);
        poly.init(new KeyParameter(keystream, 0, 32));
        poly.update(aad, 0, aad.length);
        pad(aad.length);
        int length = ciphertext.remaining();
        while (ciphertext.hasRemaining()) {
            int n = Math.min(64, ciphertext.remaining());
            ciphertext.get(chunk, 0, n);
            poly.update(chunk, 0, n);
        }
        pad(length);
        byte[] lengths = new byte[16];
        putLong(lengths, 0, aad.length);
        putLong(lengths, 8, length);
        poly.update(lengths, 0, 16);
        byte[] tag = new byte[16];
        poly.doFinal(tag, 0);
        return tag;
    }

    private void pad(int length) {
        int rest = length % 16;
        if (rest != 0) {
            poly.update(new byte[16 - rest], 0, 16 - rest);
        }
    }

    /** One ChaCha block (RFC 8439 section 2.3 layout) into {@link #keystream}. */
    private void block(byte[] coreKey, int counter) {
        System.arraycopy(SIGMA, 0, state, 0, 4);
        for (int i = 0; i < 8; i++) {
            state[4 + i] = HChaCha.littleEndianInt(coreKey, i * 4);
        }
        state[12] = counter;
        for (int i = 0; i < 3; i++) {
            state[13 + i] = HChaCha.littleEndianInt(nonce12, i * 4);
        }
        System.arraycopy(state, 0, working, 0, 16);
        HChaCha.rounds(working, rounds);
        for (int i = 0; i < 16; i++) {
            HChaCha.putLittleEndianInt(keystream, i * 4, working[i] + state[i]);
        }
    }

    private static void putLong(byte[] b, int offset, long v) {
        for (int i = 0; i < 8; i++) {
            b[offset + i] = (byte) (v >>> (8 * i));
        }
    }
}
