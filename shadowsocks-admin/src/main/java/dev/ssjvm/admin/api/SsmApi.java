package dev.ssjvm.admin.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ssjvm.admin.Admin;
import dev.ssjvm.admin.LimitsJson;
import dev.ssjvm.core.protocol.UserKey;
import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.crypto.Sip022Keys;
import dev.ssjvm.service.limits.Limits;
import dev.ssjvm.service.limits.PortLimits;
import dev.ssjvm.service.limits.QuotaState;
import dev.ssjvm.service.server.ServerPort;
import dev.ssjvm.service.server.ShadowsocksServer;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The endpoints behind the secret prefix: the list of servers, and for each multi-user port the
 * "Shadowsocks Server Management API v1" ({@code /servers/<port>/}: server info, {@code users},
 * {@code users/<name>}, {@code stats}). Reads answer at once from the running ports and the counters;
 * every change goes through {@link Admin#change}, and its reply is ready when that completes, so the
 * caller (an event loop) never waits.
 */
final class SsmApi {
    private static final Logger LOG = LoggerFactory.getLogger(SsmApi.class);
    static final String API_VERSION = "v1";
    static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Set<String> ADD_KEYS = Set.of("username", "uPSK", "limits");
    private static final Set<String> UPDATE_KEYS = Set.of("uPSK", "limits");

    private final Admin admin;
    private final ShadowsocksServer server;
    private final String serverName;
    private final StatsBaseline baseline = new StatsBaseline();

    SsmApi(Admin admin) {
        this.admin = admin;
        this.server = admin.server();
        String version = SsmApi.class.getPackage().getImplementationVersion();
        this.serverName = version == null ? "ssjvm" : "ssjvm " + version;
    }

    /**
     * Answers one request.
     *
     * @param path the decoded path segments after the secret, without a trailing empty one
     * @param query the decoded query parameters
     */
    CompletableFuture<Reply> handle(HttpMethod method, List<String> path, Map<String, List<String>> query,
            byte[] body) {
        try {
            return route(method, path, query, body);
        } catch (ApiException e) {
            return done(Reply.of(e));
        }
    }

    private CompletableFuture<Reply> route(HttpMethod method, List<String> path, Map<String, List<String>> query,
            byte[] body) throws ApiException {
        if (path.isEmpty()) {
            return method == HttpMethod.GET ? done(Reply.ok(listing())) : notAllowed(method, "GET");
        }
        if (!path.get(0).equals("servers") || path.size() < 2) {
            throw ApiException.notFound("not found; the servers are under servers/<port>/");
        }
        int number = portNumber(path.get(1));
        ServerPort port = port(number);
        List<String> rest = path.subList(2, path.size());
        if (rest.isEmpty()) {
            return method == HttpMethod.GET ? done(Reply.ok(info())) : notAllowed(method, "GET");
        }
        switch (rest.get(0)) {
            case "users" -> {
                requireUsers(port);
                if (rest.size() == 1) {
                    if (method == HttpMethod.GET) {
                        return done(Reply.ok(users(port)));
                    }
                    return method == HttpMethod.POST ? add(number, body) : notAllowed(method, "GET, POST");
                }
                if (rest.size() == 2) {
                    String name = rest.get(1);
                    if (method == HttpMethod.GET) {
                        return done(Reply.ok(user(port, name)));
                    }
                    if (method == HttpMethod.PATCH) {
                        return update(number, name, body);
                    }
                    return method == HttpMethod.DELETE ? delete(number, name) : notAllowed(method, "GET, PATCH, DELETE");
                }
            }
            case "stats" -> {
                if (rest.size() == 1) {
                    return method == HttpMethod.GET ? done(Reply.ok(stats(port, query))) : notAllowed(method, "GET");
                }
            }
            default -> { }
        }
        throw ApiException.notFound("not found; a server has users, users/<name> and stats");
    }

    // ---- reads

    /** {@code GET /}: who we are, and the multi-user ports, each with its own SSM API. */
    private ObjectNode listing() {
        ObjectNode out = info();
        ArrayNode servers = out.putArray("servers");
        for (ServerPort port : server.ports()) {
            if (!port.multiUser()) {
                continue;
            }
            ObjectNode s = servers.addObject();
            s.put("port", port.port());
            s.put("method", port.settings().method().toString());
            s.put("users", port.settings().users().size());
            if (port.settings().remarks() != null) {
                s.put("remarks", port.settings().remarks());
            }
            s.put("path", "servers/" + port.port() + "/");
        }
        return out;
    }

    private ObjectNode info() {
        ObjectNode out = NODES.objectNode();
        out.put("server", serverName);
        out.put("apiVersion", API_VERSION);
        return out;
    }

    private ObjectNode users(ServerPort port) {
        ObjectNode out = NODES.objectNode();
        ArrayNode list = out.putArray("users");
        PortLimits limits = port.settings().limits();
        for (UserKey u : port.settings().users()) {
            ObjectNode entry = list.addObject();
            entry.put("username", u.name());
            entry.put("uPSK", u.key());
            Limits l = limits.of(u.name());
            if (!l.isNone()) {
                entry.set("limits", LimitsJson.write(l));
            }
        }
        return out;
    }

    private ObjectNode user(ServerPort port, String name) throws ApiException {
        UserKey u = find(port, name);
        if (u == null) {
            throw userNotFound();
        }
        ObjectNode out = NODES.objectNode();
        out.put("username", u.name());
        out.put("uPSK", u.key());
        Counters counts = baseline.since(port.port(), server.traffic().ofPort(port.port()))
                .getOrDefault(name, Counters.ZERO);
        counts.writeTo(out);
        Limits l = port.settings().limits().of(name);
        if (!l.isNone()) {
            out.set("limits", LimitsJson.write(l));
        }
        if (l.quotaBytes() > 0) {
            QuotaState quota = port.limiter().quotas().get(name);
            out.put("quotaUsedBytes", quota == null ? 0 : quota.usedBytes());
        }
        return out;
    }

    /**
     * {@code GET /stats}: the port's totals and each user's, since the last {@code clear=true} (which
     * moves the API's baseline and leaves the server's cumulative counters alone). Users are those of
     * the port now, and any former one with traffic since the last clear; the totals include
     * everything the port relayed. A single-key port has totals only.
     */
    private ObjectNode stats(ServerPort port, Map<String, List<String>> query) throws ApiException {
        boolean clear = clear(query.get("clear"));
        int number = port.port();
        Map<String, Counters> counts = clear ? baseline.clear(number, server.traffic().ofPort(number))
                : baseline.since(number, server.traffic().ofPort(number));
        Counters total = Counters.ZERO;
        for (Counters c : counts.values()) {
            total = total.plus(c);
        }
        ObjectNode out = total.writeTo(NODES.objectNode());
        ArrayNode users = out.putArray("users");
        if (port.multiUser()) {
            Set<String> names = new TreeSet<>();
            port.settings().users().forEach(u -> names.add(u.name()));
            counts.forEach((name, c) -> {
                if (!c.isZero() && !name.isEmpty()) {
                    names.add(name);
                }
            });
            for (String name : names) {
                ObjectNode u = users.addObject();
                u.put("username", name);
                counts.getOrDefault(name, Counters.ZERO).writeTo(u);
            }
        }
        return out;
    }

    private static boolean clear(List<String> values) throws ApiException {
        if (values == null) {
            return false;
        }
        if (values.size() == 1 && (values.get(0).equals("true") || values.get(0).equals("false"))) {
            return values.get(0).equals("true");
        }
        throw ApiException.badRequest("'clear' is true or false, given once");
    }

    private static Limits limits(JsonNode node) throws ApiException {
        try {
            return LimitsJson.parse(node);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    // ---- changes, on the admin thread

    /** {@code POST /users}: a new user, live on the running port; nobody else's connections are touched. */
    private CompletableFuture<Reply> add(int number, byte[] body) throws ApiException {
        ObjectNode request = object(body, ADD_KEYS);
        String name = name(request.get("username"));
        String key = key(request.get("uPSK"), true);
        Limits limits = limits(request.get("limits"));
        return change(() -> {
            ServerPort port = multiUserPort(number);
            if (find(port, name) != null) {
                throw ApiException.badRequest("user '" + name + "' already exists");
            }
            PortLimits before = port.settings().limits();
            // limits first, so that the user's first connection is already limited
            if (!limits.isNone()) {
                port.updateLimits(before.withUser(name, limits));
            }
            try {
                port.putUser(new UserKey(name, key));
            } catch (IllegalArgumentException e) {
                if (!limits.isNone()) {
                    port.updateLimits(before);
                }
                throw ApiException.badRequest(e.getMessage());
            }
            return Reply.created();
        });
    }

    /**
     * {@code PATCH /users/<name>}: a new key (the connections made with the old one are closed), and
     * with our extension new limits ({@code null} or {@code {}} for none).
     */
    private CompletableFuture<Reply> update(int number, String name, byte[] body) throws ApiException {
        ObjectNode request = object(body, UPDATE_KEYS);
        String key = key(request.get("uPSK"), false);
        boolean newLimits = request.has("limits");
        Limits limits = limits(request.get("limits"));
        if (key == null && !newLimits) {
            throw ApiException.badRequest("nothing to change: give a new 'uPSK' (or 'limits')");
        }
        return change(() -> {
            ServerPort port = multiUserPort(number);
            UserKey current = find(port, name);
            if (current == null) {
                throw userNotFound();
            }
            if (key != null) {
                if (sameKey(port.settings().method(), current.key(), key)) {
                    throw ApiException.badRequest("the new uPSK is the same as the current one");
                }
                try {
                    port.putUser(new UserKey(name, key));
                } catch (IllegalArgumentException e) {
                    throw ApiException.badRequest(e.getMessage());
                }
            }
            if (newLimits) {
                port.updateLimits(port.settings().limits().withUser(name, limits));
            }
            return Reply.noContent();
        });
    }

    /** {@code DELETE /users/<name>}: the user is gone, and its connections and associations closed. */
    private CompletableFuture<Reply> delete(int number, String name) {
        return change(() -> {
            ServerPort port = multiUserPort(number);
            if (!port.removeUser(name)) {
                throw userNotFound();
            }
            return Reply.noContent();
        });
    }

    /** Runs a change on the admin thread; the reply completes there, with refusals as their replies. */
    private CompletableFuture<Reply> change(Callable<Reply> change) {
        CompletableFuture<Reply> result;
        try {
            result = admin.change(change);
        } catch (RejectedExecutionException e) {
            return done(Reply.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "the server is stopping"));
        }
        return result.handle((reply, error) -> {
            if (error == null) {
                return reply;
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof ApiException e) {
                return Reply.of(e);
            }
            if (cause instanceof IllegalStateException) { // the server is closing
                return Reply.error(HttpResponseStatus.SERVICE_UNAVAILABLE, cause.getMessage());
            }
            LOG.warn("HTTP API: a change failed", cause);
            return Reply.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "the change failed: " + cause);
        });
    }

    // ---- helpers

    private ServerPort port(int number) throws ApiException {
        ServerPort port = server.port(number);
        if (port == null) {
            throw ApiException.notFound("server not found");
        }
        return port;
    }

    /** The port as it is now (on the admin thread: it may have been replaced or removed meanwhile). */
    private ServerPort multiUserPort(int number) throws ApiException {
        ServerPort port = port(number);
        requireUsers(port);
        return port;
    }

    private static void requireUsers(ServerPort port) throws ApiException {
        if (!port.multiUser()) {
            throw ApiException.notFound("port " + port.port() + " has a single key and no identity headers, so it"
                    + " has no users; users need a multi-user Shadowsocks 2022 port (an AES 2022 method with users)");
        }
    }

    private static int portNumber(String text) throws ApiException {
        if (text.matches("\\d{1,5}")) {
            int n = Integer.parseInt(text);
            if (n >= 1 && n <= 65535) {
                return n;
            }
        }
        throw ApiException.notFound("server not found");
    }

    private static UserKey find(ServerPort port, String name) {
        for (UserKey u : port.settings().users()) {
            if (u.name().equals(name)) {
                return u;
            }
        }
        return null;
    }

    private static ApiException userNotFound() {
        return ApiException.notFound("user not found");
    }

    /** The same key, also when written differently (base64 with or without padding, say). */
    private static boolean sameKey(CipherKind method, String a, String b) {
        if (a.equals(b)) {
            return true;
        }
        try {
            return Arrays.equals(Sip022Keys.decodePsk(method, a), Sip022Keys.decodePsk(method, b));
        } catch (IllegalArgumentException e) {
            return false; // the new one is malformed: putUser says how
        }
    }

    private static ObjectNode object(byte[] body, Set<String> keys) throws ApiException {
        JsonNode node;
        try {
            node = body.length == 0 ? null : JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiException.badRequest("malformed JSON");
        }
        if (node == null || !node.isObject()) {
            throw ApiException.badRequest("expected a JSON object with " + String.join(", ", new TreeSet<>(keys)));
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!keys.contains(name)) {
                throw ApiException.badRequest("unknown key '" + name + "'; expected " + String.join(", ",
                        new TreeSet<>(keys)));
            }
        }
        return (ObjectNode) node;
    }

    private static String name(JsonNode node) throws ApiException {
        if (node == null || !node.isTextual() || node.textValue().isEmpty()) {
            throw ApiException.badRequest("'username' must be a non-empty string");
        }
        String name = node.textValue();
        if (name.chars().anyMatch(Character::isISOControl)) {
            throw ApiException.badRequest("'username' must not contain control characters");
        }
        return name;
    }

    private static String key(JsonNode node, boolean required) throws ApiException {
        if (node == null && !required) {
            return null;
        }
        if (node == null || !node.isTextual()) {
            throw ApiException.badRequest("'uPSK' must be a string: the user's base64 key");
        }
        return node.textValue();
    }

    private static CompletableFuture<Reply> done(Reply reply) {
        return CompletableFuture.completedFuture(reply);
    }

    private static CompletableFuture<Reply> notAllowed(HttpMethod method, String allow) {
        return done(Reply.methodNotAllowed(method.name(), allow));
    }
}
