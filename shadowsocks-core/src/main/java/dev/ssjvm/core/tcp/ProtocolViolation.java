package dev.ssjvm.core.tcp;

/**
 * User event fired by a server codec when the client's bytes stop making sense (authentication
 * failure, bad framing, replay, truncation). From then on the codec discards the connection's input;
 * the relay must drop the target side and leave the client connection to its timeout.
 *
 * @param reason a short description for debug logs; never contains key material
 */
public record ProtocolViolation(String reason) {}
