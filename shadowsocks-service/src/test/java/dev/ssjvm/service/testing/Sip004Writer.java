package dev.ssjvm.service.testing;

import dev.ssjvm.crypto.Aead;
import dev.ssjvm.crypto.AeadFactory;
import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.crypto.Kdf;
import dev.ssjvm.crypto.NonceCounter;
import java.io.ByteArrayOutputStream;
import java.security.SecureRandom;

/**
 * Writes SIP004 streams by hand, straight from the spec and independent of the encoder under test,
 * so tests can craft exactly the malformed input they need: any length field, any plaintext.
 */
public final class Sip004Writer {
    private final CipherKind kind;
    private final Aead aead;
    private final NonceCounter nonce;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    public Sip004Writer(CipherKind kind, String password) {
        this.kind = kind;
        byte[] salt = new byte[kind.saltSize()];
        new SecureRandom().nextBytes(salt);
        this.aead = AeadFactory.automatic().create(kind.aead(), Kdf.sessionSubkey(Kdf.evpBytesToKey(password,
                kind.keySize()), salt));
        this.nonce = new NonceCounter(kind.nonceSize());
        out.writeBytes(salt);
    }

    /** A well-formed chunk. */
    public Sip004Writer chunk(byte[] payload) {
        return chunkClaimingLength(payload.length, payload);
    }

    /** A chunk whose sealed length field says {@code claimedLength}, whatever the payload. */
    public Sip004Writer chunkClaimingLength(int claimedLength, byte[] payload) {
        out.writeBytes(seal(new byte[] {(byte) (claimedLength >> 8), (byte) claimedLength}));
        out.writeBytes(seal(payload));
        return this;
    }

    private byte[] seal(byte[] plain) {
        byte[] sealed = aead.seal(nonce.current(), plain);
        nonce.increment();
        return sealed;
    }

    public byte[] bytes() {
        return out.toByteArray();
    }

    public CipherKind kind() {
        return kind;
    }
}
