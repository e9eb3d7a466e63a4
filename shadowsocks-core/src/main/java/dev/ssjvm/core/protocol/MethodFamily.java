package dev.ssjvm.core.protocol;

import dev.ssjvm.crypto.CipherKind;
import java.util.List;

/**
 * One generation of the Shadowsocks protocol (SIP004 AEAD, SIP022, ...): builds the TCP and UDP
 * protocols of its methods. {@link MethodFamilies} picks the family of a method; nothing else does.
 */
public interface MethodFamily {

    /**
     * The protocols of a server port.
     *
     * @param password the password, or the PSK, or the identity PSK of a multi-user port
     * @param users the users of a multi-user port; empty for a single-key port
     * @throws IllegalArgumentException if the password or users do not fit the method
     */
    ServerProtocols server(CipherKind method, String password, List<UserKey> users, ProtocolContext context);

    /**
     * The protocols a client uses towards one server.
     *
     * @throws IllegalArgumentException if the password does not fit the method
     */
    ClientProtocols client(CipherKind method, String password, ProtocolContext context);

    /**
     * The protocols a client uses towards one server, every salt it sends starting with
     * {@code prefix} (see {@link SaltPrefix}); a family without salts at the start refuses a prefix.
     *
     * @param prefix the connection prefix, or {@code null} for none
     * @throws IllegalArgumentException if the password or prefix does not fit the method
     */
    default ClientProtocols client(CipherKind method, String password, byte[] prefix, ProtocolContext context) {
        SaltPrefix.check(method, prefix);
        return client(method, password, context);
    }
}
