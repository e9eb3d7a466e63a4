package dev.ssjvm.service.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.ssjvm.service.limits.Refusal;

import dev.ssjvm.service.metrics.ServerMetrics.Protocol;
import dev.ssjvm.service.metrics.TrafficStats.PortTotals;
import dev.ssjvm.service.metrics.TrafficStats.UserTotals;
import org.junit.jupiter.api.Test;

/** The server's own accounting: what each report adds, and where. */
class TrafficStatsTest {
    private final TrafficStats stats = new TrafficStats();

    @Test
    void tcpBytesAndConnectionsCountPerPortAndUser() {
        stats.tcpAccepted(1000);
        stats.tcpAccepted(1000);
        stats.tcpAccepted(2000);
        TrafficMeter alice = stats.tcpOpened(1000, "alice");
        TrafficMeter bob = stats.tcpOpened(1000, "bob");
        TrafficMeter other = stats.tcpOpened(2000, "alice");
        alice.up(100);
        alice.up(20);
        alice.down(3000);
        bob.down(7);
        other.up(1);

        PortTotals port = stats.ofPort(1000);
        assertThat(port.tcpAccepted()).isEqualTo(2);
        assertThat(port.users().get("alice")).isEqualTo(new UserTotals(120, 3000, 0, 0, 0, 0, 1, 1, 0, 0));
        assertThat(port.users().get("bob")).isEqualTo(new UserTotals(0, 7, 0, 0, 0, 0, 1, 1, 0, 0));
        assertThat(port.bytes()).isEqualTo(3127);
        assertThat(stats.ofPort(2000).users().get("alice").bytes()).as("the same name on another port")
                .isEqualTo(1);
        assertThat(stats.ofPort(2000).tcpAccepted()).isEqualTo(1);
    }

    @Test
    void openCountsFallWhenMetersClose() {
        TrafficMeter first = stats.tcpOpened(1000, "alice");
        stats.tcpOpened(1000, "alice");
        TrafficMeter udp = stats.udpOpened(1000, "alice");

        first.closed();
        udp.closed();

        UserTotals alice = stats.ofPort(1000).users().get("alice");
        assertThat(alice.tcpConnections()).isEqualTo(2);
        assertThat(alice.tcpOpen()).isEqualTo(1);
        assertThat(alice.udpAssociations()).isEqualTo(1);
        assertThat(alice.udpOpen()).isZero();
    }

    @Test
    void udpMetersCountPacketsAsWellAsBytes() {
        TrafficMeter meter = stats.udpOpened(1000, null);
        meter.up(500);
        meter.up(1);
        meter.down(1200);

        UserTotals totals = stats.ofPort(1000).users().get("");
        assertThat(totals.udpBytesUp()).isEqualTo(501);
        assertThat(totals.udpPacketsUp()).isEqualTo(2);
        assertThat(totals.udpBytesDown()).isEqualTo(1200);
        assertThat(totals.udpPacketsDown()).isEqualTo(1);
        assertThat(totals.tcpBytesUp()).isZero();
        assertThat(totals.bytes()).isEqualTo(1701);
    }

    @Test
    void singleKeyPortsCountUnderTheEmptyName() {
        stats.tcpOpened(1000, null).up(5);

        assertThat(stats.ofPort(1000).users()).containsOnlyKeys("");
    }

    @Test
    void failuresCountByKindAndProtocol() {
        stats.failure(1000, null, Protocol.TCP, Failure.AUTHENTICATION);
        stats.failure(1000, null, Protocol.TCP, Failure.AUTHENTICATION);
        stats.failure(1000, "alice", Protocol.TCP, Failure.BLOCKED_TARGET);
        stats.failure(1000, null, Protocol.UDP, Failure.REPLAY);
        stats.failure(1000, "alice", Protocol.UDP, Failure.OVERLOAD);
        stats.failure(2000, null, Protocol.UDP, Failure.REPLAY);

        PortTotals port = stats.ofPort(1000);
        assertThat(port.tcpFailures()).containsEntry(Failure.AUTHENTICATION, 2L)
                .containsEntry(Failure.BLOCKED_TARGET, 1L)
                .containsEntry(Failure.TIMEOUT, 0L)
                .hasSize(Failure.values().length);
        assertThat(port.udpFailures()).containsEntry(Failure.REPLAY, 1L).containsEntry(Failure.OVERLOAD, 1L)
                .containsEntry(Failure.AUTHENTICATION, 0L);
        assertThat(port.udpDropped()).isEqualTo(2);
        assertThat(stats.ofPort(2000).udpDropped()).isEqualTo(1);
        assertThat(port.tcpFailuresByUser()).as("TCP failures that named a user, and only those")
                .containsOnlyKeys("alice");
        assertThat(port.tcpFailuresByUser().get("alice")).containsExactly(entry(Failure.BLOCKED_TARGET, 1L));
    }

    @Test
    void limitHitsCountPerPortAndPerNamedUser() {
        stats.limitHit(1000, "bob", Refusal.CONNECTIONS);
        stats.limitHit(1000, "bob", Refusal.CONNECTIONS);
        stats.limitHit(1000, "carol", Refusal.QUOTA);
        stats.limitHit(1000, null, Refusal.EXPIRED);

        PortTotals port = stats.ofPort(1000);
        assertThat(port.limitHits()).containsEntry(Refusal.CONNECTIONS, 2L).containsEntry(Refusal.QUOTA, 1L)
                .containsEntry(Refusal.EXPIRED, 1L);
        assertThat(port.limitHitsByUser()).containsOnlyKeys("bob", "carol");
        assertThat(port.limitHitsByUser().get("bob")).containsExactly(entry(Refusal.CONNECTIONS, 2L));
        assertThat(port.limitHitsByUser().get("carol")).containsExactly(entry(Refusal.QUOTA, 1L));
    }

    @Test
    void aPortNeverSeenIsAllZerosAndNotInTheSnapshot() {
        stats.tcpAccepted(1000);

        PortTotals unseen = stats.ofPort(3000);
        assertThat(unseen.tcpAccepted()).isZero();
        assertThat(unseen.users()).isEmpty();
        assertThat(unseen.tcpFailures().values()).containsOnly(0L);
        assertThat(stats.snapshot()).containsOnlyKeys(1000);
    }

    @Test
    void countsOutliveTheMetersAndAReAddedUserKeepsItsTotals() {
        TrafficMeter before = stats.tcpOpened(1000, "alice");
        before.up(10);
        before.closed();

        TrafficMeter after = stats.tcpOpened(1000, "alice");
        after.up(5);

        UserTotals alice = stats.snapshot().get(1000).users().get("alice");
        assertThat(alice.tcpBytesUp()).isEqualTo(15);
        assertThat(alice.tcpConnections()).isEqualTo(2);
        assertThat(alice.tcpOpen()).isEqualTo(1);
    }
}
