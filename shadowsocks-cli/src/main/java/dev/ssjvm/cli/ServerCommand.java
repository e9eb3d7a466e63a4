package dev.ssjvm.cli;

import dev.ssjvm.admin.Admin;
import dev.ssjvm.admin.AdminSettings;
import dev.ssjvm.cli.config.ServerConfigLoader;
import dev.ssjvm.cli.config.ServerConfigLoader.ServerConfig;
import dev.ssjvm.cli.config.ServerOptions;
import dev.ssjvm.core.url.ShadowsocksUrl;
import dev.ssjvm.service.server.ServerPort;
import dev.ssjvm.service.server.ShadowsocksServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "ssserver", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Shadowsocks server: decrypts client connections and relays them to their targets.",
                "With no -c and no -k: a first run, on port 8388 (or -p) with a fresh key saved in"
                        + " ~/.config/ssjvm/ssserver.json (reused later); prints its ss:// URL and QR code."})
final class ServerCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ServerCommand.class);

    @Mixin
    ServerOptions options = new ServerOptions();

    @Spec
    CommandSpec spec;

    @Option(names = "--public-host", paramLabel = "HOST",
            description = "The address clients reach this server by, for the ss:// URL of a first run"
                    + " (default: this machine's first non-loopback address).")
    String publicHost;

    private final List<String> commandLine;
    private final PrintWriter err;

    /** @param commandLine the jar's whole command line, for {@link Detach} */
    ServerCommand(List<String> commandLine, PrintWriter err) {
        this.commandLine = commandLine;
        this.err = err;
    }

    @Override
    public Integer call() throws Exception {
        if (options.common.testConfig) {
            return ConfigCheck.run("ssserver", options.common,
                    () -> ServerConfigLoader.check(options, AdminSettings.ManagerRole.REPORTER, true),
                    () -> describe(ServerConfigLoader.load(options, notice -> { })), spec.commandLine().getOut());
        }
        // started by libev's ss-manager, which waits for the command to return (see Detach)
        boolean underSsManager = options.managerAddress != null && options.common.pidFile != null;
        if (underSsManager && !Detach.isChild()) {
            return Detach.launch(commandLine, options.common.pidFile, err);
        }
        // no config and no key: the first-run server, saved under the user's config directory (FirstRun)
        FirstRun.Saved firstRun = null;
        if (options.common.config == null && options.common.password == null && options.managerAddress == null) {
            firstRun = FirstRun.ensure(System.getenv(), options.port);
            options.common.config = firstRun.file();
            if (firstRun.exposed()) {
                err.println("ssserver: warning: " + firstRun.file() + " holds the key and others may read it;"
                        + " chmod 600 it");
            }
        }
        FirstRun.Saved saved = firstRun;
        return Lifecycle.run("ssserver", options.common, underSsManager, () -> {
            RunningServer running = RunningServer.start(ServerConfigLoader.load(options, LOG::info),
                    () -> ServerConfigLoader.load(options, LOG::info).server());
            if (underSsManager) {
                LOG.info("detached for ss-manager (--manager-address with -f), pid {} in {}",
                        ProcessHandle.current().pid(), options.common.pidFile);
            }
            ServerPort first = running.server.ports().get(0);
            if (saved != null) {
                printFirstRun(saved, first.port());
                LOG.info("ready on port {}; config {}", first.port(), saved.file());
                return running;
            }
            String listen = first.settings().hosts().get(0);
            String host = listen.equals("0.0.0.0") || listen.equals("::") ? "<this server's address>" : listen;
            LOG.info("ready; connect a client with: sslocal -s {} -p {} -m {} -k <password> -b 127.0.0.1 -l 1080",
                    host, first.port(), first.settings().method());
            return running;
        });
    }

    /** The URL and QR code a client needs, on stdout (never in the log: the URL holds the password). */
    private void printFirstRun(FirstRun.Saved saved, int port) {
        FirstRun.PublicHost host = FirstRun.publicHost(publicHost);
        String url = new ShadowsocksUrl(saved.method(), saved.password(), host.host(), port, null, null, "ssjvm")
                .toUri();
        PrintWriter out = spec.commandLine().getOut();
        out.println((saved.created() ? "First run: made a new server config with a fresh key in "
                : "Using the server config saved in ") + saved.file() + " (mode 0600; -c FILE or -k KEY to run another).");
        out.println("Listening on port " + port + " (" + saved.method() + "). Address in the URL: " + host.host()
                + " (" + host.source() + ").");
        out.println("Scan this with a Shadowsocks client, or paste the URL (bin/sslocal URL runs a local proxy):");
        out.println();
        out.print(QrCodes.terminal(url));
        out.println();
        out.println(url);
        out.flush();
    }

    /** One line on what a config that loads would run, for {@code --test-config}. */
    static String describe(ServerConfig config) {
        List<String> ports = config.server().ports().stream()
                .map(p -> p.port() + " (" + p.method() + (p.users().isEmpty() ? "" : ", " + p.users().size() + " users")
                        + ")")
                .toList();
        return ports.size() + (ports.size() == 1 ? " port: " : " ports: ") + String.join(", ", ports) + "; mode "
                + config.server().common().mode();
    }

    /**
     * A started server with its admin plane: stopping drains, SIGHUP reloads. ssserver and ssmanager
     * both run one; they differ only in their config (and so in their admin services).
     */
    static final class RunningServer implements Lifecycle.Service {
        final ShadowsocksServer server;
        final Admin admin;
        private final AdminSettings settings;

        private RunningServer(ShadowsocksServer server, Admin admin, AdminSettings settings) {
            this.server = server;
            this.admin = admin;
            this.settings = settings;
        }

        static RunningServer start(ServerConfig config, Admin.ConfigSource reload) throws IOException {
            ShadowsocksServer server = ShadowsocksServer.start(config.server());
            try {
                return new RunningServer(server, Admin.start(server, config.admin(), config.template(), reload),
                        config.admin());
            } catch (IOException | RuntimeException e) {
                server.close();
                throw e;
            }
        }

        @Override
        public void stop() {
            LOG.info("stopping: no new connections; open ones may finish within {} s (stop again to end them now)",
                    settings.drainTimeout().toSeconds());
            // the server first: the admin plane goes on during the drain (reports, metrics, the state
            // file), and the state file's last write has the final counts; changes are refused meanwhile
            server.close(settings.drainTimeout());
            admin.close();
        }

        @Override
        public void reload() {
            LOG.info("SIGHUP: reloading the configuration");
            admin.reload();
        }

        @Override
        public void close() {
            admin.close();
            server.close();
        }
    }
}
