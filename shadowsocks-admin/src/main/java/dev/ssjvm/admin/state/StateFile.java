package dev.ssjvm.admin.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ssjvm.admin.Addon;
import dev.ssjvm.admin.AddonFactory;
import dev.ssjvm.admin.Admin;
import dev.ssjvm.service.limits.QuotaState;
import dev.ssjvm.service.limits.Refusal;
import dev.ssjvm.service.metrics.Failure;
import dev.ssjvm.service.metrics.TrafficStats;
import dev.ssjvm.service.server.ServerPort;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the server's accounting and quotas across restarts ({@code --state-file}): read once at
 * start, then written every {@link #INTERVAL_SECONDS} seconds and at stop, each time whole and
 * atomically (a temporary file, flushed to disk, then renamed over the old one), so a crash loses at
 * most the last few seconds of counts and never leaves a torn file.
 */
public final class StateFile implements Addon {
    private static final Logger LOG = LoggerFactory.getLogger(StateFile.class);
    static final int INTERVAL_SECONDS = 5;
    private static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Starts when {@code --state-file} is given. */
    public static final class Factory implements AddonFactory {
        @Override
        public Addon start(Admin admin) throws IOException {
            Path file = admin.settings().stateFile();
            return file == null ? null : new StateFile(admin, file);
        }
    }

    private final Admin admin;
    private final Path file;
    /** Quotas kept for ports that are not running (yet): given to them when they appear. */
    private final Map<Integer, Map<String, QuotaState>> pendingQuotas = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ssjvm-state");
        t.setDaemon(true);
        return t;
    });

    private StateFile(Admin admin, Path file) throws IOException {
        this.admin = admin;
        this.file = file;
        load();
        timer.scheduleWithFixedDelay(this::saveQuietly, INTERVAL_SECONDS, INTERVAL_SECONDS, TimeUnit.SECONDS);
        LOG.info("state: counts and quotas kept in {}", file);
    }

    private void load() throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            return; // first run
        } catch (IOException e) {
            throw new IOException("state file " + file + ": cannot read it: " + e.getMessage()
                    + " (move it away to start with fresh counts)", e);
        }
        if (root == null || !root.path("ports").isObject() || root.path("version").asInt() != VERSION) {
            throw new IOException("state file " + file + ": not a state file of this version"
                    + " (move it away to start with fresh counts)");
        }
        Map<Integer, TrafficStats.PortTotals> totals = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.get("ports").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            int number = Integer.parseInt(e.getKey());
            totals.put(number, portTotals(e.getValue()));
            Map<String, QuotaState> quotas = new HashMap<>();
            e.getValue().path("quotas").fields().forEachRemaining(q -> quotas.put(q.getKey(),
                    new QuotaState(Instant.parse(q.getValue().path("periodStart").asText()),
                            q.getValue().path("usedBytes").asLong())));
            if (!quotas.isEmpty()) {
                pendingQuotas.put(number, quotas);
            }
        }
        admin.server().traffic().restore(totals);
        giveQuotas();
        LOG.info("state: counts of {} ports restored from {}", totals.size(), file);
    }

    /** Hands kept quotas to the ports now running that have not had theirs. */
    private void giveQuotas() {
        for (ServerPort port : admin.server().ports()) {
            Map<String, QuotaState> quotas = pendingQuotas.remove(port.port());
            if (quotas != null) {
                port.limiter().restore(quotas);
            }
        }
    }

    private static TrafficStats.PortTotals portTotals(JsonNode p) {
        Map<String, TrafficStats.UserTotals> users = new TreeMap<>();
        p.path("users").fields().forEachRemaining(u -> {
            JsonNode v = u.getValue();
            users.put(u.getKey(), new TrafficStats.UserTotals(v.path("tcpBytesUp").asLong(),
                    v.path("tcpBytesDown").asLong(), v.path("udpBytesUp").asLong(), v.path("udpBytesDown").asLong(),
                    v.path("udpPacketsUp").asLong(), v.path("udpPacketsDown").asLong(),
                    v.path("tcpConnections").asLong(), 0, v.path("udpAssociations").asLong(), 0));
        });
        return new TrafficStats.PortTotals(p.path("tcpAccepted").asLong(), users,
                counts(p.path("tcpFailures"), Failure.class), counts(p.path("udpFailures"), Failure.class),
                counts(p.path("limitHits"), Refusal.class), byUser(p.path("tcpFailuresByUser"), Failure.class),
                byUser(p.path("limitHitsByUser"), Refusal.class));
    }

    private static <K extends Enum<K>> Map<String, Map<K, Long>> byUser(JsonNode node, Class<K> type) {
        Map<String, Map<K, Long>> out = new TreeMap<>();
        node.fields().forEachRemaining(u -> out.put(u.getKey(), counts(u.getValue(), type)));
        return out;
    }

    private static <K extends Enum<K>> Map<K, Long> counts(JsonNode node, Class<K> type) {
        Map<K, Long> out = new EnumMap<>(type);
        for (K k : type.getEnumConstants()) {
            out.put(k, node.path(k.name()).asLong());
        }
        return out;
    }

    private void saveQuietly() {
        try {
            giveQuotas();
            save();
        } catch (IOException | RuntimeException e) {
            LOG.warn("state: cannot write {}: {}", file, e.toString());
        }
    }

    /** Writes the whole state atomically. */
    void save() throws IOException {
        ObjectNode root = JSON.createObjectNode().put("version", VERSION).put("saved", Instant.now().toString());
        ObjectNode ports = root.putObject("ports");
        Map<Integer, Map<String, QuotaState>> quotas = new HashMap<>(pendingQuotas);
        admin.server().ports().forEach(p -> quotas.put(p.port(), p.limiter().quotas()));
        admin.server().traffic().snapshot().forEach((number, totals) -> {
            ObjectNode p = ports.putObject(Integer.toString(number));
            p.put("tcpAccepted", totals.tcpAccepted());
            p.set("tcpFailures", JSON.valueToTree(totals.tcpFailures()));
            p.set("udpFailures", JSON.valueToTree(totals.udpFailures()));
            p.set("limitHits", JSON.valueToTree(totals.limitHits()));
            p.set("tcpFailuresByUser", JSON.valueToTree(totals.tcpFailuresByUser()));
            p.set("limitHitsByUser", JSON.valueToTree(totals.limitHitsByUser()));
            ObjectNode users = p.putObject("users");
            totals.users().forEach((name, u) -> users.putObject(name)
                    .put("tcpBytesUp", u.tcpBytesUp()).put("tcpBytesDown", u.tcpBytesDown())
                    .put("udpBytesUp", u.udpBytesUp()).put("udpBytesDown", u.udpBytesDown())
                    .put("udpPacketsUp", u.udpPacketsUp()).put("udpPacketsDown", u.udpPacketsDown())
                    .put("tcpConnections", u.tcpConnections()).put("udpAssociations", u.udpAssociations()));
            ObjectNode q = p.putObject("quotas");
            quotas.getOrDefault(number, Map.of()).forEach((name, state) -> q.putObject(name)
                    .put("periodStart", state.periodStart().toString()).put("usedBytes", state.usedBytes()));
        });
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            out.write(java.nio.ByteBuffer.wrap(bytes));
            out.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        saveQuietly();
    }
}
