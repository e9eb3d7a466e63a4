package dev.ssjvm.service.limits;

/** Why a limit turned a connection or packet away. */
public enum Refusal {
    /** The user or port has as many TCP connections open as it may. */
    CONNECTIONS,
    /** The quota of the current period is used up. */
    QUOTA,
    /** The user or port has expired. */
    EXPIRED
}
