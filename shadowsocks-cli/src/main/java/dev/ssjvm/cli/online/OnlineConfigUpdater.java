package dev.ssjvm.cli.online;

import dev.ssjvm.service.config.ServerEndpoint;
import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps sslocal's servers in step with an online config: the first document is loaded at start (the
 * caller waits for it), then the document is fetched again every update interval on a thread of its
 * own, and a changed, valid list is handed on. A document that fails to load, parse or validate changes
 * nothing: the last good list stays and one line says why.
 */
public final class OnlineConfigUpdater implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(OnlineConfigUpdater.class);

    private final OnlineConfig config;
    private final OnlineFetcher fetcher;
    private final ScheduledExecutorService thread;
    /** The last list handed on; only the updater's thread touches it after start. */
    private List<ServerEndpoint> current = List.of();
    /** Why the last refresh failed, or null: the same reason is logged once, not at every refresh. */
    private String lastFailure;

    /** @throws IOException if the CA file cannot be used */
    public OnlineConfigUpdater(OnlineConfig config) throws IOException {
        this.config = config;
        this.fetcher = new OnlineFetcher(config);
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "online-config");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Loads the document once, on the calling thread (which must not be an event loop).
     *
     * @throws IOException saying why the document could not be loaded or used
     */
    public List<ServerEndpoint> loadFirst() throws IOException, InterruptedException {
        OnlineDocument.Parsed parsed;
        try {
            parsed = OnlineDocument.parse(fetcher.fetch());
        } catch (OnlineDocument.InvalidDocument e) {
            throw new IOException(e.getMessage());
        }
        report(parsed);
        current = parsed.servers();
        return current;
    }

    /** Fetches again every update interval, handing each changed good list to {@code apply}. */
    public void start(Consumer<List<ServerEndpoint>> apply) {
        long every = config.updateInterval().toMillis();
        thread.scheduleWithFixedDelay(() -> refresh(apply), every, every, TimeUnit.MILLISECONDS);
    }

    private void refresh(Consumer<List<ServerEndpoint>> apply) {
        OnlineDocument.Parsed parsed;
        try {
            parsed = OnlineDocument.parse(fetcher.fetch());
        } catch (IOException | OnlineDocument.InvalidDocument e) {
            failed(e.getMessage());
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (parsed.servers().equals(current)) {
            LOG.debug("online config {}: unchanged", config);
            lastFailure = null;
            return;
        }
        try {
            apply.accept(parsed.servers());
        } catch (RuntimeException e) {
            failed(e.getMessage());
            return;
        }
        lastFailure = null;
        report(parsed);
        current = parsed.servers();
    }

    private void failed(String why) {
        if (why.equals(lastFailure)) {
            LOG.debug("online config {}: still failing: {}", config, why);
            return;
        }
        lastFailure = why;
        LOG.warn("online config {}: keeping the last good list of {} server(s): {}", config, current.size(), why);
    }

    private void report(OnlineDocument.Parsed parsed) {
        for (String line : parsed.skipped()) {
            LOG.warn("online config {}: {}", config, line);
        }
        LOG.info("online config {}: {} server(s){}", config, parsed.servers().size(),
                parsed.usage() == null ? "" : ", " + parsed.usage());
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
