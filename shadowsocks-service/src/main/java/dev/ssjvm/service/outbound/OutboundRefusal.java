package dev.ssjvm.service.outbound;

/**
 * Why the outbound policy will not let a connection or packet reach its target. Raised by strangers'
 * requests at any rate, so it carries no stack trace.
 */
public final class OutboundRefusal extends Exception {

    public enum Reason {
        /** A rule refuses the target. */
        BLOCKED,
        /** The name does not resolve (or the resolver failed). */
        DNS_FAILURE
    }

    private final Reason reason;

    OutboundRefusal(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
