package dev.ssjvm.core.tcp;

import dev.ssjvm.core.replay.ReplayProtection;
import dev.ssjvm.core.sip022.Sip022StreamProtocol;
import dev.ssjvm.core.sip022.Sip022Users;
import dev.ssjvm.crypto.AeadFactory;
import dev.ssjvm.crypto.CipherKind;
import java.util.List;

/** Picks the {@link StreamProtocol} for a method: the one place that knows every cipher family. */
public final class StreamProtocols {
    private StreamProtocols() {}

    /**
     * The protocol of a server port.
     *
     * @param password the password (SIP004), or the PSK, or the identity PSK when there are users (SIP022)
     * @param users the users of a multi-user 2022 port; empty otherwise
     * @throws IllegalArgumentException if the password or users do not fit the method
     */
    public static StreamProtocol forServer(CipherKind method, String password, List<Sip022Users.UserKey> users,
            AeadFactory crypto, ReplayProtection replay) {
        switch (method.family()) {
            case AEAD:
                requireNoUsers(method, users);
                return new AeadStreamProtocol(method, password, crypto, replay.tcpSalts());
            case AEAD_2022:
                return Sip022StreamProtocol.server(method, password, users, crypto, replay.saltPool(), replay.clock());
            default:
                throw new IllegalArgumentException(method + " is not implemented");
        }
    }

    /**
     * The protocol a client uses towards one server.
     *
     * @param password the password (SIP004), or the PSK or {@code iPSK:uPSK} (SIP022)
     */
    public static StreamProtocol forClient(CipherKind method, String password, AeadFactory crypto,
            ReplayProtection replay) {
        switch (method.family()) {
            case AEAD:
                return new AeadStreamProtocol(method, password, crypto, replay.tcpSalts());
            case AEAD_2022:
                return Sip022StreamProtocol.client(method, password, crypto, replay.clock());
            default:
                throw new IllegalArgumentException(method + " is not implemented");
        }
    }

    static void requireNoUsers(CipherKind method, List<?> users) {
        if (!users.isEmpty()) {
            throw new IllegalArgumentException("several users on one port need a 2022 method, not " + method);
        }
    }
}
