package dev.ssjvm.service.plugin;

import dev.ssjvm.service.config.PluginSpec;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SIP003 plugin, kept running as a child process: started with the five {@code SS_*} variables,
 * its output forwarded line by line to a logger of its own, started again with back-off (1 s doubling
 * to 30 s) when it dies, and stopped with SIGTERM (then killed after a grace period) by {@link #stop()}
 * or when the JVM exits. Waiting for the process and reading its output happen on threads of their
 * own, never on an event loop.
 *
 * <p>Which side it is on only changes what the addresses mean: the plugin listens on the local
 * address and connects to the remote one on a client; on a server it listens on the remote (public)
 * address and connects to the local one, where the port's TCP listener is.
 */
public final class PluginProcess {
    private static final Logger LOG = LoggerFactory.getLogger(PluginProcess.class);
    private static final long FIRST_BACKOFF_MILLIS = 1_000;
    private static final long MAX_BACKOFF_MILLIS = 30_000;
    /** A plugin that ran this long before dying starts again at the first back-off. */
    private static final long STABLE_MILLIS = 60_000;
    private static final long GRACE_MILLIS = 3_000;

    private final PluginSpec spec;
    private final String label;
    private final Logger output;
    private final Map<String, String> environment;
    private final Thread watcher;
    private final Thread hook;
    private Process process; // guarded by this
    private boolean stopped; // guarded by this

    private PluginProcess(PluginSpec spec, String label, String remoteHost, int remotePort, String localHost,
            int localPort) {
        this.spec = spec;
        this.label = label;
        String name = spec.program().substring(spec.program().lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9_-]", "_");
        this.output = LoggerFactory.getLogger("dev.ssjvm.plugin." + name);
        this.environment = Map.of(
                "SS_REMOTE_HOST", remoteHost,
                "SS_REMOTE_PORT", Integer.toString(remotePort),
                "SS_LOCAL_HOST", localHost,
                "SS_LOCAL_PORT", Integer.toString(localPort),
                "SS_PLUGIN_OPTIONS", spec.options() == null ? "" : spec.options());
        this.watcher = new Thread(this::watch, "plugin-" + name + "-" + label);
        this.watcher.setDaemon(true);
        this.hook = new Thread(this::destroyNow, "plugin-" + name + "-exit");
    }

    /**
     * Starts the plugin once (a program that cannot be started is an error here, not a restart loop),
     * then keeps it running.
     *
     * @param label what the plugin serves, for logs ({@code port 8388}, a server's address)
     * @throws IOException if the program cannot be started
     */
    public static PluginProcess start(PluginSpec spec, String label, String remoteHost, int remotePort,
            String localHost, int localPort) throws IOException {
        PluginProcess plugin = new PluginProcess(spec, label, remoteHost, remotePort, localHost, localPort);
        synchronized (plugin) {
            plugin.process = plugin.launch();
        }
        Runtime.getRuntime().addShutdownHook(plugin.hook);
        plugin.watcher.start();
        return plugin;
    }

    private Process launch() throws IOException {
        List<String> command = new ArrayList<>();
        command.add(spec.program());
        command.addAll(spec.args());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().putAll(environment);
        Process started;
        try {
            started = builder.start();
        } catch (IOException e) {
            throw new IOException("cannot start plugin " + spec.program() + " for " + label + ": " + e.getMessage(), e);
        }
        LOG.info("plugin {} for {} started (pid {}): remote {}:{}, local {}:{}", spec.program(), label, started.pid(),
                environment.get("SS_REMOTE_HOST"), environment.get("SS_REMOTE_PORT"),
                environment.get("SS_LOCAL_HOST"), environment.get("SS_LOCAL_PORT"));
        Thread reader = new Thread(() -> forward(started), watcher.getName() + "-output");
        reader.setDaemon(true);
        reader.start();
        return started;
    }

    /** The plugin's stdout and stderr, one log line per line. */
    private void forward(Process p) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                output.info("[{} pid {}] {}", label, p.pid(), line);
            }
        } catch (IOException e) {
            // the process is gone: its pipe closed under the reader
        }
    }

    /** Waits for the process; when it dies unasked, starts it again after the back-off. */
    private void watch() {
        long backoff = FIRST_BACKOFF_MILLIS;
        while (true) {
            Process p;
            synchronized (this) {
                if (stopped) {
                    return;
                }
                p = process;
            }
            long since = System.nanoTime();
            int code;
            try {
                code = p == null ? -1 : p.waitFor();
            } catch (InterruptedException e) {
                return; // stop() interrupts: it ends the process itself
            }
            synchronized (this) {
                if (stopped) {
                    return;
                }
                process = null;
            }
            if (TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since) >= STABLE_MILLIS) {
                backoff = FIRST_BACKOFF_MILLIS;
            }
            if (p != null) {
                LOG.warn("plugin {} for {} exited with status {}; starting it again in {} s", spec.program(), label,
                        code, backoff / 1000);
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                return;
            }
            backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
            synchronized (this) {
                if (stopped) {
                    return;
                }
                try {
                    process = launch();
                } catch (IOException e) {
                    LOG.warn("{}; trying again in {} s", e.getMessage(), backoff / 1000);
                }
            }
        }
    }

    /** The {@code SS_*} variables the plugin is started with (no key among them). */
    public Map<String, String> environment() {
        return environment;
    }

    /** The process id of the plugin running now, or -1 while it is being restarted. */
    public synchronized long pid() {
        return process == null ? -1 : process.pid();
    }

    /**
     * Stops the plugin for good: SIGTERM, then SIGKILL if it has not exited within the grace period.
     * Blocks up to that long; idempotent.
     */
    public void stop() {
        Process p;
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
            p = process;
            process = null;
        }
        watcher.interrupt();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is exiting: the hook runs anyway
        }
        if (p != null) {
            terminate(p);
            LOG.info("plugin {} for {} stopped", spec.program(), label);
        }
    }

    private static void terminate(Process p) {
        p.destroy();
        try {
            if (!p.waitFor(GRACE_MILLIS, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor(GRACE_MILLIS, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** At JVM exit: the plugin must not outlive us. */
    private void destroyNow() {
        Process p;
        synchronized (this) {
            stopped = true;
            p = process;
        }
        if (p != null) {
            terminate(p);
        }
    }

    @Override
    public String toString() {
        return "plugin " + spec.program() + " for " + label;
    }

    /**
     * A TCP port free on {@code host} now (for the plugin to listen on; it may be taken before the plugin
     * binds it, as with every SIP003 implementation).
     */
    public static int freePort(String host) throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), 0), 1);
            return socket.getLocalPort();
        }
    }
}
