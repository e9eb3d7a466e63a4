package dev.ssjvm.cli;

import dev.ssjvm.admin.AdminSettings.ManagerRole;
import dev.ssjvm.cli.ServerCommand.RunningServer;
import dev.ssjvm.cli.config.ConfigException;
import dev.ssjvm.cli.config.ServerConfigLoader;
import dev.ssjvm.cli.config.ServerConfigLoader.ServerConfig;
import dev.ssjvm.cli.config.ServerOptions;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code ssmanager}: libev's ss-manager protocol in front of one server process that runs every port,
 * instead of one ss-server process per port. Takes every flag of ssserver; the ports of {@code -c}
 * (if any) start with it, and {@code -s} and {@code -m} are what ports added by command get.
 */
@Command(name = "ssmanager", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Shadowsocks manager: takes ss-manager commands (add, remove, list, ping) on the manager"
                + " address and runs every port in this process.")
final class ManagerCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ManagerCommand.class);

    @Mixin
    ServerOptions options = new ServerOptions();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (options.common.testConfig) {
            return ConfigCheck.run("ssmanager", options.common,
                    () -> ServerConfigLoader.check(options, ManagerRole.CONTROLLER, false),
                    () -> ServerCommand.describe(load()), spec.commandLine().getOut());
        }
        return Lifecycle.run("ssmanager", options.common, () -> {
            ServerConfig config = load();
            RunningServer running = RunningServer.start(config, () -> load().server());
            LOG.info("ready: {} ports from the config; ports added by command listen on {} with {} unless told"
                    + " otherwise", running.server.ports().size(), String.join(", ", config.template().hosts()),
                    config.template().method());
            return running;
        });
    }

    private ServerConfig load() throws ConfigException {
        ServerConfig config = ServerConfigLoader.load(options, LOG::info, ManagerRole.CONTROLLER, false);
        if (config.admin().managerAddress() == null) {
            throw new ConfigException("no manager address: give --manager-address HOST:PORT (UDP) or PATH (a Unix"
                    + " socket), or the config key manager_address");
        }
        return config;
    }
}
