package dev.ssjvm.core.tcp;

import dev.ssjvm.core.replay.SaltFilter;
import dev.ssjvm.crypto.AeadFactory;
import dev.ssjvm.crypto.CipherKind;

/** Picks the {@link StreamProtocol} for a method: the one place that knows every cipher family. */
public final class StreamProtocols {
    private StreamProtocols() {}

    /**
     * @param password the password (SIP004) or base64 pre-shared key (SIP022)
     * @throws IllegalArgumentException if the password does not fit the method
     */
    public static StreamProtocol create(CipherKind method, String password, AeadFactory crypto, SaltFilter saltFilter) {
        switch (method.family()) {
            case AEAD:
                return new AeadStreamProtocol(method, password, crypto, saltFilter);
            default:
                throw new IllegalArgumentException(method + " is not implemented yet");
        }
    }
}
