package dev.ssjvm.service.limits;

/** Why a limit turned a connection or packet away. */
public enum Refusal {
    /** The user or port has as many TCP connections open as it may. */
    CONNECTIONS,
    /** The quota of the current period is used up. */
    QUOTA,
    /** The user or port has expired. */
    EXPIRED,
    /** The server has {@code max_handshakes} connections in the handshake (a new one is reset). */
    HANDSHAKES,
    /** The source address has {@code max_handshakes_per_ip} connections in the handshake. */
    HANDSHAKES_PER_IP,
    /** A connection sent more than the pre-auth budget without a complete request (it is closed). */
    PRE_AUTH_BYTES
}
