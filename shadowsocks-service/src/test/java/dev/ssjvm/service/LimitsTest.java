package dev.ssjvm.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssjvm.core.protocol.UserKey;
import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.crypto.Sip022Keys;
import dev.ssjvm.service.config.LocalListener;
import dev.ssjvm.service.config.LocalSettings;
import dev.ssjvm.service.config.PortSettings;
import dev.ssjvm.service.config.ServerEndpoint;
import dev.ssjvm.service.limits.Limits;
import dev.ssjvm.service.limits.PortLimits;
import dev.ssjvm.service.limits.Refusal;
import dev.ssjvm.service.local.ShadowsocksLocal;
import dev.ssjvm.service.metrics.Failure;
import dev.ssjvm.service.server.ServerPort;
import dev.ssjvm.service.server.ShadowsocksServer;
import dev.ssjvm.service.testing.Await;
import dev.ssjvm.service.testing.LeakCheck;
import dev.ssjvm.service.testing.ProxyStack;
import dev.ssjvm.service.testing.Socks;
import dev.ssjvm.service.testing.TestData;
import dev.ssjvm.service.testing.TestDns;
import dev.ssjvm.service.testing.TestTarget;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Limits on a multi-user 2022 port, end to end with our sslocal: a rate is kept within 10 %, the
 * connection limit turns the extra connection away, a user over quota or expired is treated as a
 * stranger (the target never sees it) and its open connections are closed.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LimitsTest {
    private static final CipherKind METHOD = CipherKind.BLAKE3_AES_256_GCM;
    private static final long RATE = 1_000_000; // bytes per second

    private TestDns dns;
    private TestTarget target;
    private ShadowsocksServer server;
    private ServerPort port;
    private final String ipsk = Sip022Keys.generatePsk(METHOD);
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        dns = new TestDns().add(ProxyStack.TARGET_NAME, InetAddress.getLoopbackAddress());
        target = new TestTarget();
        // a short handshake deadline, so that a refused user's silent connection ends soon
        server = ShadowsocksServer.start(ProxyStack.serverSettings(METHOD, ipsk, dns).ports(List.of())
                .handshakeTimeout(Duration.ofSeconds(2)).build());
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
        server.close();
        target.close();
        dns.close();
    }

    private ShadowsocksLocal startPort(Map<String, Limits> limits, String... names) throws IOException {
        List<UserKey> users = new ArrayList<>();
        for (String name : names) {
            users.add(new UserKey(name, Sip022Keys.generatePsk(METHOD)));
        }
        port = server.add(PortSettings.of("127.0.0.1", 0, METHOD, ipsk).withUsers(users)
                .withLimits(new PortLimits(Limits.NONE, limits)));
        return null;
    }

    private ShadowsocksLocal local(String user) throws IOException {
        String key = port.settings().users().stream().filter(u -> u.name().equals(user)).findFirst().orElseThrow().key();
        ShadowsocksLocal local = ShadowsocksLocal.start(LocalSettings.of(
                List.of(new ServerEndpoint("127.0.0.1", port.port(), METHOD, ipsk + ":" + key)),
                List.of(LocalListener.socks("127.0.0.1", 0))));
        closeables.add(local);
        return local;
    }

    private Socket connect(ShadowsocksLocal local) throws IOException {
        Socket s = Socks.connect(local.tcpAddresses().get(0), ProxyStack.TARGET_NAME, target.port());
        closeables.add(s);
        return s;
    }

    @Test
    void ratesAreKeptWithinTenPercentEachWay() throws Exception {
        startPort(Map.of("alice", new Limits(0, RATE, RATE, 0, null, null)), "alice");
        ShadowsocksLocal alice = local("alice");
        long size = 6 * RATE;

        Socket down = connect(alice);
        DataOutputStream out = new DataOutputStream(down.getOutputStream());
        out.writeByte('D');
        out.writeLong(size);
        out.flush();
        InputStream in = down.getInputStream();
        MessageDigest sha = TestData.sha256();
        byte[] buf = new byte[65536];
        int n = in.read(buf);
        long first = System.nanoTime(); // from the first byte: the connection setup is not paced
        long got = 0;
        while (n >= 0) {
            sha.update(buf, 0, n);
            got += n;
            n = in.read(buf);
        }
        double downRate = got / ((System.nanoTime() - first) / 1e9);
        assertThat(got).isEqualTo(size);
        assertThat(sha.digest()).isEqualTo(TestData.streamHash(size));
        assertThat(downRate).as("download rate, bytes/s").isBetween(RATE * 0.9, RATE * 1.1);

        Socket up = connect(alice);
        out = new DataOutputStream(up.getOutputStream());
        out.writeByte('U');
        out.writeLong(size);
        long start = System.nanoTime();
        TestData.stream(size, out);
        out.flush();
        byte[] hash = up.getInputStream().readNBytes(32);
        double upRate = size / ((System.nanoTime() - start) / 1e9);
        assertThat(hash).isEqualTo(TestData.streamHash(size));
        assertThat(upRate).as("upload rate, bytes/s").isBetween(RATE * 0.9, RATE * 1.1);
    }

    @Test
    void theConnectionLimitTurnsTheExtraConnectionAway() throws Exception {
        startPort(Map.of("bob", new Limits(2, 0, 0, 0, null, null)), "bob");
        ShadowsocksLocal bob = local("bob");
        Socket one = echo(bob);
        Socket two = echo(bob);
        int accepted = target.accepted();
        Socket three = connect(bob);
        three.getOutputStream().write(new byte[] {'E', 1});
        assertThat(readToEnd(three)).as("the third connection is closed, never relayed").isEmpty();
        assertThat(target.accepted()).isEqualTo(accepted);
        Await.until(() -> server.traffic().ofPort(port.port()).limitHits().get(Refusal.CONNECTIONS) == 1, "counted");
        roundTrip(one, 2);
        two.close();
        Await.until(() -> port.limiter().connections("bob") == 1, "a slot is free again");
        roundTrip(echo(bob), 3);
    }

    @Test
    void aUserOverQuotaIsClosedAndThenTreatedAsAStranger() throws Exception {
        startPort(Map.of("carol", new Limits(0, 0, 0, 1_000_000, Duration.ofDays(30), null)), "carol", "dave");
        ShadowsocksLocal carol = local("carol");
        ShadowsocksLocal dave = local("dave");
        Socket open = echo(carol);
        upload(carol, 600_000); // within the quota
        // the next upload crosses the quota: the server closes carol's connections, this one with them
        Socket crossing = connect(carol);
        DataOutputStream out = new DataOutputStream(crossing.getOutputStream());
        out.writeByte('U');
        out.writeLong(600_000);
        try {
            TestData.stream(600_000, out);
        } catch (SocketException e) {
            // closed while still sending: that is the point
        }
        assertThat(readToEnd(crossing)).as("no hash: the upload was cut").isEmpty();
        assertThat(readToEnd(open)).as("carol's other connection is closed too").isEmpty();
        assertGetsNowhere(carol);
        roundTrip(echo(dave), 4); // another user is not touched
        assertThat(server.traffic().ofPort(port.port()).tcpFailures().get(Failure.LIMITED)).isPositive();

        // more quota: carol is back
        port.updateLimits(new PortLimits(Limits.NONE,
                Map.of("carol", new Limits(0, 0, 0, 10_000_000, Duration.ofDays(30), null))));
        roundTrip(echo(carol), 5);
    }

    @Test
    void anExpiredUserIsClosedAndThenTreatedAsAStranger() throws Exception {
        startPort(Map.of("erin", new Limits(0, 0, 0, 0, null, Instant.now().plusSeconds(3))), "erin");
        ShadowsocksLocal erin = local("erin");
        Socket open = echo(erin);
        roundTrip(open, 6);
        open.setSoTimeout(20_000);
        assertThat(open.getInputStream().read()).as("closed when the expiry comes").isEqualTo(-1);
        assertGetsNowhere(erin);
        assertThat(server.traffic().ofPort(port.port()).limitHits().get(Refusal.EXPIRED)).isPositive();
    }

    private Socket echo(ShadowsocksLocal local) throws IOException {
        Socket s = connect(local);
        s.getOutputStream().write('E');
        roundTrip(s, 0);
        return s;
    }

    private static void roundTrip(Socket s, int value) throws IOException {
        s.getOutputStream().write(value);
        s.setSoTimeout(10_000);
        assertThat(s.getInputStream().read()).isEqualTo(value);
    }

    private void upload(ShadowsocksLocal local, long size) throws IOException {
        TestTarget.upload(connect(local), size);
    }

    /** As a stranger: the target never sees the connection, which ends silently at the deadline. */
    private void assertGetsNowhere(ShadowsocksLocal local) throws Exception {
        int accepted = target.accepted();
        Socket s = connect(local);
        s.getOutputStream().write(new byte[] {'E', 1});
        assertThat(readToEnd(s)).isEmpty();
        assertThat(target.accepted()).isEqualTo(accepted);
    }

    private static byte[] readToEnd(Socket s) throws IOException {
        s.setSoTimeout(20_000);
        try {
            return s.getInputStream().readAllBytes();
        } catch (SocketException | SocketTimeoutException e) {
            return new byte[0];
        }
    }
}
