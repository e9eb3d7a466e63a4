package dev.ssjvm.admin;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How a server is operated: which admin services run and where. Every address is {@code null} when
 * its service is off (the default).
 *
 * @param managerAddress the ss-manager protocol's socket: {@code host:port} (UDP) or a path (Unix
 *     datagram socket)
 * @param managerRole what the manager address is for
 * @param apiAddress the HTTP management API ({@code host:port}, see {@code admin.api.ManagementApi}); keep it
 *     on loopback: any other address exposes it to other hosts (a warning is logged at start)
 * @param apiSecret the secret path prefix of the HTTP API; {@code null}: a fresh one, printed at start
 * @param metricsAddress the Prometheus endpoint ({@code host:port})
 * @param stateFile where accounting and quotas are kept across restarts; {@code null}: not kept
 * @param drainTimeout how long open connections may go on after a stop or a port's removal
 */
public record AdminSettings(String managerAddress, ManagerRole managerRole, String apiAddress, String apiSecret,
        String metricsAddress, Path stateFile, Duration drainTimeout) {

    /** What {@link #managerAddress} is for. */
    public enum ManagerRole {
        /** No manager. */
        NONE,
        /** {@code ssmanager}: listen there for ss-manager commands and serve every port in this process. */
        CONTROLLER,
        /** {@code ssserver}: report this server's traffic there, as libev's ss-server reports to ss-manager. */
        REPORTER
    }

    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);

    public static final AdminSettings NONE =
            new AdminSettings(null, ManagerRole.NONE, null, null, null, null, DEFAULT_DRAIN_TIMEOUT);

    public AdminSettings {
        if ((managerAddress == null) != (managerRole == ManagerRole.NONE)) {
            throw new IllegalArgumentException("a manager address needs a role, and a role an address");
        }
        if (drainTimeout.isNegative()) {
            throw new IllegalArgumentException("the drain timeout cannot be negative");
        }
    }
}
