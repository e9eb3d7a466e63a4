package dev.ssjvm.core.udp;

import dev.ssjvm.core.replay.ReplayProtection;
import dev.ssjvm.core.sip022.Sip022DatagramProtocol;
import dev.ssjvm.core.sip022.Sip022Users;
import dev.ssjvm.crypto.AeadFactory;
import dev.ssjvm.crypto.CipherKind;
import java.util.List;

/** Picks the {@link DatagramProtocol} for a method. */
public final class DatagramProtocols {
    private DatagramProtocols() {}

    /** @throws IllegalArgumentException if the password or users do not fit the method */
    public static DatagramProtocol forServer(CipherKind method, String password, List<Sip022Users.UserKey> users,
            AeadFactory crypto, ReplayProtection replay) {
        switch (method.family()) {
            case AEAD:
                if (!users.isEmpty()) {
                    throw new IllegalArgumentException("several users on one port need a 2022 method, not " + method);
                }
                return new AeadDatagramProtocol(method, password, crypto, replay.udpSalts());
            case AEAD_2022:
                return Sip022DatagramProtocol.server(method, password, users, crypto, replay.clock());
            default:
                throw new IllegalArgumentException(method + " is not implemented");
        }
    }

    public static DatagramProtocol forClient(CipherKind method, String password, AeadFactory crypto,
            ReplayProtection replay) {
        switch (method.family()) {
            case AEAD:
                return new AeadDatagramProtocol(method, password, crypto, replay.udpSalts());
            case AEAD_2022:
                return Sip022DatagramProtocol.client(method, password, crypto, replay.clock());
            default:
                throw new IllegalArgumentException(method + " is not implemented");
        }
    }
}
