package dev.ssjvm.core.sip022;

import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.crypto.Sip022Keys;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The users of a multi-user port (SIP023): each user's PSK, found from the 16-byte hash carried in an
 * identity header with one hash-table lookup, whatever the number of users.
 */
public final class Sip022Users {
    /** One user: a name for logs and accounting, and the user PSK. */
    public record User(String name, byte[] psk) {
        @Override
        public String toString() {
            return name; // never the key
        }
    }

    /** A user as configured: name and base64 PSK. */
    public record UserKey(String name, String pskBase64) {
        @Override
        public String toString() {
            return name;
        }
    }

    private final Map<ByteBuffer, User> byHash = new HashMap<>();

    /**
     * @throws IllegalArgumentException naming the user whose key is malformed, or two users with the
     *     same key
     */
    public Sip022Users(CipherKind method, List<UserKey> users) {
        for (UserKey user : users) {
            byte[] psk;
            try {
                psk = Sip022Keys.decodePsk(method, user.pskBase64());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("user '" + user.name() + "': " + e.getMessage(), e);
            }
            User previous = byHash.put(ByteBuffer.wrap(Sip022Keys.pskHash(psk)), new User(user.name(), psk));
            if (previous != null) {
                throw new IllegalArgumentException("users '" + previous.name() + "' and '" + user.name()
                        + "' have the same key");
            }
        }
    }

    public boolean isEmpty() {
        return byHash.isEmpty();
    }

    public int size() {
        return byHash.size();
    }

    /** The user whose PSK hash is {@code hash} (16 bytes), or {@code null}. */
    public User find(byte[] hash) {
        return byHash.get(ByteBuffer.wrap(hash));
    }
}
