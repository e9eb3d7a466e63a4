package dev.ssjvm.service.interop;

import static dev.ssjvm.service.interop.LibevTcpInteropTest.assertCurlDownloadAndUpload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.service.acl.IpRangeSet;
import dev.ssjvm.service.config.LocalListener;
import dev.ssjvm.service.config.LocalSettings;
import dev.ssjvm.service.config.PluginSpec;
import dev.ssjvm.service.config.PortSettings;
import dev.ssjvm.service.config.ServerEndpoint;
import dev.ssjvm.service.config.ServerSettings;
import dev.ssjvm.service.local.ShadowsocksLocal;
import dev.ssjvm.service.plugin.PluginProcess;
import dev.ssjvm.service.server.ServerPort;
import dev.ssjvm.service.server.ShadowsocksServer;
import dev.ssjvm.service.testing.Await;
import dev.ssjvm.service.testing.ExternalPeer;
import dev.ssjvm.service.testing.HttpTarget;
import dev.ssjvm.service.testing.LeakCheck;
import dev.ssjvm.service.testing.TestDns;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * SIP003 plugins from Debian (simple-obfs in http and tls modes, v2ray-plugin in websocket mode) on
 * both sides: between our sslocal and our ssserver, and between ours and shadowsocks-libev's
 * ss-local / ss-server run with their {@code --plugin} flags. Real traffic, checked by hash, through
 * curl; a plugin killed mid-run comes back; a removed port's plugin is gone.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class PluginInteropTest {
    private static final String PASSWORD = "plugin-p4ss";
    private static final CipherKind METHOD = CipherKind.CHACHA20_IETF_POLY1305;

    /** One plugin as both ends run it. */
    enum Kind {
        OBFS_HTTP("obfs-server", "obfs=http", "obfs-local", "obfs=http;obfs-host=www.example.com"),
        OBFS_TLS("obfs-server", "obfs=tls", "obfs-local", "obfs=tls;obfs-host=www.example.com"),
        V2RAY_WEBSOCKET("ss-v2ray-plugin", "server", "ss-v2ray-plugin", "");

        final String serverProgram;
        final String serverOptions;
        final String clientProgram;
        final String clientOptions;

        Kind(String serverProgram, String serverOptions, String clientProgram, String clientOptions) {
            this.serverProgram = serverProgram;
            this.serverOptions = serverOptions;
            this.clientProgram = clientProgram;
            this.clientOptions = clientOptions;
        }

        PluginSpec server() {
            ExternalPeer.require(serverProgram);
            return new PluginSpec(serverProgram, serverOptions);
        }

        ServerEndpoint endpoint(int port) {
            ExternalPeer.require(clientProgram);
            return new ServerEndpoint("127.0.0.1", port, METHOD, PASSWORD, clientProgram, clientOptions, null);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void ourLocalToOurServer(Kind kind) throws Exception {
        try (TestDns dns = new TestDns().add("target.test", InetAddress.getLoopbackAddress());
                HttpTarget http = new HttpTarget();
                ShadowsocksServer server = ShadowsocksServer.start(ourServer(kind.server(), dns))) {
            int publicPort = awaitPlugin(server.ports().get(0).plugin(), "SS_REMOTE_PORT");
            ServerEndpoint endpoint = kind.endpoint(publicPort);
            try (ShadowsocksLocal local = ShadowsocksLocal.start(LocalSettings.of(List.of(endpoint),
                    List.of(LocalListener.socks("127.0.0.1", 0))))) {
                awaitPlugin(local.plugin(endpoint), "SS_LOCAL_PORT");
                assertCurlDownloadAndUpload(local.tcpAddresses().get(0).getPort(), "target.test", http);
            }
        }
    }

    /** libev's ss-local with its --plugin flags -> our ssserver with the plugin's server side. */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void libevLocalToOurServer(Kind kind) throws Exception {
        try (TestDns dns = new TestDns().add("target.test", InetAddress.getLoopbackAddress());
                HttpTarget http = new HttpTarget();
                ShadowsocksServer server = ShadowsocksServer.start(ourServer(kind.server(), dns))) {
            int publicPort = awaitPlugin(server.ports().get(0).plugin(), "SS_REMOTE_PORT");
            int socksPort = ExternalPeer.freePort();
            List<String> command = new ArrayList<>(List.of("ss-local", "-s", "127.0.0.1", "-p", "" + publicPort,
                    "-b", "127.0.0.1", "-l", "" + socksPort, "-k", PASSWORD, "-m", METHOD.methodName(),
                    "--plugin", ExternalPeer.require(kind.clientProgram)));
            if (!kind.clientOptions.isEmpty()) {
                command.addAll(List.of("--plugin-opts", kind.clientOptions));
            }
            try (ExternalPeer ssLocal = ExternalPeer.start(command.toArray(String[]::new)).awaitTcp(socksPort)) {
                awaitCurl(socksPort, "target.test", http, ssLocal);
            }
        }
    }

    /** our sslocal with the plugin's client side -> libev's ss-server with its --plugin flags. */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void ourLocalToLibevServer(Kind kind) throws Exception {
        int serverPort = ExternalPeer.freePort();
        PluginSpec serverPlugin = kind.server();
        try (HttpTarget http = new HttpTarget();
                ExternalPeer ssServer = ExternalPeer.start("ss-server", "-s", "127.0.0.1", "-p", "" + serverPort,
                        "-k", PASSWORD, "-m", METHOD.methodName(), "--plugin",
                        ExternalPeer.require(serverPlugin.program()), "--plugin-opts", serverPlugin.options())
                        .awaitTcp(serverPort)) {
            ServerEndpoint endpoint = kind.endpoint(serverPort);
            try (ShadowsocksLocal local = ShadowsocksLocal.start(LocalSettings.of(List.of(endpoint),
                    List.of(LocalListener.socks("127.0.0.1", 0))))) {
                awaitPlugin(local.plugin(endpoint), "SS_LOCAL_PORT");
                assertCurlDownloadAndUpload(local.tcpAddresses().get(0).getPort(), "127.0.0.1", http);
            }
        }
    }

    /** A plugin killed by its PID is started again, and new connections work again; removing the port stops it. */
    @Test
    void aKilledPluginIsRestartedAndARemovedPortStopsIt() throws Exception {
        Kind kind = Kind.OBFS_HTTP;
        try (TestDns dns = new TestDns().add("target.test", InetAddress.getLoopbackAddress());
                HttpTarget http = new HttpTarget();
                ShadowsocksServer server = ShadowsocksServer.start(ourServer(kind.server(), dns))) {
            ServerPort port = server.ports().get(0);
            PluginProcess serverPlugin = port.plugin();
            int publicPort = awaitPlugin(serverPlugin, "SS_REMOTE_PORT");
            ServerEndpoint endpoint = kind.endpoint(publicPort);
            try (ShadowsocksLocal local = ShadowsocksLocal.start(LocalSettings.of(List.of(endpoint),
                    List.of(LocalListener.socks("127.0.0.1", 0))))) {
                PluginProcess clientPlugin = local.plugin(endpoint);
                awaitPlugin(clientPlugin, "SS_LOCAL_PORT");
                int socksPort = local.tcpAddresses().get(0).getPort();
                assertCurlDownloadAndUpload(socksPort, "target.test", http);

                for (PluginProcess plugin : List.of(serverPlugin, clientPlugin)) {
                    long pid = plugin.pid();
                    assertThat(pid).isPositive();
                    ProcessHandle.of(pid).orElseThrow().destroyForcibly();
                    Await.until(() -> !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
                            "killed plugin " + pid + " gone");
                    Await.until(() -> plugin.pid() > 0 && plugin.pid() != pid, "plugin restarted");
                    awaitPlugin(plugin, plugin == serverPlugin ? "SS_REMOTE_PORT" : "SS_LOCAL_PORT");
                    assertCurlDownloadAndUpload(socksPort, "target.test", http);
                }
            }

            long pid = serverPlugin.pid();
            server.remove(port.port(), Duration.ZERO);
            Await.until(() -> !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
                    "plugin of the removed port stopped");
            assertThat(serverPlugin.pid()).isEqualTo(-1);
        }
    }

    /**
     * A port whose plugin changes (a reload, the manager's replace) restarts: the old plugin stops, the
     * new one takes the same public port, and traffic goes through it.
     */
    @Test
    void aReplacedPortStopsItsPluginAndTheNewOneServes() throws Exception {
        try (TestDns dns = new TestDns().add("target.test", InetAddress.getLoopbackAddress());
                HttpTarget http = new HttpTarget();
                ShadowsocksServer server = ShadowsocksServer.start(ourServer(Kind.OBFS_HTTP.server(), dns))) {
            ServerPort before = server.ports().get(0);
            int publicPort = awaitPlugin(before.plugin(), "SS_REMOTE_PORT");
            long oldPid = before.plugin().pid();
            ServerPort after = server.replace(before.settings().withPlugin(Kind.OBFS_TLS.server()), Duration.ZERO);
            assertThat(ProcessHandle.of(oldPid).map(ProcessHandle::isAlive).orElse(false)).as("old plugin").isFalse();
            assertThat(after.plugin().environment()).containsEntry("SS_PLUGIN_OPTIONS", "obfs=tls")
                    .containsEntry("SS_REMOTE_PORT", "" + publicPort);
            awaitPlugin(after.plugin(), "SS_REMOTE_PORT");
            ServerEndpoint endpoint = Kind.OBFS_TLS.endpoint(publicPort);
            try (ShadowsocksLocal local = ShadowsocksLocal.start(LocalSettings.of(List.of(endpoint),
                    List.of(LocalListener.socks("127.0.0.1", 0))))) {
                awaitPlugin(local.plugin(endpoint), "SS_LOCAL_PORT");
                assertCurlDownloadAndUpload(local.tcpAddresses().get(0).getPort(), "target.test", http);
            }
        }
    }

    /**
     * A new server list (an online config) starts the plugins of new servers and stops those of servers
     * gone; a list whose plugin cannot start changes nothing, the running plugin included.
     */
    @Test
    void aNewServerListStartsAndStopsPlugins() throws Exception {
        try (TestDns dns = new TestDns().add("target.test", InetAddress.getLoopbackAddress());
                HttpTarget http = new HttpTarget();
                ShadowsocksServer httpServer = ShadowsocksServer.start(ourServer(Kind.OBFS_HTTP.server(), dns));
                ShadowsocksServer tlsServer = ShadowsocksServer.start(ourServer(Kind.OBFS_TLS.server(), dns))) {
            ServerEndpoint first = Kind.OBFS_HTTP.endpoint(awaitPlugin(httpServer.ports().get(0).plugin(),
                    "SS_REMOTE_PORT"));
            ServerEndpoint second = Kind.OBFS_TLS.endpoint(awaitPlugin(tlsServer.ports().get(0).plugin(),
                    "SS_REMOTE_PORT"));
            try (ShadowsocksLocal local = ShadowsocksLocal.start(LocalSettings.of(List.of(first),
                    List.of(LocalListener.socks("127.0.0.1", 0))))) {
                long firstPid = local.plugin(first).pid();
                local.updateServers(List.of(second));
                assertThat(local.plugin(first)).isNull();
                assertThat(ProcessHandle.of(firstPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
                awaitPlugin(local.plugin(second), "SS_LOCAL_PORT");
                assertCurlDownloadAndUpload(local.tcpAddresses().get(0).getPort(), "target.test", http);

                long secondPid = local.plugin(second).pid();
                ServerEndpoint broken = new ServerEndpoint("127.0.0.1", 1, METHOD, PASSWORD,
                        "/nonexistent/ssjvm-no-such-plugin", null, null);
                assertThatThrownBy(() -> local.updateServers(List.of(broken)))
                        .hasMessageContaining("ssjvm-no-such-plugin");
                assertThat(local.plugin(second).pid()).isEqualTo(secondPid);
                assertThat(local.plugin(broken)).isNull();
                assertCurlDownloadAndUpload(local.tcpAddresses().get(0).getPort(), "target.test", http);
            }
        }
    }

    /** A plugin that is not there is an error at start, naming it; the port does not half start. */
    @Test
    void aMissingPluginFailsTheStart() {
        PortSettings port = PortSettings.of("127.0.0.1", 0, METHOD, PASSWORD)
                .withPlugin(new PluginSpec("/nonexistent/ssjvm-no-such-plugin", "x=y"));
        assertThatThrownBy(() -> ShadowsocksServer.start(ServerSettings.builder().port(port).build()))
                .isInstanceOf(IOException.class).hasMessageContaining("ssjvm-no-such-plugin");
    }

    private static ServerSettings ourServer(PluginSpec plugin, TestDns dns) {
        return ServerSettings.builder()
                .port(PortSettings.of("127.0.0.1", 0, METHOD, PASSWORD).withPlugin(plugin))
                .forbidden(IpRangeSet.empty())
                .nameServers(List.of(dns.address()))
                .build();
    }

    /**
     * Waits until the plugin listens where it should (server side: the public port in SS_REMOTE_PORT;
     * client side: SS_LOCAL_PORT). Returns the port it listens on.
     */
    private static int awaitPlugin(PluginProcess plugin, String portVariable) throws Exception {
        assertThat(plugin).isNotNull();
        int port = Integer.parseInt(plugin.environment().get(portVariable));
        Await.until(() -> accepts(port), plugin + " listening on " + port);
        return port;
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** ss-local starts its plugin itself; its SOCKS port may be up before the plugin is: a few tries. */
    private static void awaitCurl(int socksPort, String host, HttpTarget http, ExternalPeer peer) throws Exception {
        AssertionError last = null;
        for (int attempt = 0; attempt < 10; attempt++) {
            try {
                assertCurlDownloadAndUpload(socksPort, host, http);
                return;
            } catch (AssertionError e) {
                last = e;
                Thread.sleep(300);
            }
        }
        throw new AssertionError("through " + peer.log(), last);
    }
}
