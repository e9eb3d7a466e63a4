package dev.ssjvm.cli;

import dev.ssjvm.cli.config.CommonConfig;
import dev.ssjvm.cli.config.CommonOptions;
import dev.ssjvm.cli.config.ConfigException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Runs a service until it is asked to stop, with the logging (stderr, or a rolling log file) and the
 * optional pid file of its flags.
 * SIGTERM (and SIGINT) stops gracefully (see {@link Service#stop}); a second one stops at once.
 * SIGHUP reloads; a service may take more signals (sslocal: SIGUSR1 re-reads its server list).
 * The signal handlers are in place before the service starts, so a stop that comes
 * while its ports are opening is not lost: the service stops as soon as it is up.
 */
final class Lifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(Lifecycle.class);

    /** A started service. */
    interface Service extends Closeable {
        /** Stops accepting and lets open connections finish (as long as the service allows), then closes. */
        default void stop() throws IOException {
            close();
        }

        /** Re-reads the configuration and applies it (SIGHUP); by default there is nothing to reload. */
        default void reload() {
            LOG.info("SIGHUP: nothing to reload");
        }

        /** Handles one of the extra signals the service was run with ({@code USR1}); by default nothing. */
        default void signal(String name) {
            LOG.info("SIG{}: nothing to do", name);
        }

        /** Closes everything at once. Safe to call more than once. */
        @Override
        void close() throws IOException;
    }

    /** Reads a service's config and starts it. */
    interface Starter {
        Service start() throws Exception;
    }

    private Lifecycle() {}

    /**
     * Sets up logging, writes the pid file, starts the service, and blocks until it is asked to stop;
     * returns 0. The pid file is there before the ports are (so a script that waits for a port finds
     * it), and gone again if the service cannot start. The log file is chosen once, at start: a reload
     * keeps the one the service started with.
     */
    static int run(String name, CommonOptions flags, Starter starter) throws Exception {
        return run(name, flags, false, starter);
    }

    /**
     * @param pidFileWhenStarted write the pid file once the service is up rather than before (a
     *     detached server: whoever waits for the file wants the ports open)
     */
    static int run(String name, CommonOptions flags, boolean pidFileWhenStarted, Starter starter) throws Exception {
        return run(name, flags, pidFileWhenStarted, List.of(), starter);
    }

    /**
     * @param extraSignals signals (such as {@code USR1}) handed to {@link Service#signal} once the
     *     service is up; only these are taken from the JVM's defaults
     */
    static int run(String name, CommonOptions flags, boolean pidFileWhenStarted, List<String> extraSignals,
            Starter starter) throws Exception {
        Path logFile = CommonConfig.logFile(flags);
        Logging.configure(flags.verbose.length, logFile);
        if (!pidFileWhenStarted) {
            writePidFile(flags.pidFile);
        }
        CompletableFuture<Service> started = new CompletableFuture<>();
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            Service service = started.getNow(null);
            if (service != null) {
                LOG.info("{} shutting down", name);
                try {
                    service.close();
                } catch (IOException | RuntimeException e) {
                    LOG.warn("error while shutting down: {}", e.toString());
                }
            }
            removePidFile(flags.pidFile);
            stopped.countDown();
        }, name + "-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        AtomicInteger stops = new AtomicInteger();
        handle("TERM", () -> stopRequested(name, started, stops));
        handle("INT", () -> stopRequested(name, started, stops));
        handle("HUP", () -> reloadRequested(started, flags, logFile));
        for (String signal : extraSignals) {
            handle(signal, () -> {
                Service service = started.getNow(null);
                if (service != null) {
                    service.signal(signal);
                }
            });
        }
        Service service;
        try {
            service = starter.start();
            if (pidFileWhenStarted) {
                writePidFile(flags.pidFile);
            }
        } catch (Exception e) {
            // a failed start is one error line, not a shutdown: the hook has nothing to close
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDownAlready) {
                // a second stop signal came during the start; the hook removes the pid file
            }
            removePidFile(flags.pidFile);
            started.completeExceptionally(e);
            throw e;
        }
        started.complete(service);
        stopped.await();
        return 0;
    }

    private static void writePidFile(Path pidFile) throws ConfigException {
        if (pidFile == null) {
            return;
        }
        try {
            Files.writeString(pidFile, ProcessHandle.current().pid() + "\n");
        } catch (IOException e) {
            throw new ConfigException("pid file " + pidFile + ": cannot write: " + e.getMessage());
        }
    }

    /**
     * The first stop is graceful, on a thread of its own, once the service is up; the second exits at
     * once.
     */
    private static void stopRequested(String name, CompletableFuture<Service> started, AtomicInteger stops) {
        if (stops.incrementAndGet() > 1) {
            LOG.info("{}: second stop signal, stopping at once", name);
            System.exit(0);
        }
        Thread graceful = new Thread(() -> {
            Service service;
            try {
                service = started.get();
            } catch (ExecutionException failedToStart) {
                return; // the start's own error ends the process
            } catch (InterruptedException e) {
                return;
            }
            try {
                service.stop();
            } catch (IOException | RuntimeException e) {
                LOG.warn("error while stopping: {}", e.toString());
            }
            System.exit(0);
        }, name + "-stop");
        graceful.setDaemon(true);
        graceful.start();
    }

    /** SIGHUP: the service reloads, once it is up; a changed log file waits for the next start. */
    private static void reloadRequested(CompletableFuture<Service> started, CommonOptions flags, Path logFile) {
        Service service = started.getNow(null);
        if (service == null) {
            return;
        }
        try {
            if (!Objects.equals(CommonConfig.logFile(flags), logFile)) {
                LOG.warn("reload: log_file changed; it takes effect at the next start");
            }
        } catch (ConfigException e) {
            // the reload reads the file again and reports what is wrong with it
        }
        service.reload();
    }

    /** Handles a signal where the platform has it; elsewhere the JVM's default stays. */
    private static void handle(String signal, Runnable action) {
        try {
            if (Signal.handle(new Signal(signal), s -> action.run()) == SignalHandler.SIG_IGN) {
                // the JVM leaves a signal its parent ignored alone (nohup does that to SIGHUP), so ours
                // was not installed: say so, or a reload would be a signal that silently does nothing
                LOG.warn("SIG{} is ignored in this process (started under nohup?), so it does nothing here;"
                        + " started without that, the service takes it{}", signal,
                        signal.equals("HUP") ? " as a reload and does not die of a hangup" : "");
            }
        } catch (IllegalArgumentException e) {
            LOG.debug("signal {} cannot be handled here: {}", signal, e.getMessage());
        }
    }

    private static void removePidFile(Path pidFile) {
        if (pidFile != null) {
            try {
                Files.deleteIfExists(pidFile);
            } catch (IOException ignored) {
                // nothing more to do on the way out
            }
        }
    }
}
