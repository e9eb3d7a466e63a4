package dev.ssjvm.admin.metrics;

import dev.ssjvm.admin.Addon;
import dev.ssjvm.admin.AddonFactory;
import dev.ssjvm.admin.Admin;
import dev.ssjvm.admin.HttpListener;
import dev.ssjvm.core.address.HostAndPort;
import dev.ssjvm.service.server.ShadowsocksServer;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prometheus metrics at {@code http://<metrics address>/metrics} (off unless an address is set): the
 * server's accounting, Netty's memory, and the JVM's (memory, GC, threads, ...), in the Prometheus
 * text format written by the Prometheus Java client.
 *
 * <p>Nothing is counted for it on the relay path: every value is read when a scrape comes. The HTTP
 * side runs on its own event loop; collecting and writing a scrape runs on its own thread, so neither
 * the relay's loops nor this one wait for it.
 */
public final class MetricsAddon implements Addon {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsAddon.class);

    /** The path the metrics are served at. */
    public static final String PATH = "/metrics";

    /** Starts the addon when the admin settings name a metrics address. */
    public static final AddonFactory FACTORY = MetricsAddon::start;

    /** Scrapes waiting for the scrape thread beyond the one running; more are answered 503. */
    private static final int QUEUED_SCRAPES = 4;

    private static final PrometheusTextFormatWriter WRITER = PrometheusTextFormatWriter.create();

    private final PrometheusRegistry registry;
    private final ExecutorService scrapes;
    private final HttpListener listener;

    private MetricsAddon(PrometheusRegistry registry, ExecutorService scrapes, HttpListener listener) {
        this.registry = registry;
        this.scrapes = scrapes;
        this.listener = listener;
    }

    /** @return the running addon, or {@code null} when no metrics address is set */
    public static MetricsAddon start(Admin admin) throws IOException {
        String address = admin.settings().metricsAddress();
        if (address == null) {
            return null;
        }
        return start(HostAndPort.parse(address), admin.server());
    }

    /**
     * Serves the metrics of {@code server} on {@code address} (port 0: a free one, see {@link #address()}).
     *
     * @throws IOException if the address cannot be bound
     */
    public static MetricsAddon start(InetSocketAddress address, ShadowsocksServer server) throws IOException {
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new ServerCollector(server, version()));
        registry.register(new NettyCollector(ByteBufAllocator.DEFAULT));
        JvmMetrics.builder().register(registry);

        ThreadPoolExecutor scrapes = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(QUEUED_SCRAPES), new DefaultThreadFactory("ssjvm-metrics-scrape", true));
        HttpListener listener;
        try {
            listener = HttpListener.start("metrics", address, 16 * 1024, true,
                    () -> new MetricsHttpHandler(PATH, scrapes, () -> render(registry)));
        } catch (IOException e) {
            scrapes.shutdownNow();
            throw e;
        }
        MetricsAddon addon = new MetricsAddon(registry, scrapes, listener);
        LOG.info("metrics: Prometheus metrics at http://{}{}", HostAndPort.format(addon.address()), PATH);
        return addon;
    }

    /** The bound address of the HTTP listener. */
    public InetSocketAddress address() {
        return listener.address();
    }

    /** One scrape in the Prometheus text format; on the scrape thread. */
    static byte[] render(PrometheusRegistry registry) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(32 * 1024);
        try {
            WRITER.write(out, registry.scrape(), EscapingScheme.UNDERSCORE_ESCAPING);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return out.toByteArray();
    }

    /** The Prometheus text format's content type, with its version. */
    static String contentType() {
        return PrometheusTextFormatWriter.CONTENT_TYPE;
    }

    /** The project version, from the build; "development" when run from an unfiltered tree. */
    static String version() {
        try (InputStream in = Admin.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version");
                if (v != null && !v.isBlank() && !v.startsWith("${")) {
                    return v;
                }
            }
        } catch (IOException e) {
            LOG.debug("metrics: no version.properties: {}", e.toString());
        }
        return "development";
    }

    @Override
    public void close() {
        listener.close();
        scrapes.shutdownNow();
        registry.clear();
    }

    @Override
    public String toString() {
        return "metrics at http://" + HostAndPort.format(address()) + PATH;
    }
}
