package dev.ssjvm.cli;

import dev.ssjvm.cli.config.ServerConfigLoader;
import dev.ssjvm.cli.config.ServerOptions;
import dev.ssjvm.service.server.ServerPort;
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
        return Lifecycle.run("ssserver", options.common, () -> {
            ShadowsocksServer server = ShadowsocksServer.start(ServerConfigLoader.load(options, LOG::info));
            ServerPort first = server.ports().get(0);
            String listen = first.settings().hosts().get(0);
            String host = listen.equals("0.0.0.0") || listen.equals("::") ? "<this server's address>" : listen;
            LOG.info("ready; connect a client with: sslocal -s {} -p {} -m {} -k <password> -b 127.0.0.1 -l 1080",
                    host, first.port(), first.settings().method());
            return server;
        });
    }
}
