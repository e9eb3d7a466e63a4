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

@Command(name = "sslocal", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Shadowsocks client: a local SOCKS5 and HTTP proxy (or, with -L, a tunnel) through a Shadowsocks server.")
final class LocalCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(LocalCommand.class);

    @Mixin
    LocalOptions options = new LocalOptions();

    @Override
    public Integer call() throws Exception {
        return Lifecycle.run("sslocal", options.common, () -> {
            Running running = start(LocalConfigLoader.loadAll(options, LOG::info));
            return running::close;
        });
    }

    /** A started sslocal and, with an online config, what keeps its servers up to date. */
    record Running(ShadowsocksLocal local, OnlineConfigUpdater online) {
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
            return new Running(ShadowsocksLocal.start(loaded.settings(List.of())), null);
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
        online.start(servers -> {
            List<ServerEndpoint> all = new ArrayList<>(loaded.servers());
            all.addAll(servers);
            local.updateServers(all);
        });
        return new Running(local, online);
    }
}
