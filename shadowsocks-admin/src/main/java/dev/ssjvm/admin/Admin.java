package dev.ssjvm.admin;

import dev.ssjvm.service.config.ServerSettings;
import dev.ssjvm.service.server.ShadowsocksServer;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin plane of a running server: the admin services (see {@link Addons}) and the one thread on
 * which every change to ports and users runs, whichever source asks (a manager command, the HTTP API,
 * a reload). One thread keeps changes in order and off the event loops, where binding would block.
 */
public final class Admin implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(Admin.class);

    /** Reads the configuration again, for a reload. */
    @FunctionalInterface
    public interface ConfigSource {
        /** @throws Exception with a one-line message naming the file and key when the config is broken */
        ServerSettings read() throws Exception;
    }

    private final ShadowsocksServer server;
    private final AdminSettings settings;
    private final PortTemplate template;
    private final ConfigSource config;
    private final ExecutorService changes = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "ssjvm-admin");
        t.setDaemon(true);
        return t;
    });
    private final List<Addon> addons = new ArrayList<>();

    private Admin(ShadowsocksServer server, AdminSettings settings, PortTemplate template, ConfigSource config) {
        this.server = server;
        this.settings = settings;
        this.template = template;
        this.config = config;
    }

    /**
     * Starts the admin services the settings ask for.
     *
     * @param config where a reload reads the configuration again; {@code null} when there is none
     * @throws IOException if a service cannot start; none is left running then
     */
    public static Admin start(ShadowsocksServer server, AdminSettings settings, PortTemplate template,
            ConfigSource config) throws IOException {
        Admin admin = new Admin(server, settings, template, config);
        try {
            for (AddonFactory factory : Addons.ALL) {
                Addon addon = factory.start(admin);
                if (addon != null) {
                    admin.addons.add(addon);
                }
            }
        } catch (IOException | RuntimeException e) {
            admin.close();
            throw e;
        }
        return admin;
    }

    public ShadowsocksServer server() {
        return server;
    }

    public AdminSettings settings() {
        return settings;
    }

    /** What ports added at run time get by default. */
    public PortTemplate template() {
        return template;
    }

    /**
     * Runs a change of ports or users on the admin thread. Never blocks the caller, so event loops may
     * ask for changes; the future completes on the admin thread.
     */
    public <T> CompletableFuture<T> change(Callable<T> change) {
        CompletableFuture<T> result = new CompletableFuture<>();
        changes.execute(() -> {
            try {
                result.complete(change.call());
            } catch (Exception | Error e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /**
     * Reads the configuration again and applies it (SIGHUP). A config that cannot be read or used is
     * refused with its one-line error, and the running one stays.
     *
     * @return completes when the reload is done, with whether it was applied
     */
    public CompletableFuture<Boolean> reload() {
        if (config == null) {
            LOG.warn("reload: there is no config file to read again");
            return CompletableFuture.completedFuture(false);
        }
        return change(() -> {
            ServerSettings next;
            try {
                next = config.read();
            } catch (Exception e) {
                LOG.error("reload refused, the running config stays: {}", e.getMessage());
                return false;
            }
            try {
                ShadowsocksServer.Reload done = server.apply(next, settings.drainTimeout());
                LOG.info("reloaded: {} ports added, {} removed, {} changed", done.added().size(),
                        done.removed().size(), done.changed().size());
                return true;
            } catch (IllegalArgumentException e) {
                LOG.error("reload refused, the running config stays: {}", e.getMessage());
                return false;
            } catch (IOException e) {
                LOG.error("reload applied in part: {}", e.getMessage());
                return false;
            }
        });
    }

    /** The admin services that are running, in start order. */
    public List<Addon> addons() {
        return Collections.unmodifiableList(addons);
    }

    /** Stops the admin services (last started first) and the admin thread. Does not stop the server. */
    @Override
    public void close() {
        for (int i = addons.size() - 1; i >= 0; i--) {
            try {
                addons.get(i).close();
            } catch (RuntimeException e) {
                LOG.warn("closing {}: {}", addons.get(i), e.toString());
            }
        }
        addons.clear();
        changes.shutdown();
        try {
            changes.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
