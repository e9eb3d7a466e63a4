package dev.ssjvm.admin;

import java.io.IOException;

/** Starts one kind of {@link Addon}; registered once in {@link Addons}. */
@FunctionalInterface
public interface AddonFactory {

    /**
     * @return the running addon, or {@code null} when the settings do not ask for it
     * @throws IOException if its socket cannot be bound or its file read (the server does not start then)
     */
    Addon start(Admin admin) throws IOException;
}
