package dev.ssjvm.cli;

import dev.ssjvm.cli.config.ConfigException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs a started service until SIGINT or SIGTERM, with an optional pid file. */
final class Lifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(Lifecycle.class);

    private Lifecycle() {}

    static void writePidFile(Path pidFile) throws ConfigException {
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
    static void runUntilStopped(String name, Closeable service, Path pidFile) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("{} shutting down", name);
            try {
                service.close();
            } catch (IOException | RuntimeException e) {
                LOG.warn("error while shutting down: {}", e.toString());
            }
            if (pidFile != null) {
                try {
                    Files.deleteIfExists(pidFile);
                } catch (IOException ignored) {
                    // nothing more to do on the way out
                }
            }
            stopped.countDown();
        }, name + "-shutdown"));
        stopped.await();
    }
}
