package dev.ssjvm.crypto;

import java.nio.ByteBuffer;
import javax.crypto.AEADBadTagException;

/**
 * One AEAD key, ready to seal and open with caller-supplied nonces. Not thread-safe: a session owns
 * one instance per direction. Implementations never see associated data; Shadowsocks uses none.
 */
public interface Aead {

    AeadAlgorithm algorithm();

    default int nonceSize() {
        return algorithm().nonceSize();
    }

    default int tagSize() {
        return algorithm().tagSize();
    }

    /**
     * Encrypts all remaining bytes of {@code plaintext} and writes ciphertext followed by the tag to
     * {@code out}. Both buffers' positions advance. {@code out} must have room for
     * {@code plaintext.remaining() + tagSize()} bytes and must not overlap {@code plaintext}.
     * A nonce is never sealed twice under one key; some backends (the JDK's) refuse it.
     */
    void seal(byte[] nonce, ByteBuffer plaintext, ByteBuffer out);

    /**
     * Authenticates and decrypts all remaining bytes of {@code ciphertext} (which end with the tag)
     * into {@code out}. On failure nothing is written to {@code out}.
     *
     * @throws AEADBadTagException when the tag does not match: a wrong key, a wrong nonce or
     *     tampered data
     */
    void open(byte[] nonce, ByteBuffer ciphertext, ByteBuffer out) throws AEADBadTagException;

    default byte[] seal(byte[] nonce, byte[] plaintext) {
        ByteBuffer out = ByteBuffer.allocate(plaintext.length + tagSize());
        seal(nonce, ByteBuffer.wrap(plaintext), out);
        return out.array();
    }

    default byte[] open(byte[] nonce, byte[] ciphertext) throws AEADBadTagException {
        if (ciphertext.length < tagSize()) {
            throw new AEADBadTagException("ciphertext shorter than the tag");
        }
        ByteBuffer out = ByteBuffer.allocate(ciphertext.length - tagSize());
        open(nonce, ByteBuffer.wrap(ciphertext), out);
        return out.array();
    }
}
