package dev.ssjvm.core.protocol;

/**
 * User event fired by a server codec when the client's bytes stop making sense. From then on the
 * codec discards the connection's input; the relay must drop the target side and leave the client
 * connection to its timeout.
 *
 * @param kind what went wrong, for counting; the prober never learns it
 * @param reason a short description for debug logs; never contains key material
 */
public record ProtocolViolation(Kind kind, String reason) {

    public enum Kind {
        /** A tag did not verify, or the key names no user: a wrong key or random bytes. */
        AUTHENTICATION,
        /** A salt seen before, or a timestamp out of the window: a replayed recording. */
        REPLAY,
        /** Authenticated but malformed: a bad address, header or chunk, or a stream cut mid-chunk. */
        MALFORMED
    }
}
