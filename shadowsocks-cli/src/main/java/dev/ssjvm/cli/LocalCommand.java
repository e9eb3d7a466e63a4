package dev.ssjvm.cli;

import dev.ssjvm.cli.config.ConfigException;
import dev.ssjvm.cli.config.LocalConfigLoader;
import dev.ssjvm.cli.config.LocalOptions;
import dev.ssjvm.cli.online.OnlineConfigUpdater;
import dev.ssjvm.service.config.ServerEndpoint;
import dev.ssjvm.service.local.ShadowsocksLocal;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "sslocal", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Shadowsocks client: a local SOCKS5 and HTTP proxy (or, with -L, a tunnel) through a Shadowsocks server.")
final class LocalCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(LocalCommand.class);

    @Mixin
    LocalOptions options = new LocalOptions();

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "ss://URL",
            description = "A server as an ss:// URL (as ssserver prints it); alone, sslocal serves a SOCKS5 + HTTP"
                    + " mixed port on 127.0.0.1:1080 through it.")
    String url;

    /** One line on what a config that loads would run, for {@code --test-config}. */
    private static String describe(LocalConfigLoader.Loaded loaded) {
        List<String> listeners = loaded.listeners().stream().map(l -> l.protocol() + " on " + l.address() + ":"
                + l.port()).toList();
        return loaded.servers().size() + (loaded.servers().size() == 1 ? " server" : " servers")
                + (loaded.online() == null ? "" : " and an online config") + "; " + String.join(", ", listeners)
                + "; mode " + loaded.common().mode();
    }

    @Override
    public Integer call() throws Exception {
        if (url != null) {
            if (!url.regionMatches(true, 0, "ss://", 0, 5)) {
                throw new ConfigException("the argument '" + (url.length() > 12 ? url.substring(0, 12) + "..." : url)
                        + "' is not an ss:// URL (flags start with -; see sslocal --help)");
            }
            List<String> urls = new ArrayList<>(List.of(url));
            if (options.serverUrls != null) {
                urls.addAll(options.serverUrls);
            }
            options.serverUrls = urls;
        }
        if (options.common.testConfig) {
            return ConfigCheck.run("sslocal", options.common, () -> LocalConfigLoader.check(options),
                    () -> describe(LocalConfigLoader.loadAll(options, notice -> { })), spec.commandLine().getOut());
        }
        boolean urlAlone = url != null && spec.commandLine().getParseResult().matchedOptions().isEmpty();
        return Lifecycle.run("sslocal", options.common, false, List.of("USR1"), () -> {
            Running running = start(LocalConfigLoader.loadAll(options, LOG::info));
            if (urlAlone) {
                spec.commandLine().getOut().println("sslocal: SOCKS5 + HTTP mixed port on 127.0.0.1:1080 (proxy"
                        + " your browser or curl --socks5-hostname 127.0.0.1:1080 through it)");
                spec.commandLine().getOut().flush();
            }
            return new Lifecycle.Service() {
                @Override
                public void signal(String name) {
                    reloadServers(running);
                }

                @Override
                public void close() {
                    running.close();
                }
            };
        });
    }

    /**
     * SIGUSR1: reads the config (and flags) again and takes its server list for new connections, next to
     * the online config's; the rest of the file waits for a restart. A file that does not load is one
     * line, and the old list stays.
     */
    private void reloadServers(Running running) {
        try {
            running.servers().configured(LocalConfigLoader.loadAll(options, notice -> { }).servers());
        } catch (ConfigException | IllegalArgumentException e) {
            LOG.warn("SIGUSR1: server list not changed: {}", e.getMessage());
        }
    }

    /**
     * The servers of a running sslocal: those of the config file and flags, then those of the online
     * config; either part may change (SIGUSR1, a refresh) and the whole goes to the service.
     */
    static final class ServerLists {
        private final ShadowsocksLocal local;
        private List<ServerEndpoint> configured;
        private List<ServerEndpoint> online;

        ServerLists(ShadowsocksLocal local, List<ServerEndpoint> configured, List<ServerEndpoint> online) {
            this.local = local;
            this.configured = configured;
            this.online = online;
        }

        /** @throws IllegalArgumentException if the whole would be empty or a key does not fit; nothing changes */
        synchronized void configured(List<ServerEndpoint> value) {
            apply(value, online);
            configured = value;
        }

        synchronized void online(List<ServerEndpoint> value) {
            apply(configured, value);
            online = value;
        }

        private void apply(List<ServerEndpoint> first, List<ServerEndpoint> then) {
            List<ServerEndpoint> all = new ArrayList<>(first);
            all.addAll(then);
            local.updateServers(all);
        }
    }

    /** A started sslocal, its server lists and, with an online config, what keeps them up to date. */
    record Running(ShadowsocksLocal local, ServerLists servers, OnlineConfigUpdater online) {
        void close() {
            if (online != null) {
                online.close();
            }
            local.close();
        }
    }

    /**
     * Starts sslocal. With an online config, the first document is loaded before anything binds: when
     * it is the only source of servers and cannot be loaded, nothing starts.
     */
    static Running start(LocalConfigLoader.Loaded loaded) throws IOException, InterruptedException, ConfigException {
        if (loaded.online() == null) {
            ShadowsocksLocal local = ShadowsocksLocal.start(loaded.settings(List.of()));
            return new Running(local, new ServerLists(local, loaded.servers(), List.of()), null);
        }
        OnlineConfigUpdater online;
        try {
            online = new OnlineConfigUpdater(loaded.online());
        } catch (IOException e) {
            throw new ConfigException("online config " + loaded.online() + ": " + e.getMessage());
        }
        List<ServerEndpoint> first = List.of();
        try {
            first = online.loadFirst();
        } catch (IOException e) {
            if (loaded.servers().isEmpty()) {
                online.close();
                throw new ConfigException("online config " + loaded.online() + ": the first document could not be"
                        + " loaded, and there is no other server: " + e.getMessage());
            }
            LOG.warn("online config {}: starting with the configured servers only: {}", loaded.online(),
                    e.getMessage());
        }
        ShadowsocksLocal local;
        try {
            local = ShadowsocksLocal.start(loaded.settings(first));
        } catch (IOException | RuntimeException e) {
            online.close();
            throw e;
        }
        ServerLists servers = new ServerLists(local, loaded.servers(), first);
        online.start(servers::online);
        return new Running(local, servers, online);
    }
}
