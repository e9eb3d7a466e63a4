package dev.ssjvm.cli.config;

import dev.ssjvm.cli.config.Values.Origin;
import dev.ssjvm.crypto.AeadFactory;
import dev.ssjvm.service.config.CommonSettings;
import dev.ssjvm.service.config.Mode;
import dev.ssjvm.service.config.PluginSpec;
import dev.ssjvm.service.transport.Transport;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Reads the settings {@code ssserver} and {@code sslocal} share, for both: every key is read (and so
 * checked) even when a flag overrides it, and the flag wins.
 */
public final class CommonConfig {
    static final int MAX_TIMEOUT = 86_400 * 7;

    private CommonConfig() {}

    static CommonSettings read(CommonOptions flags, ConfigObject config) throws ConfigException {
        CommonSettings d = CommonSettings.defaults();

        Mode mode = config.string("mode").isPresent() ? config.orReport(
                () -> Values.mode(config.string("mode").get(), Origin.key(config, "mode")), d.mode()) : d.mode();
        if (flags.udpOnly) {
            mode = Mode.UDP_ONLY;
        } else if (flags.tcpAndUdp) {
            mode = Mode.TCP_AND_UDP;
        }

        int timeout = config.integer("timeout", 1, MAX_TIMEOUT).orElse((int) d.timeout().toSeconds());
        if (flags.timeout != null) {
            timeout = Values.positive(flags.timeout, "-t");
        }
        // as in shadowsocks-rust: without its own setting, UDP idles out like TCP
        int udpTimeout = config.integer("udp_timeout", 1, MAX_TIMEOUT).orElse(timeout);
        if (flags.udpTimeout != null) {
            udpTimeout = Values.positive(flags.udpTimeout, "--udp-timeout");
        }
        int udpMax = config.integer("udp_max_associations", 1, 1_000_000).orElse(d.udpMaxAssociations());
        if (flags.udpMaxAssociations != null) {
            udpMax = Values.positive(flags.udpMaxAssociations, "--udp-max-associations");
        }

        List<InetSocketAddress> nameServers = d.nameServers();
        if (config.has("nameserver") && config.has("dns")) {
            throw config.invalid("dns", "give the name servers once, as 'nameserver' or as 'dns'");
        }
        for (String key : List.of("nameserver", "dns")) {
            if (config.has(key)) {
                nameServers = config.orReport(() -> Values.nameServers(config.stringOrList(key).orElse(List.of()),
                        Origin.key(config, key)), d.nameServers());
            }
        }
        if (flags.nameServers != null) {
            nameServers = Values.nameServers(flags.nameServers, Origin.flag("-d"));
        }

        boolean ipv6First = config.bool("ipv6_first").orElse(d.ipv6First()) || flags.ipv6First;
        boolean noDelay = config.bool("no_delay").orElse(d.noDelay());
        if (flags.noDelay != null) {
            noDelay = flags.noDelay;
        }
        boolean fastOpen = config.bool("fast_open").orElse(d.fastOpen()) || flags.fastOpen;
        boolean reusePort = config.bool("reuse_port").orElse(d.reusePort()) || flags.reusePort;

        String backend = config.string("crypto_backend").orElse(null);
        Origin backendOrigin = Origin.key(config, "crypto_backend");
        if (flags.cryptoBackend != null) {
            backend = flags.cryptoBackend;
            backendOrigin = Origin.flag("--crypto-backend");
        }
        if (backend != null) {
            String name = backend;
            Origin from = backendOrigin;
            config.orReport(() -> Values.parse(name, from, AeadFactory::preferring), null);
        }

        String transport = config.string("transport").orElse(d.transport());
        Origin transportOrigin = Origin.key(config, "transport");
        if (flags.transport != null) {
            transport = flags.transport;
            transportOrigin = Origin.flag("--transport");
        }
        String transportName = transport;
        Origin transportFrom = transportOrigin;
        config.orReport(() -> Values.parse(transportName, transportFrom, Transport::named,
                "use auto, epoll, kqueue or nio"), null);

        int workers = config.integer("workers", 1, 1024).orElse(d.workerThreads());
        if (flags.workers != null) {
            workers = Values.positive(flags.workers, "--workers");
        }

        config.orReport(() -> logFile(flags, config), null);
        if (config.has("user")) {
            config.report(config.refused("user", "switching to another user is not supported; start the service as"
                    + " that user (systemd: User=)"));
        }

        return new CommonSettings(mode, Duration.ofSeconds(timeout), Duration.ofSeconds(udpTimeout), udpMax,
                nameServers, ipv6First, noDelay, fastOpen, reusePort, backend, transport, workers);
    }

    /**
     * Where the log goes: {@code --log-file}, else the config's {@code log_file}, else {@code null}
     * (stderr). Logging is set up before the rest of the config is read, so that what reading it says
     * goes to the log file too: this reads only that key of the file (which {@link #read} reads again,
     * with all the others).
     *
     * @throws ConfigException when the config file cannot be read or {@code log_file} is not a file name
     */
    public static Path logFile(CommonOptions flags) throws ConfigException {
        if (flags.logFile != null || flags.config == null) {
            return flags.logFile;
        }
        return logFile(flags, ConfigObject.read(flags.config));
    }

    static Path logFile(CommonOptions flags, ConfigObject config) throws ConfigException {
        String key = config.string("log_file").orElse(null);
        if (key != null && key.isBlank()) {
            throw config.invalid("log_file", "expected a file name, got an empty string");
        }
        if (flags.logFile != null) {
            return flags.logFile;
        }
        return key == null ? null : Path.of(key);
    }

    /**
     * The SIP003 plugin of the top level: the keys {@code plugin}, {@code plugin_opts} and
     * {@code plugin_args} (a string or a list), each overridden by {@code --plugin} / {@code --plugin-opts};
     * {@code null} for none (an empty name is none, as panels and libev write it).
     */
    static PluginSpec plugin(CommonOptions flags, ConfigObject config) throws ConfigException {
        PluginSpec fromFile = plugin(config, null);
        String program = flags.plugin != null ? flags.plugin : fromFile == null ? null : fromFile.program();
        String options = flags.pluginOptions != null ? flags.pluginOptions
                : fromFile == null ? null : fromFile.options();
        if (program == null || program.isEmpty()) {
            if (flags.pluginOptions != null) {
                throw new ConfigException("flag --plugin-opts: there is no plugin to take it; give --plugin too");
            }
            return null;
        }
        return new PluginSpec(program, options, fromFile == null ? List.of() : fromFile.args());
    }

    /** The plugin keys of one object (the top level or a {@code servers} entry); {@code inherited} when it has none. */
    static PluginSpec plugin(ConfigObject config, PluginSpec inherited) throws ConfigException {
        String program = config.string("plugin").orElse(null);
        String options = config.string("plugin_opts").orElse(null);
        List<String> args = config.stringOrList("plugin_args").orElse(List.of());
        if (program == null || program.isEmpty()) {
            for (String key : List.of("plugin_opts", "plugin_args")) {
                if (config.has(key) && !(key.equals("plugin_opts") ? options.isEmpty() : args.isEmpty())) {
                    throw config.invalid(key, "there is no plugin to take it; set 'plugin' too");
                }
            }
            return program == null ? inherited : null; // "plugin": "" turns an inherited plugin off
        }
        return new PluginSpec(program, options, args);
    }
}
