package dev.ssjvm.core.protocol;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One user of a multi-user port as configured: a name for logs and accounting, and the user's key
 * (for SIP023, a base64 PSK). {@link #toString()} never shows the key.
 */
public record UserKey(String name, String key) {
    public UserKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(key, "key");
    }

    /**
     * The users as name to key, in order, as {@code MethodKeys.checkServer} takes them.
     *
     * @throws IllegalArgumentException if a name appears twice
     */
    public static Map<String, String> byName(List<UserKey> users) {
        Map<String, String> out = new LinkedHashMap<>();
        for (UserKey user : users) {
            if (out.put(user.name(), user.key()) != null) {
                throw new IllegalArgumentException("user '" + user.name() + "' appears twice");
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return name;
    }
}
