package dev.ssjvm.core.sip022;

import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.crypto.Sip022Keys;
import java.util.List;

/**
 * The keys one side of a 2022 connection uses, parsed from the configured password.
 *
 * <ul>
 *   <li>A client's password is its PSK, or {@code iPSK:...:uPSK} (SIP023): identity keys for each
 *       relay or multi-user server on the way, then the user's own key.
 *   <li>A server's password is its PSK; on a multi-user port it is the identity key (iPSK), and the
 *       users' keys come separately.
 * </ul>
 *
 * @param identityKeys the iPSKs a client puts identity headers under, first hop first; empty without
 *     identity headers
 * @param key the key the session subkeys come from: the (user) PSK
 */
record Sip022Credentials(CipherKind method, List<byte[]> identityKeys, byte[] key) {

    /**
     * Parses a client password.
     *
     * @throws IllegalArgumentException when a part is not a key of the method's size, or identity
     *     headers are used with a method that has no AES block cipher
     */
    public static Sip022Credentials client(CipherKind method, String password) {
        List<byte[]> keys = Sip022Keys.decodeKeyChain(method, password);
        return new Sip022Credentials(method, List.copyOf(keys.subList(0, keys.size() - 1)), keys.get(keys.size() - 1));
    }

    /**
     * Parses a server password: exactly one key.
     *
     * @throws IllegalArgumentException when it is not a key of the method's size
     */
    public static Sip022Credentials server(CipherKind method, String password) {
        return new Sip022Credentials(method, List.of(), Sip022Keys.decodeServerKey(method, password));
    }

    @Override
    public String toString() {
        return method + " with " + identityKeys.size() + " identity key(s)";
    }
}
