package dev.ssjvm.admin.manager;

import dev.ssjvm.admin.Addon;
import dev.ssjvm.admin.Admin;
import dev.ssjvm.admin.AdminSettings;
import dev.ssjvm.service.server.ShadowsocksServer;
import java.io.IOException;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ssserver --manager-address}: reports this server's traffic to an external manager (libev's
 * ss-manager, which starts one server per port and asks each for its numbers this way). Every 5 s,
 * as libev's ss-server, one {@code stat: {"PORT":BYTES}} datagram (with libev's trailing NUL) per
 * running port, with the bytes both ways since start.
 */
public final class ManagerReporter implements Addon {
    private static final Logger LOG = LoggerFactory.getLogger(ManagerReporter.class);
    /** libev's UPDATE_INTERVAL. */
    static final Duration REPORT_EVERY = Duration.ofSeconds(5);

    private final ShadowsocksServer server;
    private final ManagerAddress address;
    private final SocketAddress target;
    private final ManagerSocket socket;
    private final AtomicBoolean failing = new AtomicBoolean();

    private ManagerReporter(ShadowsocksServer server, ManagerAddress address, SocketAddress target,
            ManagerSocket socket) {
        this.server = server;
        this.address = address;
        this.target = target;
        this.socket = socket;
    }

    /** The {@link dev.ssjvm.admin.AddonFactory} of ssserver: runs when the manager role is REPORTER. */
    public static Addon start(Admin admin) throws IOException {
        AdminSettings settings = admin.settings();
        if (settings.managerRole() != AdminSettings.ManagerRole.REPORTER) {
            return null;
        }
        return start(admin.server(), ManagerAddress.parse(settings.managerAddress()), REPORT_EVERY);
    }

    static ManagerReporter start(ShadowsocksServer server, ManagerAddress address, Duration every)
            throws IOException {
        SocketAddress target = ManagerSocket.socketAddress(address);
        ManagerSocket socket = ManagerSocket.sender(address, "ssjvm-reporter");
        ManagerReporter reporter = new ManagerReporter(server, address, target, socket);
        socket.every(every.toMillis(), TimeUnit.MILLISECONDS, reporter::report);
        LOG.info("manager: reporting traffic to {} every {}", address,
                every.toMillis() % 1000 == 0 ? every.toSeconds() + " s" : every.toMillis() + " ms");
        return reporter;
    }

    /** On the socket's loop. */
    private void report() {
        for (Map.Entry<Integer, Long> e : ManagerCommands.bytesByPort(server).entrySet()) {
            socket.send(target, ManagerProtocol.report(e.getKey(), e.getValue())).addListener(f -> {
                if (f.isSuccess()) {
                    if (failing.compareAndSet(true, false)) {
                        LOG.info("manager: reports reach {} again", address);
                    }
                } else if (failing.compareAndSet(false, true)) { // once, not every 5 s
                    LOG.warn("manager: cannot report to {}: {}", address, f.cause().toString());
                }
            });
        }
    }

    @Override
    public void close() {
        socket.close();
    }

    @Override
    public String toString() {
        return "traffic reports to " + address;
    }
}
