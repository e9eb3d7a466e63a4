package dev.ssjvm.admin.manager;

import dev.ssjvm.admin.Addon;
import dev.ssjvm.admin.Admin;
import dev.ssjvm.admin.AdminSettings;
import dev.ssjvm.core.address.HostAndPort;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ssmanager}: the ss-manager protocol on the manager address, for panels written against
 * libev's ss-manager. Every command goes through {@link Admin#change} and is answered when it has
 * been applied, on this socket, to the address it came from.
 *
 * <p>Every 10 s the client that last sent a command also gets an unasked {@code stat} message, as the
 * original Python manager sends one. The Python manager sends the bytes since its previous message;
 * we send the same cumulative totals as {@code ping} (libev's numbers), because panels compute their
 * own differences from libev's totals, and mixing in differences would count traffic twice or
 * backwards.
 */
public final class ManagerController implements Addon {
    private static final Logger LOG = LoggerFactory.getLogger(ManagerController.class);
    static final Duration PUSH_EVERY = Duration.ofSeconds(10);

    private final Admin admin;
    private final ManagerCommands commands;
    private final ManagerAddress address;
    private ManagerSocket socket;
    /** Where the periodic stat goes; set on the socket's loop, read there and on the admin thread. */
    private volatile SocketAddress lastClient;

    private ManagerController(Admin admin, ManagerAddress address) {
        this.admin = admin;
        this.commands = new ManagerCommands(admin);
        this.address = address;
    }

    /** The {@link dev.ssjvm.admin.AddonFactory} of ssmanager: runs when the manager role is CONTROLLER. */
    public static Addon start(Admin admin) throws IOException {
        AdminSettings settings = admin.settings();
        if (settings.managerRole() != AdminSettings.ManagerRole.CONTROLLER) {
            return null;
        }
        return start(admin, ManagerAddress.parse(settings.managerAddress()), PUSH_EVERY);
    }

    static ManagerController start(Admin admin, ManagerAddress address, Duration pushEvery) throws IOException {
        ManagerController controller = new ManagerController(admin, address);
        controller.socket = ManagerSocket.bind(address, "ssjvm-manager", controller::received);
        controller.socket.every(pushEvery.toMillis(), TimeUnit.MILLISECONDS, controller::push);
        LOG.info("manager: taking ss-manager commands on {}", address);
        return controller;
    }

    /** The bound address (the chosen port, when asked for port 0). */
    SocketAddress localAddress() {
        return socket.localAddress();
    }

    /** On the socket's loop. */
    private void received(byte[] datagram, SocketAddress from) {
        String sender = describe(from);
        if (datagram.length > ManagerProtocol.MAX_REQUEST) {
            LOG.warn("manager: a request of {} bytes from {} ignored, as libev ignores those over {}", datagram.length,
                    sender, ManagerProtocol.MAX_REQUEST);
            return;
        }
        ManagerProtocol.Request request;
        try {
            request = ManagerProtocol.parse(datagram);
        } catch (CharacterCodingException e) {
            LOG.warn("manager: a request from {} refused (err): not UTF-8 text", sender);
            reply(from, List.of(ManagerProtocol.ERR));
            return;
        }
        if (request == null) {
            return;
        }
        boolean command = ManagerCommands.COMMANDS.contains(request.action());
        if (command && from == null) {
            LOG.warn("manager: {} from an unnamed Unix socket will run but cannot be answered; bind the client's"
                    + " socket to a path", request.action());
        }
        if (command && from != null) {
            lastClient = from;
        }
        java.util.concurrent.CompletableFuture<List<String>> done;
        try {
            done = admin.change(() -> commands.run(request, sender));
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            LOG.info("manager: {} from {} not run: the server is stopping", request.action(), sender);
            return;
        }
        done.whenComplete((replies, error) -> {
            if (error != null) {
                LOG.warn("manager: {} from {} failed (err): {}", request.action(), sender, error.toString());
                if (command) {
                    reply(from, List.of(ManagerProtocol.ERR));
                }
                return;
            }
            reply(from, replies);
        });
    }

    private void reply(SocketAddress to, List<String> datagrams) {
        if (to == null) {
            return;
        }
        for (String d : datagrams) {
            socket.send(to, d.getBytes(StandardCharsets.UTF_8)).addListener(f -> {
                if (!f.isSuccess()) {
                    LOG.warn("manager: cannot answer {}: {}", describe(to), f.cause().toString());
                }
            });
        }
    }

    /** The periodic stat, on the socket's loop. */
    private void push() {
        SocketAddress to = lastClient;
        if (to == null) {
            return;
        }
        Map<Integer, Long> bytes = ManagerCommands.bytesByPort(admin.server());
        if (bytes.isEmpty()) {
            return; // as the Python manager: nothing to report, nothing sent
        }
        for (String d : ManagerProtocol.stat(bytes)) {
            socket.send(to, d.getBytes(StandardCharsets.UTF_8)).addListener(f -> {
                if (!f.isSuccess()) {
                    LOG.debug("manager: periodic stat to {} not sent: {}", describe(to), f.cause().toString());
                }
            });
        }
    }

    private static String describe(SocketAddress a) {
        if (a == null) {
            return "an unnamed Unix socket";
        }
        if (a instanceof InetSocketAddress inet) {
            return HostAndPort.format(HostAndPort.unmapped(inet));
        }
        if (a instanceof DomainSocketAddress unix) {
            return unix.path();
        }
        return a.toString();
    }

    @Override
    public void close() {
        socket.close();
        LOG.info("manager: stopped taking commands on {}", address);
    }

    @Override
    public String toString() {
        return "ss-manager protocol on " + address;
    }
}
