package dev.ssjvm.cli;

import dev.ssjvm.cli.config.ServerConfigLoader;
import dev.ssjvm.cli.config.ServerOptions;
import dev.ssjvm.service.config.ServerEndpoint;
import dev.ssjvm.service.config.ServerSettings;
import dev.ssjvm.service.server.ShadowsocksServer;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "ssserver", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Shadowsocks server: decrypts client connections and relays them to their targets.")
final class ServerCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ServerCommand.class);

    @Mixin
    ServerOptions options = new ServerOptions();

    @Override
    public Integer call() throws Exception {
        Logging.configure(options.common.verbose.length);
        ServerSettings settings = ServerConfigLoader.load(options, LOG::warn);
        Lifecycle.writePidFile(options.common.pidFile);
        ShadowsocksServer server = ShadowsocksServer.start(settings);
        ServerEndpoint first = settings.endpoints().get(0);
        int port = server.tcpAddresses().isEmpty() ? first.port() : server.tcpAddresses().get(0).getPort();
        String host = first.host().equals("0.0.0.0") || first.host().equals("::") ? "<this server's address>" : first.host();
        LOG.info("ready; connect a client with: sslocal -s {} -p {} -m {} -k <password> -b 127.0.0.1 -l 1080",
                host, port, first.method());
        Lifecycle.runUntilStopped("ssserver", server, options.common.pidFile);
        return 0;
    }
}
