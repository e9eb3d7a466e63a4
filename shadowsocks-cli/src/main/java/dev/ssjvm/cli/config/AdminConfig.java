package dev.ssjvm.cli.config;

import dev.ssjvm.admin.AdminSettings;
import dev.ssjvm.core.address.HostAndPort;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Reads how a server is operated: {@code manager_address}, {@code api_address}, {@code api_secret},
 * {@code metrics_address}, {@code state_file}, {@code drain_timeout}, and their flags.
 */
final class AdminConfig {
    private AdminConfig() {}

    /** @param role what a manager address is for in this command */
    static AdminSettings read(ServerOptions flags, ConfigObject config, AdminSettings.ManagerRole role)
            throws ConfigException {
        String manager = pick(flags.managerAddress, config.string("manager_address").orElse(null));
        String api = pick(flags.apiAddress, config.string("api_address").orElse(null));
        String secret = pick(flags.apiSecret, config.string("api_secret").orElse(null));
        String metrics = pick(flags.metricsAddress, config.string("metrics_address").orElse(null));
        String state = config.string("state_file").orElse(null);
        Path stateFile = flags.stateFile != null ? flags.stateFile : state == null ? null : Path.of(state);
        int drain = config.integer("drain_timeout", 0, 86_400)
                .orElse((int) AdminSettings.DEFAULT_DRAIN_TIMEOUT.toSeconds());
        if (flags.drainTimeout != null) {
            if (flags.drainTimeout < 0) {
                throw new ConfigException("flag --drain-timeout: expected 0 or more seconds, got " + flags.drainTimeout);
            }
            drain = flags.drainTimeout;
        }
        checkAddress(api, flags.apiAddress != null ? "flag --api-address" : config.file() + ": key 'api_address'");
        checkAddress(metrics, flags.metricsAddress != null ? "flag --metrics-address"
                : config.file() + ": key 'metrics_address'");
        if (secret != null && !secret.matches("[A-Za-z0-9._~-]{16,}")) {
            throw new ConfigException((flags.apiSecret != null ? "flag --api-secret" : config.file()
                    + ": key 'api_secret'") + ": expected at least 16 URL-safe characters (letters, digits, . _ ~ -)");
        }
        return new AdminSettings(manager, manager == null ? AdminSettings.ManagerRole.NONE : role, api, secret, metrics,
                stateFile, Duration.ofSeconds(drain));
    }

    private static String pick(String flag, String key) {
        return flag != null ? flag : key;
    }

    /** HOST:PORT with an IP literal or a name, checked here so the error names its source. */
    private static void checkAddress(String address, String origin) throws ConfigException {
        if (address == null) {
            return;
        }
        try {
            InetSocketAddress a = HostAndPort.parse(address);
            if (a.getPort() == 0) {
                throw new IllegalArgumentException("a port is needed");
            }
        } catch (IllegalArgumentException e) {
            throw new ConfigException(origin + ": expected HOST:PORT, " + e.getMessage());
        }
    }
}
