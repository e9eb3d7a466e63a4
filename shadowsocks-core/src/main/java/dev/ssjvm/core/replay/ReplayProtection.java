package dev.ssjvm.core.replay;

import java.time.Clock;

/**
 * The replay defences of one service, shared by all its ports: Bloom filters of SIP004 salts (TCP and
 * UDP apart), the exact 60-second salt pool of SIP022, and the clock timestamps are checked against.
 */
public record ReplayProtection(SaltFilter tcpSalts, SaltFilter udpSalts, SaltPool saltPool, Clock clock) {

    /** Sizes as shadowsocks-libev uses on a server: a million salts per filter generation. */
    public static ReplayProtection forServer(Clock clock) {
        return new ReplayProtection(new BloomSaltFilter(1_000_000), new BloomSaltFilter(1_000_000),
                new SaltPool(clock, 4_000_000), clock);
    }

    /** A client sees its own connections only: smaller filters. */
    public static ReplayProtection forClient(Clock clock) {
        return new ReplayProtection(new BloomSaltFilter(10_000), new BloomSaltFilter(10_000),
                new SaltPool(clock, 100_000), clock);
    }
}
