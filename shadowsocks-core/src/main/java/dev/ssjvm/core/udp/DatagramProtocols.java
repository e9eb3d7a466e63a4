package dev.ssjvm.core.udp;

import dev.ssjvm.core.replay.SaltFilter;
import dev.ssjvm.crypto.AeadFactory;
import dev.ssjvm.crypto.CipherKind;

/** Picks the {@link DatagramProtocol} for a method. */
public final class DatagramProtocols {
    private DatagramProtocols() {}

    /**
     * @throws IllegalArgumentException if the password does not fit the method
     */
    public static DatagramProtocol create(CipherKind method, String password, AeadFactory crypto, SaltFilter saltFilter) {
        switch (method.family()) {
            case AEAD:
                return new AeadDatagramProtocol(method, password, crypto, saltFilter);
            default:
                throw new IllegalArgumentException(method + " is not implemented yet");
        }
    }
}
