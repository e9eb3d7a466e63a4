package dev.ssjvm.core.sip004;

import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.crypto.Kdf;

/** A SIP004 method with its master key (EVP_BytesToKey of the password), shared by TCP and UDP. */
record Sip004Key(CipherKind kind, byte[] masterKey) {

    /** @throws IllegalArgumentException if {@code kind} is not a SIP004 method */
    static Sip004Key of(CipherKind kind, String password) {
        if (kind.family() != CipherKind.Family.AEAD_2017) {
            throw new IllegalArgumentException(kind + " is not a SIP004 AEAD method");
        }
        return new Sip004Key(kind, Kdf.evpBytesToKey(password, kind.keySize()));
    }
}
