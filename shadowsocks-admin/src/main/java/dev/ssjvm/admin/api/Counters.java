package dev.ssjvm.admin.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ssjvm.service.metrics.TrafficStats;

/**
 * The SSM API's traffic counters of one user (or a whole port). Bytes are payload, before encryption,
 * TCP and UDP together; packets are UDP packets (TCP has none to count); sessions are TCP connections
 * and UDP associations opened.
 */
record Counters(long uplinkBytes, long uplinkPackets, long downlinkBytes, long downlinkPackets, long tcpSessions,
        long udpSessions) {

    static final Counters ZERO = new Counters(0, 0, 0, 0, 0, 0);

    static Counters of(TrafficStats.UserTotals t) {
        return new Counters(t.tcpBytesUp() + t.udpBytesUp(), t.udpPacketsUp(), t.tcpBytesDown() + t.udpBytesDown(),
                t.udpPacketsDown(), t.tcpConnections(), t.udpAssociations());
    }

    Counters plus(Counters o) {
        return new Counters(uplinkBytes + o.uplinkBytes, uplinkPackets + o.uplinkPackets,
                downlinkBytes + o.downlinkBytes, downlinkPackets + o.downlinkPackets, tcpSessions + o.tcpSessions,
                udpSessions + o.udpSessions);
    }

    Counters minus(Counters o) {
        return new Counters(uplinkBytes - o.uplinkBytes, uplinkPackets - o.uplinkPackets,
                downlinkBytes - o.downlinkBytes, downlinkPackets - o.downlinkPackets, tcpSessions - o.tcpSessions,
                udpSessions - o.udpSessions);
    }

    boolean isZero() {
        return equals(ZERO);
    }

    /** Adds the counters to {@code out} under the spec's names and in its order. */
    ObjectNode writeTo(ObjectNode out) {
        out.put("downlinkPackets", downlinkPackets);
        out.put("downlinkBytes", downlinkBytes);
        out.put("uplinkPackets", uplinkPackets);
        out.put("uplinkBytes", uplinkBytes);
        out.put("tcpSessions", tcpSessions);
        out.put("udpSessions", udpSessions);
        return out;
    }
}
