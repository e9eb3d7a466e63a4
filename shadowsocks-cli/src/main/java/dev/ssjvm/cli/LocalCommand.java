package dev.ssjvm.cli;

import dev.ssjvm.cli.config.ConfigException;
import dev.ssjvm.cli.config.LocalConfigLoader;
import dev.ssjvm.cli.config.LocalOptions;
import dev.ssjvm.service.config.ServerEndpoint;
import dev.ssjvm.service.local.ShadowsocksLocal;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "sslocal", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Shadowsocks client: a local SOCKS5 proxy (or, with -L, a tunnel) through a Shadowsocks server.")
final class LocalCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(LocalCommand.class);

    @Mixin
    LocalOptions options = new LocalOptions();

    @Override
    public Integer call() throws Exception {
        return Lifecycle.run("sslocal", options.common, false, List.of("USR1"), () -> {
            ShadowsocksLocal local = ShadowsocksLocal.start(LocalConfigLoader.load(options, LOG::info));
            return new Lifecycle.Service() {
                @Override
                public void signal(String name) {
                    reloadServers(local);
                }

                @Override
                public void close() {
                    local.close();
                }
            };
        });
    }

    /**
     * SIGUSR1: reads the config (and flags) again and takes its server list for new connections; the
     * rest of the file waits for a restart. A file that does not load is one line, and the old list stays.
     */
    private void reloadServers(ShadowsocksLocal local) {
        try {
            List<ServerEndpoint> servers = LocalConfigLoader.load(options, notice -> { }).servers();
            local.updateServers(servers);
        } catch (ConfigException | IllegalArgumentException e) {
            LOG.warn("SIGUSR1: server list not changed: {}", e.getMessage());
        }
    }
}
