package dev.ssjvm.core.replay;

/**
 * Remembers salts seen recently so a recorded connection replayed later is recognised. Shared by all
 * connections of a process; implementations are thread-safe and bounded in memory.
 */
public interface SaltFilter {

    /** A filter that remembers nothing, for tests and for operators who turn replay checks off. */
    SaltFilter NONE = salt -> true;

    /**
     * Records {@code salt}.
     *
     * @return {@code false} if it was (probably) seen before, {@code true} if it is new
     */
    boolean checkAndAdd(byte[] salt);
}
