package dev.ssjvm.core.sip022;

import dev.ssjvm.core.protocol.PortUsers;
import dev.ssjvm.core.protocol.UserKey;
import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.crypto.Sip022Keys;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The users of a multi-user port (SIP023): each user's PSK, found from the 16-byte hash carried in an
 * identity header with one hash-table lookup, whatever the number of users. Shared by the port's TCP
 * and UDP protocols. Lookups (on the event loops) read an immutable map; changes copy it, so a
 * lookup never waits for a change.
 */
final class Sip022Users implements PortUsers {
    /** One user: a name for logs and accounting, and the user PSK. */
    public record User(String name, byte[] psk) {
        @Override
        public String toString() {
            return name; // never the key
        }
    }

    private final CipherKind method;
    private final boolean multiUser;
    private final Map<String, User> byName = new HashMap<>(); // guarded by this
    private volatile Map<ByteBuffer, User> byHash = Map.of();

    /**
     * @param multiUser whether requests carry identity headers; fixed for the life of the port
     * @throws IllegalArgumentException for a multi-user port on a method without identity headers,
     *     a malformed key (naming its user), or two users with the same key
     */
    public Sip022Users(CipherKind method, boolean multiUser, List<UserKey> users) {
        if (multiUser && !method.hasIdentityHeaders()) {
            throw new IllegalArgumentException("several users on one port need an AES 2022 method (" + method
                    + " has no identity headers)");
        }
        if (!multiUser && !users.isEmpty()) {
            throw new IllegalArgumentException("a single-key port has no users");
        }
        this.method = method;
        this.multiUser = multiUser;
        for (UserKey user : users) {
            put(user);
        }
    }

    /** The users of a port with one key and no identity headers. */
    public static Sip022Users singleKey(CipherKind method) {
        return new Sip022Users(method, false, List.of());
    }

    @Override
    public boolean multiUser() {
        return multiUser;
    }

    @Override
    public synchronized void put(UserKey user) {
        if (!multiUser) {
            throw new IllegalArgumentException("this port has a single key and no users");
        }
        byte[] psk;
        try {
            psk = Sip022Keys.decodePsk(method, user.key());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("user '" + user.name() + "': " + e.getMessage(), e);
        }
        ByteBuffer hash = ByteBuffer.wrap(Sip022Keys.pskHash(psk));
        Map<ByteBuffer, User> next = new HashMap<>(byHash);
        User holder = next.get(hash);
        if (holder != null && !holder.name().equals(user.name())) {
            throw new IllegalArgumentException("users '" + holder.name() + "' and '" + user.name()
                    + "' have the same key");
        }
        User previous = byName.get(user.name());
        if (previous != null) {
            next.remove(ByteBuffer.wrap(Sip022Keys.pskHash(previous.psk())));
        }
        User added = new User(user.name(), psk);
        next.put(hash, added);
        byName.put(user.name(), added);
        byHash = Map.copyOf(next);
    }

    @Override
    public synchronized boolean remove(String name) {
        User user = byName.remove(name);
        if (user == null) {
            return false;
        }
        Map<ByteBuffer, User> next = new HashMap<>(byHash);
        next.remove(ByteBuffer.wrap(Sip022Keys.pskHash(user.psk())));
        byHash = Map.copyOf(next);
        return true;
    }

    @Override
    public synchronized Set<String> names() {
        return Set.copyOf(byName.keySet());
    }

    public int size() {
        return byHash.size();
    }

    /** The user whose PSK hash is {@code hash} (16 bytes), or {@code null}. */
    public User find(byte[] hash) {
        return byHash.get(ByteBuffer.wrap(hash));
    }
}
