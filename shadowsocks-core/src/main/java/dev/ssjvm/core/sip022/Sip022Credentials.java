package dev.ssjvm.core.sip022;

import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.crypto.Sip022Keys;
import java.util.ArrayList;
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
public record Sip022Credentials(CipherKind method, List<byte[]> identityKeys, byte[] key) {

    /**
     * Parses a client password.
     *
     * @throws IllegalArgumentException when a part is not a key of the method's size, or identity
     *     headers are used with a method that has no AES block cipher
     */
    public static Sip022Credentials client(CipherKind method, String password) {
        String[] parts = password.split(":", -1);
        List<byte[]> keys = new ArrayList<>();
        for (int i = 0; i < parts.length; i++) {
            try {
                keys.add(Sip022Keys.decodePsk(method, parts[i]));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(parts.length == 1 ? e.getMessage()
                        : "key " + (i + 1) + " of " + parts.length + " in iPSK:uPSK: " + e.getMessage(), e);
            }
        }
        if (keys.size() > 1 && !supportsIdentityHeaders(method)) {
            throw new IllegalArgumentException(method + " has no identity headers (SIP023 needs an AES method);"
                    + " use a single key");
        }
        return new Sip022Credentials(method, List.copyOf(keys.subList(0, keys.size() - 1)), keys.get(keys.size() - 1));
    }

    /**
     * Parses a server password: exactly one key.
     *
     * @throws IllegalArgumentException when it is not a key of the method's size
     */
    public static Sip022Credentials server(CipherKind method, String password) {
        if (password.indexOf(':') >= 0) {
            throw new IllegalArgumentException("a server takes one key as its password (the identity key on a"
                    + " multi-user port); users and their keys go in 'users'");
        }
        return new Sip022Credentials(method, List.of(), Sip022Keys.decodePsk(method, password));
    }

    /** SIP023 identity headers are AES blocks, so only the AES methods carry them. */
    public static boolean supportsIdentityHeaders(CipherKind method) {
        return method == CipherKind.BLAKE3_AES_128_GCM || method == CipherKind.BLAKE3_AES_256_GCM;
    }

    @Override
    public String toString() {
        return method + " with " + identityKeys.size() + " identity key(s)";
    }
}
