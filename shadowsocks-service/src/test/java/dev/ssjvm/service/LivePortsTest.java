package dev.ssjvm.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.ssjvm.core.protocol.UserKey;
import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.crypto.Sip022Keys;
import dev.ssjvm.service.config.LocalListener;
import dev.ssjvm.service.config.LocalSettings;
import dev.ssjvm.service.config.Mode;
import dev.ssjvm.service.config.PortSettings;
import dev.ssjvm.service.config.ServerEndpoint;
import dev.ssjvm.service.config.ServerSettings;
import dev.ssjvm.service.limits.Limits;
import dev.ssjvm.service.limits.PortLimits;
import dev.ssjvm.service.local.ShadowsocksLocal;
import dev.ssjvm.service.metrics.Failure;
import dev.ssjvm.service.metrics.ServerMetrics;
import dev.ssjvm.service.metrics.TrafficStats;
import dev.ssjvm.service.server.ServerPort;
import dev.ssjvm.service.server.ShadowsocksServer;
import dev.ssjvm.service.testing.Await;
import dev.ssjvm.service.testing.LeakCheck;
import dev.ssjvm.service.testing.ProxyStack;
import dev.ssjvm.service.testing.Socks;
import dev.ssjvm.service.testing.SocksUdpClient;
import dev.ssjvm.service.testing.TestData;
import dev.ssjvm.service.testing.TestDns;
import dev.ssjvm.service.testing.TestTarget;
import dev.ssjvm.service.testing.UdpEcho;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntConsumer;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A running ssserver whose ports and users change under live clients (our sslocal): ports added,
 * removed (with and without drain) and replaced, users added, removed and re-keyed, with the
 * connections that must survive a change checked byte for byte and those that must not checked closed.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LivePortsTest {
    private static final CipherKind AES_128 = CipherKind.BLAKE3_AES_128_GCM;
    private static final String HOST = "127.0.0.1";

    private TestDns dns;
    private TestTarget target;
    private UdpEcho echo;
    private LoopHook hook;
    private ShadowsocksServer server;
    private final List<ShadowsocksLocal> locals = new ArrayList<>();
    private final List<AutoCloseable> clients = new ArrayList<>();

    @BeforeEach
    void startServer() throws IOException {
        dns = new TestDns().add(ProxyStack.TARGET_NAME, InetAddress.getLoopbackAddress());
        target = new TestTarget();
        echo = new UdpEcho("U:");
        hook = new LoopHook();
        // no ports at start: every port of these tests is added while the server runs
        server = ShadowsocksServer.start(ProxyStack.serverSettings(AES_128, "unused", dns).ports(List.of())
                .mode(Mode.TCP_AND_UDP).build(), hook);
    }

    @AfterEach
    void stopAll() throws Exception {
        for (AutoCloseable c : clients) {
            c.close();
        }
        for (ShadowsocksLocal local : locals) {
            local.close();
        }
        server.close();
        echo.close();
        target.close();
        dns.close();
    }

    // ---- 1. ports added and removed while the server runs

    @Test
    void anAddedPortServesAtOnceAndARemovedOneRefusesAndClosesItsConnections() throws Exception {
        String psk = Sip022Keys.generatePsk(AES_128);
        ServerPort port = server.add(PortSettings.of(HOST, 0, AES_128, psk));
        assertThat(server.ports()).containsExactly(port);
        assertThat(server.port(port.port())).isSameAs(port);
        assertThat(port.settings().port()).as("the settings name the bound port").isEqualTo(port.port());

        assertThat(port.multiUser()).as("a single-key port").isFalse();
        ShadowsocksLocal local = local(port.port(), AES_128, psk);
        Socket open = openEcho(local);
        TestTarget.roundTrip(open, "first");
        assertUdpEchoes(local);
        InetSocketAddress address = port.tcpAddresses().get(0);

        assertThat(server.remove(port.port(), Duration.ZERO)).isSameAs(port);
        assertRefused(address);
        // drain 0: the open connection is closed, not left to finish
        assertClosedByServer(open);
        port.closed().get(10, TimeUnit.SECONDS);
        assertThat(port.openConnections()).isZero();
        assertThat(server.ports()).isEmpty();
        assertThat(server.port(port.port())).isNull();
        assertThat(server.tcpAddresses()).isEmpty();
        assertThat(server.remove(port.port(), Duration.ZERO)).as("a second remove finds nothing").isNull();
    }

    @Test
    void aRemovedPortWithDrainLetsATransferInFlightFinishIntact() throws Exception {
        String psk = Sip022Keys.generatePsk(AES_128);
        ServerPort port = server.add(PortSettings.of(HOST, 0, AES_128, psk));
        ShadowsocksLocal local = local(port.port(), AES_128, psk);
        InetSocketAddress address = port.tcpAddresses().get(0);
        long size = 24L * 1024 * 1024;

        try (Socket s = Socks.connect(socks(local), ProxyStack.TARGET_NAME, target.port())) {
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeByte('D');
            out.writeLong(size);
            out.flush();
            MessageDigest sha = TestData.sha256();
            long got = TestData.read(s.getInputStream(), sha, 1024 * 1024);
            assertThat(got).isEqualTo(1024 * 1024);

            // the drain is long, so closed() completing below is the transfer ending, not the deadline
            server.remove(port.port(), Duration.ofSeconds(60));
            assertRefused(address);
            assertThat(server.ports()).isEmpty();
            // the client holds the rest of the transfer back by not reading: the port cannot be done yet
            assertThat(port.closed()).isNotDone();
            assertThat(port.openConnections()).isEqualTo(1);

            got += TestData.read(s.getInputStream(), sha, Long.MAX_VALUE);
            assertThat(got).isEqualTo(size);
            assertThat(sha.digest()).as("download hash across the removal").isEqualTo(TestData.streamHash(size));
        }
        port.closed().get(30, TimeUnit.SECONDS);
        assertThat(port.openConnections()).isZero();
    }

    // ---- 2. replace with other users only

    @Test
    void replacingOnlyTheUsersTouchesOnlyTheUsersThatChange() throws Exception {
        String ipsk = Sip022Keys.generatePsk(AES_128);
        UserKey alice = new UserKey("alice", Sip022Keys.generatePsk(AES_128));
        UserKey bob = new UserKey("bob", Sip022Keys.generatePsk(AES_128));
        UserKey carol = new UserKey("carol", Sip022Keys.generatePsk(AES_128));
        ServerPort port = server.add(PortSettings.of(HOST, 0, AES_128, ipsk).withUsers(List.of(alice, bob)));
        int n = port.port();
        ShadowsocksLocal alices = local(n, AES_128, ipsk + ":" + alice.key());
        ShadowsocksLocal bobs = local(n, AES_128, ipsk + ":" + bob.key());
        ShadowsocksLocal carols = local(n, AES_128, ipsk + ":" + carol.key());
        ShadowsocksLocal strangers = local(n, AES_128, ipsk + ":" + Sip022Keys.generatePsk(AES_128));
        assertGetsNowhere(carols, n);
        assertGetsNowhere(strangers, n);

        Socket bobsOpen = openEcho(bobs);
        TestTarget.roundTrip(bobsOpen, "bob before");
        SocksUdpClient bobsUdp = udpClient(bobs);
        assertUdpEchoes(bobsUdp);
        SocksUdpClient alicesUdp = udpClient(alices);
        assertUdpEchoes(alicesUdp);
        assertThat(port.udpAssociations()).isEqualTo(2);

        long size = 32L * 1024 * 1024;
        try (Socket transfer = Socks.connect(socks(alices), ProxyStack.TARGET_NAME, target.port())) {
            DataOutputStream out = new DataOutputStream(transfer.getOutputStream());
            out.writeByte('D');
            out.writeLong(size);
            out.flush();
            MessageDigest sha = TestData.sha256();
            long got = TestData.read(transfer.getInputStream(), sha, 1024 * 1024);

            // the settings the port reports, given back with other users: the port keeps running
            ServerPort after = server.replace(port.settings().withUsers(List.of(alice, carol)), Duration.ZERO);
            assertThat(after).isSameAs(port);
            assertThat(server.ports()).containsExactly(port);
            assertThat(port.closed()).isNotDone();
            assertThat(port.settings().users()).extracting(UserKey::name).containsExactly("alice", "carol");

            // bob's connection and association are closed; alice's stay
            assertClosedByServer(bobsOpen);
            Await.until(() -> port.udpAssociations() == 1, "bob's association closed");
            assertUdpEchoes(alicesUdp);

            got += TestData.read(transfer.getInputStream(), sha, Long.MAX_VALUE);
            assertThat(got).isEqualTo(size);
            assertThat(sha.digest()).as("alice's download across the change").isEqualTo(TestData.streamHash(size));
        }

        // bob is now a stranger, exactly; carol is welcome
        assertGetsNowhere(bobs, n);
        assertGetsNowhere(strangers, n);
        TestTarget.roundTrip(openEcho(carols), "carol");
        assertUdpEchoes(carols);
        TestTarget.roundTrip(openEcho(alices), "alice again");
    }

    // ---- 3. the same on the port directly, and re-keying

    @Test
    void putUserAndRemoveUserOnThePortAndReKeying() throws Exception {
        String ipsk = Sip022Keys.generatePsk(AES_128);
        UserKey alice = new UserKey("alice", Sip022Keys.generatePsk(AES_128));
        UserKey bob = new UserKey("bob", Sip022Keys.generatePsk(AES_128));
        ServerPort port = server.add(PortSettings.of(HOST, 0, AES_128, ipsk).withUsers(List.of(alice)));
        int n = port.port();
        ShadowsocksLocal alices = local(n, AES_128, ipsk + ":" + alice.key());
        ShadowsocksLocal bobs = local(n, AES_128, ipsk + ":" + bob.key());
        assertGetsNowhere(bobs, n);

        port.putUser(bob);
        assertThat(port.settings().users()).extracting(UserKey::name).containsExactly("alice", "bob");
        Socket alicesOpen = openEcho(alices);
        TestTarget.roundTrip(alicesOpen, "alice");
        Socket bobsOpen = openEcho(bobs);
        TestTarget.roundTrip(bobsOpen, "bob");
        assertUdpEchoes(bobs);

        // the same key again is no change: bob's connection stays
        port.putUser(bob);
        TestTarget.roundTrip(bobsOpen, "bob still");

        assertThat(port.removeUser("bob")).isTrue();
        assertClosedByServer(bobsOpen);
        TestTarget.roundTrip(alicesOpen, "alice untouched");
        assertGetsNowhere(bobs, n);
        assertThat(port.removeUser("bob")).as("no such user any more").isFalse();
        assertThat(port.settings().users()).extracting(UserKey::name).containsExactly("alice");

        // a new key for alice: the connection made with the old one is closed, the new key works
        UserKey rekeyed = new UserKey("alice", Sip022Keys.generatePsk(AES_128));
        port.putUser(rekeyed);
        assertClosedByServer(alicesOpen);
        ShadowsocksLocal alicesNew = local(n, AES_128, ipsk + ":" + rekeyed.key());
        TestTarget.roundTrip(openEcho(alicesNew), "alice, new key");
        assertUdpEchoes(alicesNew);
        assertGetsNowhere(alices, n);
        assertThat(port.settings().users()).containsExactly(rekeyed);

        // a key that does not fit, or one that another user has, changes nothing
        assertThatThrownBy(() -> port.putUser(new UserKey("dave", "not a key"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> port.putUser(new UserKey("eve", rekeyed.key())))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(port.settings().users()).containsExactly(rekeyed);
        TestTarget.roundTrip(openEcho(alicesNew), "alice, after refused changes");

        // the last user gone: the port still reads identity headers (multi-user for life) and takes users again
        assertThat(port.removeUser("alice")).isTrue();
        assertThat(port.settings().users()).isEmpty();
        assertThat(port.multiUser()).isTrue();
        assertGetsNowhere(alicesNew, n);
        port.putUser(rekeyed);
        TestTarget.roundTrip(openEcho(alicesNew), "alice, back on a port that had no users");
    }

    @Test
    void twoUsersMaySwapKeysInOneReplace() throws Exception {
        String ipsk = Sip022Keys.generatePsk(AES_128);
        String first = Sip022Keys.generatePsk(AES_128);
        String second = Sip022Keys.generatePsk(AES_128);
        ServerPort port = server.add(PortSettings.of(HOST, 0, AES_128, ipsk)
                .withUsers(List.of(new UserKey("alice", first), new UserKey("bob", second))));
        ServerPort same = server.replace(port.settings()
                .withUsers(List.of(new UserKey("alice", second), new UserKey("bob", first))), Duration.ZERO);
        assertThat(same).isSameAs(port);
        assertThat(port.settings().users()).containsExactly(new UserKey("alice", second), new UserKey("bob", first));
        // both keys still open the port: each now under the other user's name
        TestTarget.roundTrip(openEcho(local(port.port(), AES_128, ipsk + ":" + first)), "first key");
        TestTarget.roundTrip(openEcho(local(port.port(), AES_128, ipsk + ":" + second)), "second key");
        Map<String, TrafficStats.UserTotals> users = server.traffic().ofPort(port.port()).users();
        assertThat(users.get("bob").tcpConnections()).isEqualTo(1);
        assertThat(users.get("alice").tcpConnections()).isEqualTo(1);
    }

    // ---- 4. replace with another method or key

    @Test
    void replacingTheMethodOrKeyRestartsThePortUnderTheNewKey() throws Exception {
        String first = Sip022Keys.generatePsk(AES_128);
        ServerPort old = server.add(PortSettings.of(HOST, 0, AES_128, first));
        int n = old.port();
        ShadowsocksLocal firstLocal = local(n, AES_128, first);
        Socket oldOpen = openEcho(firstLocal);
        TestTarget.roundTrip(oldOpen, "old key");

        // another key, no drain: the old port and its connection are gone, the new one serves on the same number
        String second = Sip022Keys.generatePsk(AES_128);
        ServerPort fresh = server.replace(withKey(old.settings(), AES_128, second), Duration.ZERO);
        assertThat(fresh).isNotSameAs(old);
        assertThat(fresh.port()).isEqualTo(n);
        assertThat(server.ports()).containsExactly(fresh);
        old.closed().get(10, TimeUnit.SECONDS);
        assertClosedByServer(oldOpen);
        ShadowsocksLocal secondLocal = local(n, AES_128, second);
        Socket secondOpen = openEcho(secondLocal);
        TestTarget.roundTrip(secondOpen, "new key");
        assertUdpEchoes(secondLocal);
        assertGetsNowhere(firstLocal, n);

        // another method, with drain: the old connection goes on, the new method serves, the old key no longer
        ServerPort third = server.replace(withKey(fresh.settings(), CipherKind.AES_256_GCM, "a plain password"),
                Duration.ofSeconds(60));
        assertThat(third).isNotSameAs(fresh);
        assertThat(server.port(n)).isSameAs(third);
        assertThat(third.settings().method()).isEqualTo(CipherKind.AES_256_GCM);
        ShadowsocksLocal thirdLocal = local(n, CipherKind.AES_256_GCM, "a plain password");
        TestTarget.roundTrip(openEcho(thirdLocal), "new method");
        assertUdpEchoes(thirdLocal);
        TestTarget.roundTrip(secondOpen, "draining connection of the replaced port");
        assertThat(fresh.closed()).isNotDone();
        assertGetsNowhere(secondLocal, n);
        secondOpen.close();
        fresh.closed().get(30, TimeUnit.SECONDS);
    }

    // ---- 5. misuse

    @Test
    void aPortNumberInUseAndBadKeysAreRefusedAndLeaveNothingBound() throws Exception {
        String psk = Sip022Keys.generatePsk(AES_128);
        ServerPort port = server.add(PortSettings.of(HOST, 0, AES_128, psk));
        ShadowsocksLocal local = local(port.port(), AES_128, psk);
        Socket open = openEcho(local);

        assertThatThrownBy(() -> server.add(PortSettings.of(HOST, port.port(), AES_128, Sip022Keys.generatePsk(AES_128))))
                .isInstanceOf(IllegalStateException.class);

        int free = freePort();
        assertThatThrownBy(() -> server.add(PortSettings.of(HOST, free, AES_128, "not base64!")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> server.add(PortSettings.of(HOST, free, AES_128, Sip022Keys.generatePsk(AES_128))
                .withUsers(List.of(new UserKey("alice", "short")))))
                .isInstanceOf(IllegalArgumentException.class);
        assertFree(free);

        // TCP binds, then UDP cannot (someone else has it): the TCP listener must not stay behind
        try (DatagramSocket squatter = new DatagramSocket(new InetSocketAddress(HOST, free))) {
            assertThatThrownBy(() -> server.add(PortSettings.of(HOST, free, AES_128, psk).withMode(Mode.TCP_AND_UDP)))
                    .isInstanceOf(IOException.class);
        }
        assertFree(free);

        // a replace with a bad key is refused before the running port is touched
        assertThatThrownBy(() -> server.replace(withKey(port.settings(), AES_128, "bad"), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(server.ports()).containsExactly(port);
        assertThat(port.closed()).isNotDone();
        TestTarget.roundTrip(open, "still served");
    }

    @Test
    void changesFromAnEventLoopAreRefusedRatherThanBlocking() throws Exception {
        String psk = Sip022Keys.generatePsk(AES_128);
        ServerPort port = server.add(PortSettings.of(HOST, 0, AES_128, psk));
        int free = freePort();
        PortSettings another = PortSettings.of(HOST, free, AES_128, psk);
        List<Callable<Object>> changes = List.of(
                () -> server.add(another),
                () -> server.remove(port.port(), Duration.ZERO),
                () -> server.replace(withKey(port.settings(), AES_128, Sip022Keys.generatePsk(AES_128)), Duration.ZERO));
        for (Callable<Object> change : changes) {
            assertThat(onEventLoop(port, change).get(10, TimeUnit.SECONDS))
                    .as("the change on an event loop is refused").isInstanceOf(IllegalStateException.class);
        }
        // the same while another thread holds the server's lock, as one in the middle of add() does while
        // the loops bind its sockets: a loop that waited for the lock then would never run that bind
        List<CompletableFuture<Throwable>> outcomes = new ArrayList<>();
        boolean blocked = false;
        synchronized (server) {
            for (Callable<Object> change : changes) {
                CompletableFuture<Throwable> outcome = onEventLoop(port, change);
                outcomes.add(outcome);
                try {
                    outcome.get(10, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    blocked = true; // let go of the lock first, so that the loop can go on and the test end
                    break;
                }
            }
        }
        List<Throwable> thrown = new ArrayList<>();
        for (CompletableFuture<Throwable> outcome : outcomes) {
            thrown.add(outcome.get(10, TimeUnit.SECONDS)); // the lock is free now: whatever waited has gone on
        }
        assertThat(blocked).as("a loop waited for the server's lock instead of refusing").isFalse();
        assertThat(thrown).allMatch(e -> e instanceof IllegalStateException);
        assertThat(outcomes).hasSameSizeAs(changes);
        assertThat(server.ports()).containsExactly(port);
        assertThat(server.port(free)).isNull();
        assertFree(free);
        TestTarget.roundTrip(openEcho(local(port.port(), AES_128, psk)), "unchanged");
    }

    // ---- 6. accounting

    @Test
    void trafficIsCountedPerPortAndUserAndOutlivesReplacedAndRemovedPorts() throws Exception {
        String ipsk = Sip022Keys.generatePsk(AES_128);
        UserKey alice = new UserKey("alice", Sip022Keys.generatePsk(AES_128));
        UserKey bob = new UserKey("bob", Sip022Keys.generatePsk(AES_128));
        ServerPort multi = server.add(PortSettings.of(HOST, 0, AES_128, ipsk).withUsers(List.of(alice, bob)));
        String single = Sip022Keys.generatePsk(AES_128);
        ServerPort plain = server.add(PortSettings.of(HOST, 0, AES_128, single));
        int m = multi.port();
        int p = plain.port();

        upload(local(m, AES_128, ipsk + ":" + alice.key()), 1_000_000);
        upload(local(m, AES_128, ipsk + ":" + bob.key()), 2_000_000);
        upload(local(p, AES_128, single), 3_000_000);
        Map<Integer, TrafficStats.PortTotals> before = server.traffic().snapshot();
        assertThat(before.get(m).users()).containsOnlyKeys("alice", "bob");
        assertThat(before.get(m).users().get("alice").tcpBytesUp()).isBetween(1_000_000L, 1_001_000L);
        assertThat(before.get(m).users().get("bob").tcpBytesUp()).isBetween(2_000_000L, 2_001_000L);
        assertThat(before.get(p).users()).containsOnlyKeys("");
        assertThat(before.get(p).users().get("").tcpBytesUp()).isBetween(3_000_000L, 3_001_000L);

        // a new identity key restarts the multi-user port: its counts stay, and alice's grow from them
        String ipsk2 = Sip022Keys.generatePsk(AES_128);
        ServerPort replaced = server.replace(withKey(multi.settings(), AES_128, ipsk2), Duration.ZERO);
        assertThat(replaced).isNotSameAs(multi);
        Map<Integer, TrafficStats.PortTotals> afterReplace = server.traffic().snapshot();
        assertThat(afterReplace.get(m).users().get("alice").tcpBytesUp())
                .isEqualTo(before.get(m).users().get("alice").tcpBytesUp());
        assertThat(afterReplace.get(m).users().get("bob").tcpBytesUp())
                .isEqualTo(before.get(m).users().get("bob").tcpBytesUp());
        upload(local(m, AES_128, ipsk2 + ":" + alice.key()), 500_000);
        TrafficStats.UserTotals alices = server.traffic().snapshot().get(m).users().get("alice");
        assertThat(alices.tcpBytesUp()).isBetween(1_500_000L, 1_502_000L);
        assertThat(alices.tcpConnections()).isEqualTo(2);

        // a removed port's counts stay too
        server.remove(p, Duration.ZERO);
        plain.closed().get(10, TimeUnit.SECONDS);
        TrafficStats.UserTotals plains = server.traffic().snapshot().get(p).users().get("");
        assertThat(plains.tcpBytesUp()).isEqualTo(before.get(p).users().get("").tcpBytesUp());
        assertThat(plains.tcpOpen()).isZero();
    }

    // ---- 7. reload: the file's changes on top of the run-time ones

    @Test
    void aReloadAppliesWhatTheFileChangedAndKeepsWhatWasChangedAtRunTime() throws Exception {
        int n = freePort();
        String ipsk = Sip022Keys.generatePsk(AES_128);
        UserKey alice = new UserKey("alice", Sip022Keys.generatePsk(AES_128));
        UserKey bob = new UserKey("bob", Sip022Keys.generatePsk(AES_128));
        UserKey carol = new UserKey("carol", Sip022Keys.generatePsk(AES_128));
        UserKey dave = new UserKey("dave", Sip022Keys.generatePsk(AES_128));
        PortSettings first = PortSettings.of(HOST, n, AES_128, ipsk).withUsers(List.of(alice, bob));
        assertThat(server.apply(reloaded(first), Duration.ZERO).added()).containsExactly(n);
        ServerPort port = server.port(n);
        port.putUser(carol); // as the manager or the HTTP API would
        port.updateLimits(port.settings().limits().withUser("carol", new Limits(7, 0, 0, 0, null, null)));
        ShadowsocksLocal alices = local(n, AES_128, ipsk + ":" + alice.key());
        Socket alicesOpen = openEcho(alices);
        TestTarget.roundTrip(alicesOpen, "alice before");

        // the same file again changes nothing, and undoes nothing done at run time
        ShadowsocksServer.Reload same = server.apply(reloaded(first), Duration.ZERO);
        assertThat(same.changed()).isEmpty();
        assertThat(port.settings().users()).extracting(UserKey::name).containsExactly("alice", "bob", "carol");
        assertThat(port.settings().limits().of("carol").maxConnections()).isEqualTo(7);

        // the file drops bob, adds dave and limits alice: only those change
        PortSettings second = first.withUsers(List.of(alice, dave))
                .withLimits(PortLimits.NONE.withUser("alice", new Limits(5, 0, 0, 0, null, null)));
        assertThat(server.apply(reloaded(second), Duration.ZERO).changed()).containsExactly(n);
        assertThat(server.port(n)).as("the port keeps running").isSameAs(port);
        assertThat(port.settings().users()).extracting(UserKey::name).containsExactly("alice", "carol", "dave");
        assertThat(port.settings().limits().of("alice").maxConnections()).isEqualTo(5);
        assertThat(port.settings().limits().of("carol").maxConnections()).isEqualTo(7);
        TestTarget.roundTrip(alicesOpen, "alice across the reload");
        assertGetsNowhere(local(n, AES_128, ipsk + ":" + bob.key()), n);
        TestTarget.roundTrip(openEcho(local(n, AES_128, ipsk + ":" + carol.key())), "carol, added at run time");
        TestTarget.roundTrip(openEcho(local(n, AES_128, ipsk + ":" + dave.key())), "dave, added by the file");

        // a new identity key restarts the port with the file's users only
        String ipsk2 = Sip022Keys.generatePsk(AES_128);
        assertThat(server.apply(reloaded(withKey(second, AES_128, ipsk2)), Duration.ZERO).changed()).containsExactly(n);
        assertThat(server.port(n)).isNotSameAs(port);
        assertThat(server.port(n).settings().users()).extracting(UserKey::name).containsExactly("alice", "dave");
        assertClosedByServer(alicesOpen);
    }

    private ServerSettings reloaded(PortSettings port) {
        return ProxyStack.serverSettings(AES_128, "unused", dns).ports(List.of(port)).mode(Mode.TCP_AND_UDP).build();
    }

    // ---- 8. concurrency

    @Test
    void concurrentAddsAndRemovesEndWithExactlyTheExpectedPortsAllServing() throws Exception {
        String psk = Sip022Keys.generatePsk(AES_128);
        PortSettings settings = PortSettings.of(HOST, 0, AES_128, psk);
        List<ServerPort> preexisting = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            preexisting.add(server.add(settings));
        }
        int adders = 4;
        int removers = 2;
        CountDownLatch go = new CountDownLatch(1);
        List<ServerPort> gone = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(adders + removers);
        List<Future<List<ServerPort>>> kept = new ArrayList<>();
        try {
            for (int t = 0; t < adders; t++) {
                kept.add(pool.submit(() -> {
                    go.await();
                    List<ServerPort> mine = new ArrayList<>();
                    for (int i = 0; i < 3; i++) {
                        mine.add(server.add(settings));
                    }
                    // each adder takes back the first port it added, while the others still add
                    ServerPort first = mine.remove(0);
                    assertThat(server.remove(first.port(), Duration.ZERO)).isSameAs(first);
                    gone.add(first);
                    return mine;
                }));
            }
            for (int t = 0; t < removers; t++) {
                List<ServerPort> theirs = preexisting.subList(2 * t, 2 * t + 2);
                kept.add(pool.submit(() -> {
                    go.await();
                    for (ServerPort port : theirs) {
                        assertThat(server.remove(port.port(), Duration.ZERO)).isSameAs(port);
                        gone.add(port);
                    }
                    return List.of();
                }));
            }
            go.countDown();
            List<ServerPort> expected = new ArrayList<>();
            for (Future<List<ServerPort>> f : kept) {
                expected.addAll(f.get(60, TimeUnit.SECONDS));
            }
            assertThat(expected).hasSize(adders * 2);
            assertThat(gone).hasSize(adders + removers * 2);

            assertThat(server.ports()).containsExactlyInAnyOrderElementsOf(expected);
            Set<Integer> numbers = new HashSet<>();
            expected.forEach(p -> numbers.add(p.port()));
            assertThat(numbers).as("distinct port numbers").hasSize(expected.size());
            assertThat(server.tcpAddresses()).extracting(InetSocketAddress::getPort)
                    .containsExactlyInAnyOrderElementsOf(numbers);
            assertThat(server.udpAddresses()).extracting(InetSocketAddress::getPort)
                    .containsExactlyInAnyOrderElementsOf(numbers);
            for (ServerPort port : expected) {
                assertThat(server.port(port.port())).isSameAs(port);
                try (ShadowsocksLocal local = ShadowsocksLocal.start(localSettings(port.port(), AES_128, psk));
                        Socket s = openEcho(local)) {
                    TestTarget.roundTrip(s, "port " + port.port());
                }
            }
            for (ServerPort port : gone) {
                port.closed().get(10, TimeUnit.SECONDS);
                if (!numbers.contains(port.port())) { // the kernel may hand a freed number to a later add
                    assertRefused(new InetSocketAddress(HOST, port.port()));
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- helpers

    /**
     * Runs {@code change} on the event loop that accepts a new TCP connection to {@code port} (from the
     * server's metrics hook); completes with what it threw, or {@code null} if it returned.
     */
    private CompletableFuture<Throwable> onEventLoop(ServerPort port, Callable<Object> change) throws IOException {
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        hook.onAccept = number -> {
            hook.onAccept = null;
            try {
                change.call();
                outcome.complete(null);
            } catch (Throwable e) {
                outcome.complete(e);
            }
        };
        Socket s = new Socket();
        clients.add(s);
        s.connect(port.tcpAddresses().get(0), 5000);
        return outcome;
    }

    /** Server metrics that let a test run code on the loop that accepts a connection. */
    private static final class LoopHook implements ServerMetrics {
        volatile IntConsumer onAccept;

        @Override
        public void tcpAccepted(int port) {
            IntConsumer action = onAccept;
            if (action != null) {
                action.accept(port);
            }
        }
    }

    private ShadowsocksLocal local(int serverPort, CipherKind method, String password) throws IOException {
        ShadowsocksLocal local = ShadowsocksLocal.start(localSettings(serverPort, method, password));
        locals.add(local);
        return local;
    }

    private static LocalSettings localSettings(int serverPort, CipherKind method, String password) {
        return LocalSettings.of(List.of(new ServerEndpoint(HOST, serverPort, method, password)),
                List.of(LocalListener.socks(HOST, 0))).withMode(Mode.TCP_AND_UDP);
    }

    private static InetSocketAddress socks(ShadowsocksLocal local) {
        return local.tcpAddresses().get(0);
    }

    private static PortSettings withKey(PortSettings s, CipherKind method, String password) {
        return new PortSettings(s.hosts(), s.port(), method, password, s.users(), s.mode(), s.timeout(), s.remarks(),
                s.limits());
    }

    /** An echo connection to the target through {@code local}, kept open by the test. */
    private Socket openEcho(ShadowsocksLocal local) throws IOException {
        Socket s = Socks.connect(socks(local), ProxyStack.TARGET_NAME, target.port());
        clients.add(s);
        return TestTarget.echo(s);
    }

    private SocksUdpClient udpClient(ShadowsocksLocal local) throws IOException {
        SocksUdpClient udp = new SocksUdpClient(socks(local));
        clients.add(udp);
        return udp;
    }

    private void assertUdpEchoes(ShadowsocksLocal local) throws IOException {
        try (SocksUdpClient udp = new SocksUdpClient(socks(local))) {
            assertUdpEchoes(udp);
        }
    }

    private void assertUdpEchoes(SocksUdpClient udp) throws IOException {
        udp.send(echo.address(), new byte[] {42});
        SocksUdpClient.Reply reply = udp.receive(5000);
        assertThat(reply).as("a UDP reply").isNotNull();
        assertThat(reply.data()).containsExactly('U', ':', 42);
    }

    /**
     * What a stranger gets on a multi-user port: the server takes the request, counts a failed
     * authentication, and the target sees nothing, over TCP or UDP.
     */
    private void assertGetsNowhere(ShadowsocksLocal local, int port) throws Exception {
        int accepted = target.accepted();
        LongSupplier tcpRefused = () -> server.traffic().ofPort(port).tcpFailures().get(Failure.AUTHENTICATION);
        long tcpBefore = tcpRefused.getAsLong();
        try (Socket s = Socks.connect(socks(local), ProxyStack.TARGET_NAME, target.port())) {
            s.getOutputStream().write(new byte[] {'E', 1});
            Await.until(() -> tcpRefused.getAsLong() == tcpBefore + 1, "the request is refused");
            s.setSoTimeout(300);
            assertThat(EndToEndTest.readToEndOrTimeout(s.getInputStream())).isEmpty();
        }
        LongSupplier udpRefused = () -> server.traffic().ofPort(port).udpFailures().get(Failure.AUTHENTICATION);
        long udpBefore = udpRefused.getAsLong();
        int received = echo.received();
        try (SocksUdpClient udp = new SocksUdpClient(socks(local))) {
            udp.send(echo.address(), new byte[] {1});
            Await.until(() -> udpRefused.getAsLong() == udpBefore + 1, "the packet is dropped");
            assertThat(udp.receive(300)).isNull();
        }
        assertThat(echo.received()).isEqualTo(received);
        assertThat(target.accepted()).as("the target saw no connection").isEqualTo(accepted);
    }

    /** The server closed this connection: the client reads the end of the stream (or a reset), not silence. */
    private static void assertClosedByServer(Socket s) throws IOException {
        s.setSoTimeout(10_000);
        try {
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        } catch (SocketTimeoutException e) {
            fail("the connection is still open");
        } catch (SocketException e) {
            // reset: closed as well
        }
    }

    private static void assertRefused(InetSocketAddress address) {
        assertThatThrownBy(() -> {
            try (Socket s = new Socket()) {
                s.connect(address, 5000);
            }
        }).isInstanceOf(ConnectException.class);
    }

    /** Nothing listens on the port, TCP or UDP: we can bind both ourselves. */
    private static void assertFree(int port) throws IOException {
        try (ServerSocket tcp = new ServerSocket()) {
            tcp.bind(new InetSocketAddress(HOST, port));
        }
        try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(HOST, port))) {
            assertThat(udp.getLocalPort()).isEqualTo(port);
        }
    }

    /** A port number nothing uses now (the kernel's pick, released again). */
    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return probe.getLocalPort();
        }
    }

    /** Uploads {@code size} bytes through {@code local} and checks the target's hash of them. */
    private void upload(ShadowsocksLocal local, long size) throws IOException {
        try (Socket s = Socks.connect(socks(local), ProxyStack.TARGET_NAME, target.port())) {
            TestTarget.upload(s, size);
        }
    }
}
