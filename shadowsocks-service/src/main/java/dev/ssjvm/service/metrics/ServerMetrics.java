package dev.ssjvm.service.metrics;

import dev.ssjvm.service.limits.Refusal;

/**
 * What a server's relays report, per port and user: the seam for accounting, the manager API and
 * exported metrics. Calls come from event-loop threads: implementations must be cheap, thread-safe,
 * and never block. Every event is ignored unless an implementation says otherwise.
 */
public interface ServerMetrics {

    /** A TCP connection was accepted on {@code port}, before anything is known of it. */
    default void tcpAccepted(int port) {}

    /** A TCP request authenticated and its target is connected: the meter sees the relay until it ends. */
    default TrafficMeter tcpOpened(int port, String user) {
        return TrafficMeter.NONE;
    }

    /** A UDP association opened: the meter sees its packets until it ends. */
    default TrafficMeter udpOpened(int port, String user) {
        return TrafficMeter.NONE;
    }

    /**
     * A connection or packet went no further.
     *
     * @param user the user when it is known (a refused target of an authenticated request), else {@code null}
     */
    default void failure(int port, String user, Protocol protocol, Failure failure) {}

    /**
     * A limit turned a connection or packet away, or ended a user's connections (quota used up,
     * expired); {@code user} is {@code null} for the port as a whole.
     */
    default void limitHit(int port, String user, Refusal why) {}

    enum Protocol { TCP, UDP }

    ServerMetrics NONE = new ServerMetrics() {};

    /** Reports to both, in order. */
    static ServerMetrics both(ServerMetrics a, ServerMetrics b) {
        if (a == NONE) {
            return b;
        }
        if (b == NONE) {
            return a;
        }
        return new ServerMetrics() {
            @Override
            public void tcpAccepted(int port) {
                a.tcpAccepted(port);
                b.tcpAccepted(port);
            }

            @Override
            public TrafficMeter tcpOpened(int port, String user) {
                return TrafficMeter.both(a.tcpOpened(port, user), b.tcpOpened(port, user));
            }

            @Override
            public TrafficMeter udpOpened(int port, String user) {
                return TrafficMeter.both(a.udpOpened(port, user), b.udpOpened(port, user));
            }

            @Override
            public void failure(int port, String user, Protocol protocol, Failure failure) {
                a.failure(port, user, protocol, failure);
                b.failure(port, user, protocol, failure);
            }

            @Override
            public void limitHit(int port, String user, Refusal why) {
                a.limitHit(port, user, why);
                b.limitHit(port, user, why);
            }
        };
    }
}
