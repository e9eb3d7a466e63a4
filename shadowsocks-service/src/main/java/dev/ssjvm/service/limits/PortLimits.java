package dev.ssjvm.service.limits;

import java.util.Map;
import java.util.Objects;

/**
 * The limits of one server port: those of the port as a whole (every user together), and those of
 * each user of a multi-user port.
 */
public record PortLimits(Limits port, Map<String, Limits> users) {

    public static final PortLimits NONE = new PortLimits(Limits.NONE, Map.of());

    public PortLimits {
        Objects.requireNonNull(port, "port");
        users = Map.copyOf(users);
    }

    /** The limits of {@code user} ({@link Limits#NONE} when it has none of its own). */
    public Limits of(String user) {
        return user == null ? Limits.NONE : users.getOrDefault(user, Limits.NONE);
    }

    public PortLimits withUser(String user, Limits limits) {
        java.util.Map<String, Limits> next = new java.util.HashMap<>(users);
        if (limits.isNone()) {
            next.remove(user);
        } else {
            next.put(user, limits);
        }
        return new PortLimits(port, next);
    }

    public PortLimits withoutUser(String user) {
        return withUser(user, Limits.NONE);
    }
}
