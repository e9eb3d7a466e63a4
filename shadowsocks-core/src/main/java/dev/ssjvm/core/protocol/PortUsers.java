package dev.ssjvm.core.protocol;

import java.util.Set;

/**
 * The users of one running server port, shared by its TCP and UDP protocols: changes apply to the
 * next request or packet, and connections already open are not touched (the service closes those of
 * a user it removes). Safe to change from any thread.
 */
public interface PortUsers {

    /** Whether the port identifies users at all; fixed when the port is made. */
    boolean multiUser();

    /**
     * Adds a user, or gives an existing one a new key.
     *
     * @throws IllegalArgumentException if the key does not fit the method, another user has it, or
     *     the port is a single-key port
     */
    void put(UserKey user);

    /** Removes a user; false if there was none of that name. */
    boolean remove(String name);

    /** The names of the users now. */
    Set<String> names();

    /** A port with one key and no users. */
    PortUsers SINGLE_KEY = new PortUsers() {
        @Override
        public boolean multiUser() {
            return false;
        }

        @Override
        public void put(UserKey user) {
            throw new IllegalArgumentException("this port has a single key and no users");
        }

        @Override
        public boolean remove(String name) {
            return false;
        }

        @Override
        public Set<String> names() {
            return Set.of();
        }
    };
}
