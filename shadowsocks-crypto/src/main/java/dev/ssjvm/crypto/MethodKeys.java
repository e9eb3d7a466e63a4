package dev.ssjvm.crypto;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * Whether a password or key fits a method, without building anything that uses it: what the config
 * readers call so that a bad key is reported against the file and key it came from.
 */
public final class MethodKeys {
    private MethodKeys() {}

    /**
     * Checks the key of a server port and the keys of its users.
     *
     * @param users user name to key, for a multi-user port (SIP023); empty otherwise
     * @throws IllegalArgumentException saying what is wrong and how to fix it, never repeating a key
     */
    public static void checkServer(CipherKind method, String password, Map<String, String> users) {
        switch (method.family()) {
            case AEAD_2017 -> {
                requirePassword(password);
                if (!users.isEmpty()) {
                    throw new IllegalArgumentException("several users on one port need a 2022 AES method, not " + method);
                }
            }
            case STREAM -> {
                requireStreamPassword(method, password);
                if (!users.isEmpty()) {
                    throw new IllegalArgumentException("several users on one port need a 2022 AES method, not " + method);
                }
            }
            case AEAD_2022 -> {
                Sip022Keys.decodeServerKey(method, password);
                if (!users.isEmpty() && !method.hasIdentityHeaders()) {
                    throw new IllegalArgumentException("several users on one port need an AES 2022 method ("
                            + method + " has no identity headers)");
                }
                Map<ByteBuffer, String> seen = new HashMap<>();
                users.forEach((name, key) -> {
                    byte[] psk;
                    try {
                        psk = Sip022Keys.decodePsk(method, key);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("user '" + name + "': " + e.getMessage(), e);
                    }
                    String previous = seen.put(ByteBuffer.wrap(psk), name);
                    if (previous != null) {
                        throw new IllegalArgumentException("users '" + previous + "' and '" + name
                                + "' have the same key");
                    }
                });
            }
        }
    }

    /**
     * Checks the password a client uses towards a server ({@code iPSK:...:uPSK} allowed for 2022).
     *
     * @throws IllegalArgumentException saying what is wrong, never repeating a key
     */
    public static void checkClient(CipherKind method, String password) {
        switch (method.family()) {
            case AEAD_2017 -> requirePassword(password);
            case AEAD_2022 -> Sip022Keys.decodeKeyChain(method, password);
            case STREAM -> requireStreamPassword(method, password);
        }
    }

    private static void requireStreamPassword(CipherKind method, String password) {
        if (method != CipherKind.NONE) {
            requirePassword(password);
        }
    }

    private static void requirePassword(String password) {
        if (password.isEmpty()) {
            throw new IllegalArgumentException("the password is empty");
        }
    }
}
