package dev.ssjvm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ssjvm.cli.LaunchersIT.Launched;
import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.crypto.Sip022Keys;
import dev.ssjvm.service.config.LocalListener;
import dev.ssjvm.service.config.LocalSettings;
import dev.ssjvm.service.config.ServerEndpoint;
import dev.ssjvm.service.local.ShadowsocksLocal;
import dev.ssjvm.service.testing.Closer;
import dev.ssjvm.service.testing.ExternalPeer;
import dev.ssjvm.service.testing.Socks;
import dev.ssjvm.service.testing.TestData;
import dev.ssjvm.service.testing.TestTarget;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Operating a running ssserver process with signals: SIGHUP reloads users without touching the
 * connections of those that stay, SIGTERM drains, a second SIGTERM stops at once. The server runs
 * from bin/ssserver; the clients are our sslocal, in this process.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class OperationsIT {
    private static final CipherKind METHOD = CipherKind.BLAKE3_AES_256_GCM;
    private static final long HUNDRED_MB = 100L * 1024 * 1024;
    /** A prefix that starts the launcher with SIGHUP at its default action. */
    private static final List<String> DEFAULT_SIGHUP = List.of("env", "--default-signal=HUP");

    @TempDir
    Path dir;

    @RegisterExtension
    final Closer closer = new Closer();

    private ShadowsocksLocal local(int serverPort, String password) throws IOException {
        return closer.add(ShadowsocksLocal.start(LocalSettings.of(
                List.of(new ServerEndpoint("127.0.0.1", serverPort, METHOD, password)),
                List.of(LocalListener.socks("127.0.0.1", 0)))));
    }

    private static String config(int port, String ipsk, String... users) {
        StringBuilder b = new StringBuilder("{\"server\": \"127.0.0.1\", \"server_port\": " + port
                + ", \"method\": \"" + METHOD + "\", \"password\": \"" + ipsk + "\", \"forbidden_ip\": \"\","
                + " \"handshake_timeout\": 2, \"users\": [");
        for (int i = 0; i < users.length; i += 2) {
            b.append(i == 0 ? "" : ", ").append("{\"name\": \"").append(users[i]).append("\", \"password\": \"")
                    .append(users[i + 1]).append("\"}");
        }
        return b.append("]}").toString();
    }

    /** Asks the target for {@code size} bytes and reads {@code first} of them; the rest waits in the pipe. */
    private Socket startDownload(ShadowsocksLocal local, TestTarget target, long size) throws IOException {
        Socket s = closer.add(Socks.connect(local.tcpAddresses().get(0), "127.0.0.1", target.port()));
        DataOutputStream out = new DataOutputStream(s.getOutputStream());
        out.writeByte('D');
        out.writeLong(size);
        out.flush();
        return s;
    }

    private static boolean echoes(ShadowsocksLocal local, TestTarget target) throws IOException {
        try (Socket s = Socks.connect(local.tcpAddresses().get(0), "127.0.0.1", target.port())) {
            s.setSoTimeout(5_000);
            s.getOutputStream().write(new byte[] {'E', 42});
            return s.getInputStream().read() == 42;
        } catch (SocketTimeoutException | SocketException e) {
            return false;
        }
    }

    @Test
    void sighupAddsAndRemovesUsersAndATransferOfAUserThatStaysIsIntact() throws Exception {
        String ipsk = Sip022Keys.generatePsk(METHOD);
        String alice = Sip022Keys.generatePsk(METHOD);
        String bob = Sip022Keys.generatePsk(METHOD);
        String carol = Sip022Keys.generatePsk(METHOD);
        int port = ExternalPeer.freePort();
        Path file = dir.resolve("server.json");
        Files.writeString(file, config(port, ipsk, "alice", alice, "bob", bob));
        TestTarget target = closer.add(new TestTarget());
        // SIGHUP at its default whatever the harness did to it (nohup ignores it, and the JVM keeps that)
        Launched server = closer.add(Launched.start(dir, DEFAULT_SIGHUP, Map.of(), "ssserver", "-c", file.toString())
                .awaitTcp(port));
        ShadowsocksLocal alices = local(port, ipsk + ":" + alice);
        ShadowsocksLocal bobs = local(port, ipsk + ":" + bob);
        ShadowsocksLocal carols = local(port, ipsk + ":" + carol);
        assertThat(echoes(bobs, target)).isTrue();
        assertThat(echoes(carols, target)).as("carol is not a user yet").isFalse();

        Socket download = startDownload(alices, target, HUNDRED_MB);
        MessageDigest sha = TestData.sha256();
        assertThat(TestData.read(download.getInputStream(), sha, 10_000_000)).isEqualTo(10_000_000);

        Files.writeString(file, config(port, ipsk, "alice", alice, "carol", carol));
        server.signal("HUP");
        server.awaitLog("reloaded", 1);
        assertThat(echoes(carols, target)).as("carol, added by the reload").isTrue();
        int accepted = target.accepted();
        assertThat(echoes(bobs, target)).as("bob, removed by the reload").isFalse();
        assertThat(target.accepted()).as("bob's request never reached the target").isEqualTo(accepted);

        // a broken config is refused, and what runs stays
        Files.writeString(file, "{\"server_port\": " + port + ", \"password\": ");
        server.signal("HUP");
        server.awaitLog("reload refused", 1);
        assertThat(echoes(carols, target)).isTrue();

        assertThat(TestData.read(download.getInputStream(), sha, HUNDRED_MB)).isEqualTo(HUNDRED_MB - 10_000_000);
        assertThat(sha.digest()).as("alice's download across both reloads").isEqualTo(TestData.streamHash(HUNDRED_MB));
        assertThat(server.log()).doesNotContain(ipsk).doesNotContain(alice).doesNotContain(carol);
    }

    /**
     * Under nohup (SIGHUP ignored, which the JVM respects) there is no reload: the server says so at
     * start, instead of a SIGHUP that silently does nothing, and a SIGHUP leaves it serving.
     */
    @Test
    void aServerWhoseSighupIsIgnoredSaysSoAndKeepsServing() throws Exception {
        int port = ExternalPeer.freePort();
        TestTarget target = closer.add(new TestTarget());
        Launched server = closer.add(Launched.start(dir, List.of("env", "--ignore-signal=HUP"), Map.of(), "ssserver",
                "-s", "127.0.0.1", "-p", "" + port, "-k", "nohup-test", "-m", "aes-256-gcm", "--forbidden-ip", "")
                .awaitTcp(port));
        server.awaitLog("SIGHUP is ignored in this process", 1);
        server.signal("HUP");
        ShadowsocksLocal local = closer.add(ShadowsocksLocal.start(LocalSettings.of(
                List.of(new ServerEndpoint("127.0.0.1", port, CipherKind.AES_256_GCM, "nohup-test")),
                List.of(LocalListener.socks("127.0.0.1", 0)))));
        assertThat(echoes(local, target)).as("still serving after the ignored SIGHUP").isTrue();
        assertThat(server.log()).doesNotContain("reloading");
    }

    @Test
    void sigtermLetsATransferFinishAndRefusesNewConnectionsASecondOneStopsAtOnce() throws Exception {
        int port = ExternalPeer.freePort();
        String key = "drain-test";
        TestTarget target = closer.add(new TestTarget());
        Launched server = closer.add(Launched.start(dir, "ssserver", "-s", "127.0.0.1", "-p", "" + port, "-k", key,
                "-m", "aes-256-gcm", "--forbidden-ip", "", "--drain-timeout", "60").awaitTcp(port));
        ShadowsocksLocal local = closer.add(ShadowsocksLocal.start(LocalSettings.of(
                List.of(new ServerEndpoint("127.0.0.1", port, CipherKind.AES_256_GCM, key)),
                List.of(LocalListener.socks("127.0.0.1", 0)))));
        long size = 50_000_000;
        Socket download = closer.add(Socks.connect(local.tcpAddresses().get(0), "127.0.0.1", target.port()));
        DataOutputStream out = new DataOutputStream(download.getOutputStream());
        out.writeByte('D');
        out.writeLong(size);
        out.flush();
        MessageDigest sha = TestData.sha256();
        assertThat(TestData.read(download.getInputStream(), sha, 5_000_000)).isEqualTo(5_000_000);

        server.signal("TERM");
        // "stopping: ..." comes before the listeners close; "no longer accepting" once they are closed
        server.awaitLog("port " + port + ": no longer accepting", 1);
        assertThatThrownBy(() -> new Socket().connect(new InetSocketAddress("127.0.0.1", port), 2_000))
                .as("a new connection is refused while draining").isInstanceOf(ConnectException.class);
        assertThat(server.process.isAlive()).as("still serving the open transfer").isTrue();
        assertThat(TestData.read(download.getInputStream(), sha, size)).isEqualTo(size - 5_000_000);
        assertThat(sha.digest()).isEqualTo(TestData.streamHash(size));
        download.close();
        assertThat(server.process.waitFor(30, TimeUnit.SECONDS)).as("exits once drained").isTrue();
        assertThat(server.process.exitValue()).isZero();

        // a second SIGTERM does not wait for the drain
        int again = ExternalPeer.freePort();
        Launched second = closer.add(Launched.start(dir, "ssserver", "-s", "127.0.0.1", "-p", "" + again, "-k", key,
                "-m", "aes-256-gcm", "--forbidden-ip", "", "--drain-timeout", "600").awaitTcp(again));
        ShadowsocksLocal local2 = closer.add(ShadowsocksLocal.start(LocalSettings.of(
                List.of(new ServerEndpoint("127.0.0.1", again, CipherKind.AES_256_GCM, key)),
                List.of(LocalListener.socks("127.0.0.1", 0)))));
        Socket held = closer.add(Socks.connect(local2.tcpAddresses().get(0), "127.0.0.1", target.port()));
        held.getOutputStream().write(new byte[] {'E', 1});
        assertThat(held.getInputStream().read()).isEqualTo(1);
        second.signal("TERM");
        second.awaitLog("stopping: no new connections", 1);
        second.signal("TERM");
        assertThat(second.process.waitFor(30, TimeUnit.SECONDS)).as("stops at once, open connection or not").isTrue();
    }
}
