package dev.ssjvm.admin;

import java.io.Closeable;

/** One admin service of a running server (the manager socket, the HTTP API, metrics, the state file). */
public interface Addon extends Closeable {

    /** Stops the service. Must not throw; called once, off the event loops. */
    @Override
    void close();
}
