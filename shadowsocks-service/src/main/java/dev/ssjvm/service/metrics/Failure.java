package dev.ssjvm.service.metrics;

/** Why a connection or packet was refused or dropped before (or instead of) being relayed. */
public enum Failure {
    /** Did not authenticate: a wrong key, an unknown user, or random bytes (a probe). */
    AUTHENTICATION,
    /** A replayed salt or a stale timestamp (TCP), a packet outside its session's window (UDP). */
    REPLAY,
    /** Authenticated but malformed, or closed before a complete request. */
    MALFORMED,
    /** No complete request within the handshake timeout. */
    TIMEOUT,
    /** The target's name does not resolve. */
    DNS_FAILURE,
    /** The target is refused by the outbound policy ({@code forbidden_ip}, ACL). */
    BLOCKED_TARGET,
    /** The target refused the connection, or could not be reached in time. */
    TARGET_REFUSED,
    /** A UDP association could not be kept: its socket failed, or its queue was full. */
    OVERLOAD,
    /** Refused by a limit: too many connections, quota used up, or expired (see {@code limitHit}). */
    LIMITED
}
