package dev.ssjvm.core.replay;

import io.netty.handler.codec.CorruptedFrameException;

/**
 * Thrown inside a decoder for input that authenticated but was seen before (a salt in the filter) or
 * is too old to tell (a timestamp out of the window), so that it is counted as a replay rather than
 * as malformed input. The prober sees the same reaction either way.
 */
public final class ReplayedException extends CorruptedFrameException {
    public ReplayedException(String message) {
        super(message);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this; // thrown at strangers' will: no stack trace to build
    }
}
