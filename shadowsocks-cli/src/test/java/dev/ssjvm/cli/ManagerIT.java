package dev.ssjvm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.ssjvm.cli.LaunchersIT.Launched;
import dev.ssjvm.service.testing.ExternalPeer;
import dev.ssjvm.service.testing.HttpTarget;
import dev.ssjvm.service.testing.TestData;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The manager as operators run it, after 'package': libev's ss-manager with our ssserver as its
 * {@code --executable} (which proves the command line it gives its servers works and that our
 * reports reach it), and our own {@code bin/ssmanager}.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ManagerIT {
    private static final Path ROOT = Path.of(System.getProperty("ssjvm.root", "..")).toAbsolutePath().normalize();
    private static final String HOST = "127.0.0.1";

    @TempDir
    Path dir;

    /**
     * UDP on a given address, and ss-manager's default: no {@code --manager-address}, so a Unix socket
     * in its working directory, which it passes on to our servers.
     */
    @ParameterizedTest(name = "unix socket: {0}")
    @ValueSource(booleans = {false, true})
    void libevSsManagerRunsOurSsserverAndReadsItsTrafficReports(boolean unix) throws Exception {
        Path workdir = Files.createDirectory(dir.resolve("ss-manager"));
        // our launcher, with loopback targets allowed (the test's HTTP target is on loopback)
        Path executable = dir.resolve("ssserver-for-test");
        Files.writeString(executable, "#!/bin/sh\nexec '" + ROOT.resolve("bin/ssserver") + "' --forbidden-ip '' \"$@\"\n");
        executable.toFile().setExecutable(true);
        int managerPort = ExternalPeer.freePort();
        int port = ExternalPeer.freePort();
        int socks = ExternalPeer.freePort();
        long body = 400_000;
        List<String> command = new ArrayList<>(List.of("ss-manager", "--executable", executable.toString(),
                "-m", "aes-256-gcm", "-s", HOST, "-D", workdir.toString()));
        if (!unix) {
            command.addAll(List.of("--manager-address", HOST + ":" + managerPort));
        }
        Path socketPath = workdir.resolve(".ss-manager.socks"); // libev's default, in its working directory
        try (HttpTarget http = new HttpTarget();
                ExternalPeer ssManager = ExternalPeer.start(command.toArray(String[]::new));
                Panel panel = unix ? new UnixPanel(socketPath, dir.resolve("panel.sock")) : new UdpPanel(managerPort)) {
            try {
                panel.awaitManager(ssManager::log);
                // ss-manager answers once our server has started: it waits for the command to return
                assertThat(panel.command("add: {\"server_port\": " + port + ", \"password\": \"via-libev\"}", 90))
                        .as(ssManager.log()).isEqualTo("ok");
                ProcessHandle ours = serverOf(workdir, port).orElseThrow(() -> new AssertionError(
                        "no server process for port " + port + ":\n" + ssManager.log()));
                assertThat(ours.info().commandLine().orElse("")).contains("ssjvm.jar").contains("ssserver");
                // its log is in ss-manager's, whose output it keeps
                assertThat(ssManager.log()).contains("detached for ss-manager").contains("reporting traffic to "
                        + (unix ? "unix:" + socketPath : HOST + ":" + managerPort + " (udp)"));
                new Socket(HOST, port).close();

                try (ExternalPeer ssLocal = ExternalPeer.start("ss-local", "-s", HOST, "-p", "" + port, "-b", HOST,
                        "-l", "" + socks, "-k", "via-libev", "-m", "aes-256-gcm").awaitTcp(socks)) {
                    ExternalPeer.Result get = ExternalPeer.run(60, "curl", "-sS", "--max-time", "30",
                            "--socks5-hostname", HOST + ":" + socks, "http://127.0.0.1:" + http.port() + "/bytes/" + body);
                    assertThat(get.exitCode()).as(get.stderr()).isZero();
                    assertThat(TestData.sha256().digest(get.stdout())).isEqualTo(TestData.streamHash(body));
                }

                // ss-manager's numbers are what our server reported (every 5 s, as libev's ss-server does)
                Pattern stat = Pattern.compile("stat: \\{\"" + port + "\":([0-9]+)\\}");
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                long reported = 0;
                while (reported < body && System.nanoTime() < deadline) {
                    Matcher m = stat.matcher(panel.command("ping", 10));
                    assertThat(m.matches()).isTrue();
                    reported = Long.parseLong(m.group(1));
                    if (reported < body) {
                        Thread.sleep(250);
                    }
                }
                assertThat(reported).as(ssManager.log()).isBetween(body, body + 1024);
                assertThat(panel.command("list", 10)).isEqualTo("[\n\t{\"server_port\":\"" + port
                        + "\",\"password\":\"via-libev\",\"method\":\"aes-256-gcm\"}\n]");

                // remove: ss-manager sends our server SIGTERM; it stops accepting and exits
                assertThat(panel.command("remove: {\"server_port\": " + port + "}", 30)).isEqualTo("ok");
                assertThat(ours.onExit().get(40, TimeUnit.SECONDS).isAlive()).isFalse();
                assertThatThrownBy(() -> new Socket(HOST, port).close()).isInstanceOf(ConnectException.class);
                assertThat(ssManager.log()).contains("ssserver shutting down");
            } finally {
                stopServersOf(workdir);
            }
        }
    }

    @Test
    void ourSsmanagerLauncherRunsThePortsOfItsConfigAndThoseAddedByCommand() throws Exception {
        int managerPort = ExternalPeer.freePort();
        int initial = ExternalPeer.freePort();
        int added = ExternalPeer.freePort();
        int socks = ExternalPeer.freePort();
        Path config = dir.resolve("manager.json");
        Files.writeString(config, "{\"server\": \"127.0.0.1\", \"forbidden_ip\": \"\","
                + " \"port_password\": {\"" + initial + "\": \"from-config\"}}");
        try (HttpTarget http = new HttpTarget();
                Launched manager = Launched.start(dir, "ssmanager", "--manager-address", HOST + ":" + managerPort,
                        "-c", config.toString(), "-m", "chacha20-ietf-poly1305").awaitTcp(initial);
                Panel panel = new UdpPanel(managerPort)) {
            panel.awaitManager(() -> log(manager));
            assertThat(panel.command("add: {\"server_port\": " + added + ", \"password\": \"by-command\","
                    + " \"method\": \"aes-128-gcm\"}", 30)).isEqualTo("ok");
            assertThat(panel.command("list", 10)).isEqualTo("[\n"
                    + "\t{\"server_port\":\"" + initial + "\",\"password\":\"from-config\",\"method\":\"chacha20-ietf-poly1305\"},\n"
                    + "\t{\"server_port\":\"" + added + "\",\"password\":\"by-command\",\"method\":\"aes-128-gcm\"}\n]");
            try (ExternalPeer ssLocal = ExternalPeer.start("ss-local", "-s", HOST, "-p", "" + added, "-b", HOST,
                    "-l", "" + socks, "-k", "by-command", "-m", "aes-128-gcm").awaitTcp(socks)) {
                ExternalPeer.Result get = ExternalPeer.run(60, "curl", "-sS", "--max-time", "30",
                        "--socks5-hostname", HOST + ":" + socks, "http://127.0.0.1:" + http.port() + "/bytes/100000");
                assertThat(get.exitCode()).as(get.stderr()).isZero();
            }
            String ping = panel.command("ping", 10);
            Matcher m = Pattern.compile("stat: \\{\"" + initial + "\":0,\"" + added + "\":([0-9]+)\\}").matcher(ping);
            assertThat(m.matches()).as(ping).isTrue();
            assertThat(Long.parseLong(m.group(1))).isBetween(100_000L, 101_024L);
            manager.process.destroy(); // SIGTERM to the one process we started
            assertThat(manager.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(log(manager)).contains("ssmanager shutting down").doesNotContain("by-command")
                    .doesNotContain("from-config");
        }
    }

    @Test
    void ssmanagerWithoutAManagerAddressAndSsserverWithAFlagItCannotHonourExitWithOneLine() throws Exception {
        Launched noAddress = Launched.start(dir, "ssmanager", "-s", HOST);
        assertThat(noAddress.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(noAddress.process.exitValue()).isEqualTo(2);
        assertThat(lines(noAddress)).singleElement().asString().startsWith("ssmanager: no manager address");
        noAddress.close();

        // as ss-manager -n 65536 would start it: the detached server refuses, and the launcher says so
        Path conf = dir.resolve(".shadowsocks_8001.conf");
        Files.writeString(conf, "{\n\"server_port\":8001,\n\"password\":\"pw\",\n\"method\":\"aes-256-gcm\"\n}\n");
        Path pid = dir.resolve(".shadowsocks_8001.pid");
        Launched refused = Launched.start(dir, "ssserver", "--manager-address", HOST + ":" + ExternalPeer.freePort(),
                "-f", pid.toString(), "-c", conf.toString(), "-t", "60", "-n", "65536", "-s", HOST);
        assertThat(refused.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(refused.process.exitValue()).isEqualTo(2);
        assertThat(lines(refused)).singleElement().asString().startsWith("ssserver: flag -n: raising the open-file limit");
        assertThat(pid).doesNotExist();
        refused.close();
    }

    private static List<String> lines(Launched launched) throws IOException {
        return launched.log().lines().filter(l -> !l.startsWith("building")).toList();
    }

    private static String log(Launched launched) {
        try {
            return launched.log();
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** The server ss-manager started for {@code port}, by the pid file it gave it. */
    private static Optional<ProcessHandle> serverOf(Path workdir, int port) throws IOException {
        Path pidFile = workdir.resolve(".shadowsocks_" + port + ".pid");
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        return ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim()));
    }

    /**
     * Stops what is left of the servers ss-manager started in this test's working directory (it
     * stops them itself when it stops; this is for a test that failed halfway).
     */
    private static void stopServersOf(Path workdir) throws Exception {
        List<ProcessHandle> left = new ArrayList<>();
        try (Stream<Path> files = Files.list(workdir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".pid")).toList()) {
                try {
                    ProcessHandle.of(Long.parseLong(Files.readString(f).trim())).ifPresent(left::add);
                } catch (IOException | NumberFormatException gone) {
                    // removed or half written: nothing to stop
                }
            }
        }
        for (ProcessHandle p : left) {
            if (p.info().commandLine().orElse("").contains("ssjvm.jar")) { // ours, never anything else
                p.destroy();
                try {
                    p.onExit().get(20, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    p.destroyForcibly();
                }
            }
        }
    }

    /** A panel: a client of the manager's datagram socket. */
    private abstract static class Panel implements AutoCloseable {
        abstract void send(byte[] data) throws Exception;

        /** The next datagram, or {@code null} if none comes in time. */
        abstract String receive(int timeoutSeconds) throws Exception;

        /** A second client for {@link #awaitManager}. */
        abstract Panel probe() throws Exception;

        /**
         * Pings until the manager answers (it binds its socket a moment after it starts), from a client
         * of its own, so that a late answer cannot be taken for the answer to a later command.
         */
        void awaitManager(java.util.function.Supplier<String> log) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            try (Panel probe = probe()) {
                while (System.nanoTime() < deadline) {
                    try {
                        probe.send("ping".getBytes(StandardCharsets.US_ASCII));
                    } catch (Exception notThereYet) {
                        Thread.sleep(100); // a Unix socket that does not exist yet
                        continue;
                    }
                    if (probe.receive(1) != null) {
                        return;
                    }
                }
            }
            fail("the manager did not answer ping:\n" + log.get());
        }

        String command(String text, int timeoutSeconds) throws Exception {
            send(text.getBytes(StandardCharsets.UTF_8));
            String reply = receive(timeoutSeconds);
            while (reply != null && !text.equals("ping") && reply.startsWith("stat: ")) { // an unasked push
                reply = receive(timeoutSeconds);
            }
            if (reply == null) {
                fail("no answer to '" + text.replaceAll("\"password\": \"[^\"]*\"", "...") + "' in " + timeoutSeconds
                        + " s");
            }
            return reply;
        }

        @Override
        public abstract void close() throws Exception;
    }

    private static final class UdpPanel extends Panel {
        private final DatagramSocket socket;
        private final InetSocketAddress manager;

        UdpPanel(int managerPort) throws IOException {
            socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            manager = new InetSocketAddress(HOST, managerPort);
        }

        @Override
        void send(byte[] data) throws IOException {
            socket.send(new DatagramPacket(data, data.length, manager));
        }

        @Override
        String receive(int timeoutSeconds) throws IOException {
            byte[] buf = new byte[65536];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            socket.setSoTimeout(timeoutSeconds * 1000);
            try {
                socket.receive(p);
            } catch (SocketTimeoutException e) {
                return null;
            }
            return new String(buf, 0, p.getLength(), StandardCharsets.UTF_8);
        }

        @Override
        Panel probe() throws IOException {
            return new UdpPanel(manager.getPort());
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    /** Over a Unix datagram socket bound to a path of its own, so that the manager can answer (Netty's: the JDK has none). */
    private static final class UnixPanel extends Panel {
        private final Path manager;
        private final Path self;
        private final EventLoopGroup loop = new EpollEventLoopGroup(1);
        private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
        private final Channel channel;

        UnixPanel(Path manager, Path self) throws InterruptedException {
            this.manager = manager;
            this.self = self;
            channel = new Bootstrap().group(loop).channel(EpollDomainDatagramChannel.class)
                    .handler(new SimpleChannelInboundHandler<DomainDatagramPacket>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket p) {
                            received.add(p.content().toString(StandardCharsets.UTF_8));
                        }
                    }).bind(new DomainSocketAddress(self.toString())).sync().channel();
        }

        @Override
        void send(byte[] data) throws Exception {
            ChannelFuture sent = channel.writeAndFlush(new DomainDatagramPacket(Unpooled.wrappedBuffer(data),
                    new DomainSocketAddress(manager.toString()))).await();
            if (!sent.isSuccess()) {
                throw new IOException("cannot send to " + manager, sent.cause());
            }
        }

        @Override
        String receive(int timeoutSeconds) throws InterruptedException {
            return received.poll(timeoutSeconds, TimeUnit.SECONDS);
        }

        @Override
        Panel probe() throws InterruptedException {
            return new UnixPanel(manager, self.resolveSibling(self.getFileName() + ".probe"));
        }

        @Override
        public void close() throws IOException {
            channel.close().syncUninterruptibly();
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            Files.deleteIfExists(self);
        }
    }
}
