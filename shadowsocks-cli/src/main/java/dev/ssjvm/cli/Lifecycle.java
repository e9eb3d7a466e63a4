package dev.ssjvm.cli;

import dev.ssjvm.cli.config.CommonOptions;
import dev.ssjvm.cli.config.ConfigException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs a service until SIGINT or SIGTERM, with the logging and the optional pid file of its flags. */
final class Lifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(Lifecycle.class);

    /** Reads a service's config and starts it. */
    interface Starter {
        Closeable start() throws Exception;
    }

    private Lifecycle() {}

    /**
     * Writes the pid file, starts the service, and blocks until the JVM is asked to stop; returns 0.
     * The pid file is there before the ports are (so a script that waits for a port finds it), and
     * gone again if the service cannot start.
     */
    static int run(String name, CommonOptions flags, Starter starter) throws Exception {
        Logging.configure(flags.verbose.length);
        writePidFile(flags.pidFile);
        Closeable service;
        try {
            service = starter.start();
        } catch (Exception e) {
            removePidFile(flags.pidFile);
            throw e;
        }
        runUntilStopped(name, service, flags.pidFile);
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

    /** Blocks until the JVM is asked to stop, then closes {@code service} and removes the pid file. */
    private static void runUntilStopped(String name, Closeable service, Path pidFile) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("{} shutting down", name);
            try {
                service.close();
            } catch (IOException | RuntimeException e) {
                LOG.warn("error while shutting down: {}", e.toString());
            }
            removePidFile(pidFile);
            stopped.countDown();
        }, name + "-shutdown"));
        stopped.await();
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
