package dev.ssjvm.cli;

import dev.ssjvm.cli.config.LocalConfigLoader;
import dev.ssjvm.cli.config.LocalOptions;
import dev.ssjvm.service.local.ShadowsocksLocal;
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
            ShadowsocksLocal local = ShadowsocksLocal.start(LocalConfigLoader.load(options, LOG::info));
            return local::close;
        });
    }
}
