package dev.ssjvm.admin.manager;

import static dev.ssjvm.admin.manager.ManagerProtocol.ERR;
import static dev.ssjvm.admin.manager.ManagerProtocol.NOT_AVAILABLE;
import static dev.ssjvm.admin.manager.ManagerProtocol.OK;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ssjvm.admin.Admin;
import dev.ssjvm.admin.LimitsJson;
import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.crypto.MethodKeys;
import dev.ssjvm.service.config.CommonSettings;
import dev.ssjvm.service.config.Mode;
import dev.ssjvm.service.config.PortSettings;
import dev.ssjvm.service.limits.Limits;
import dev.ssjvm.service.limits.PortLimits;
import dev.ssjvm.service.server.ServerPort;
import dev.ssjvm.service.server.ShadowsocksServer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What each ss-manager command does to the running server, and its reply. Runs on the admin thread
 * (see {@link Admin#change}), so commands apply in the order they came, off the event loops.
 *
 * <p>{@code add} takes the keys libev's ss-manager takes. What it cannot honour for one port alone
 * ({@code fast_open} and {@code no_delay} other than the server's own setting, SIP003 plugins) is
 * refused with {@code err}, never dropped, and an unknown key too (libev logs and goes on). Every
 * refusal is logged once, with the reason and never the password.
 */
final class ManagerCommands {
    private static final Logger LOG = LoggerFactory.getLogger(ManagerCommands.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    static final Set<String> COMMANDS = Set.of("add", "remove", "list", "ping");

    private final Admin admin;

    ManagerCommands(Admin admin) {
        this.admin = admin;
    }

    /** A refused command: the reason, for the log. */
    private static final class Refused extends Exception {
        Refused(String reason) {
            super(reason, null, false, false);
        }
    }

    /**
     * Runs one request from {@code from} (for the log).
     *
     * @return the datagrams to answer with; none for what libev does not answer (unknown commands,
     *     {@code stat} reports)
     */
    List<String> run(ManagerProtocol.Request request, String from) {
        switch (request.action()) {
            case "add":
                return List.of(add(request.data(), from));
            case "remove":
                return List.of(remove(request.data(), from));
            case "list":
                return ManagerProtocol.list(entries());
            case "ping":
                return ManagerProtocol.stat(bytesByPort(admin.server()));
            case "stat":
                LOG.debug("manager: a stat report from {} ignored: this manager counts its own ports", from);
                return List.of();
            default:
                LOG.warn("manager: unknown command '{}' from {}; not answered, as libev does not",
                        abbreviate(request.action()), from);
                return List.of();
        }
    }

    private String add(String data, String from) {
        PortSettings port;
        try {
            port = parseAdd(data);
        } catch (Refused e) {
            LOG.warn("manager: add from {} refused (err): {}", from, e.getMessage());
            return ERR;
        }
        ShadowsocksServer server = admin.server();
        ServerPort before = server.port(port.port());
        try {
            ServerPort now = server.replace(port, admin.settings().drainTimeout());
            if (now == before) {
                LOG.info("manager: port {} is already running with these settings", port.port());
            } else {
                LOG.info("manager: port {} {} ({}) by {}", port.port(), before == null ? "added" : "replaced",
                        port.method(), from);
            }
            return OK;
        } catch (IOException e) {
            LOG.warn("manager: add from {}: port {} is not available: {}", from, port.port(), e.getMessage());
            return NOT_AVAILABLE;
        } catch (IllegalArgumentException | IllegalStateException e) {
            LOG.warn("manager: add from {} refused (err): port {}: {}", from, port.port(), e.getMessage());
            return ERR;
        }
    }

    private String remove(String data, String from) {
        int number;
        try {
            JsonNode json = object(data);
            number = -1;
            for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getKey().equals("server_port")) {
                    throw new Refused("unknown key '" + abbreviate(e.getKey()) + "'; remove takes server_port only");
                }
                number = port(e.getValue());
            }
            if (number < 0) {
                throw new Refused("key 'server_port' is missing");
            }
        } catch (Refused e) {
            LOG.warn("manager: remove from {} refused (err): {}", from, e.getMessage());
            return ERR;
        }
        try {
            if (admin.server().remove(number, admin.settings().drainTimeout()) == null) {
                LOG.info("manager: remove from {}: no port {} is running; answering ok, as libev does", from, number);
            } else {
                LOG.info("manager: port {} removed by {}", number, from);
            }
            return OK;
        } catch (IllegalStateException e) {
            LOG.warn("manager: remove from {} refused (err): {}", from, e.getMessage());
            return ERR;
        }
    }

    /** The port an {@code add} asks for, from the template and the command's keys. */
    private PortSettings parseAdd(String data) throws Refused {
        JsonNode json = object(data);
        CommonSettings common = admin.server().settings().common();
        int number = -1;
        String password = null;
        CipherKind method = null;
        Mode mode = null;
        Limits limits = Limits.NONE;
        for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            switch (e.getKey()) {
                case "server_port" -> number = port(v);
                case "password" -> {
                    if (!v.isTextual() || v.textValue().isEmpty()) {
                        throw new Refused("key 'password': expected a non-empty string");
                    }
                    password = v.textValue();
                }
                case "method" -> {
                    String name = text(v, "method");
                    method = CipherKind.find(name).orElseThrow(() -> new Refused("key 'method': unsupported method '"
                            + abbreviate(name) + "'; supported: " + CipherKind.supportedNames()));
                }
                case "mode" -> {
                    try {
                        mode = Mode.parse(text(v, "mode"));
                    } catch (IllegalArgumentException bad) {
                        throw new Refused("key 'mode': " + bad.getMessage());
                    }
                }
                case "fast_open" -> sameAsServer(v, "fast_open", common.fastOpen(), "--fast-open");
                case "no_delay" -> sameAsServer(v, "no_delay", common.noDelay(), "--no-delay / --no-no-delay");
                case "plugin", "plugin_opts" -> {
                    if (!text(v, e.getKey()).isEmpty()) { // an empty one is no plugin, as panels write it
                        // a manager command must not choose a program for the server to run
                        throw new Refused("key '" + e.getKey() + "': SIP003 plugins are not supported over the"
                                + " manager protocol; give the port its plugin in the config file");
                    }
                }
                case "limits" -> { // ours: the port's limits, as in the config files
                    try {
                        limits = LimitsJson.parse(v);
                    } catch (IllegalArgumentException bad) {
                        throw new Refused("key " + bad.getMessage());
                    }
                }
                default -> throw new Refused("unknown key '" + abbreviate(e.getKey())
                        + "'; add takes server_port, password, method, mode, limits");
            }
        }
        if (number < 0) {
            throw new Refused("key 'server_port' is missing");
        }
        if (password == null) {
            throw new Refused("key 'password' is missing");
        }
        PortSettings port = admin.template().port(number, password, method);
        try {
            MethodKeys.checkServer(port.method(), password, Map.of());
        } catch (IllegalArgumentException bad) {
            throw new Refused("key 'password': " + bad.getMessage());
        }
        port = port.withLimits(new PortLimits(limits, Map.of()));
        return mode == null ? port : port.withMode(mode);
    }

    /** A per-port socket option is honoured only when it is what every port of this server has. */
    private static void sameAsServer(JsonNode v, String key, boolean server, String flag) throws Refused {
        if (!v.isBoolean()) {
            throw new Refused("key '" + key + "': expected true or false");
        }
        if (v.booleanValue() != server) {
            throw new Refused("key '" + key + "': cannot be set per port; every port of this server has " + key + "="
                    + server + " (ssmanager " + flag + ")");
        }
    }

    private static JsonNode object(String data) throws Refused {
        if (data == null) {
            throw new Refused("no JSON object after the command");
        }
        JsonNode json;
        try {
            json = JSON.readTree(data);
        } catch (JsonProcessingException e) {
            // the position only: the parser's message may quote the text, which may hold the password
            throw new Refused("malformed JSON" + (e.getLocation() == null ? ""
                    : " at column " + e.getLocation().getColumnNr()));
        }
        if (json == null || !json.isObject()) {
            throw new Refused("expected a JSON object");
        }
        return json;
    }

    /** {@code server_port} as libev takes it: a number or a string of digits. */
    private static int port(JsonNode v) throws Refused {
        String text = v.isIntegralNumber() ? v.asText() : v.isTextual() ? v.textValue().trim() : null;
        if (text != null && text.matches("[0-9]{1,5}")) {
            int port = Integer.parseInt(text);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        }
        throw new Refused("key 'server_port': expected a port 1-65535 (a number or a string), got "
                + abbreviate(v.toString()));
    }

    private static String text(JsonNode v, String key) throws Refused {
        if (!v.isTextual()) {
            throw new Refused("key '" + key + "': expected a string");
        }
        return v.textValue();
    }

    private List<ManagerProtocol.ListEntry> entries() {
        List<ManagerProtocol.ListEntry> out = new ArrayList<>();
        for (ServerPort p : admin.server().ports()) {
            out.add(new ManagerProtocol.ListEntry(p.port(), p.settings().password(), p.settings().method().methodName()));
        }
        return out;
    }

    /** Every running port, in start order, with its bytes both ways (TCP and UDP payload) since start. */
    static Map<Integer, Long> bytesByPort(ShadowsocksServer server) {
        Map<Integer, Long> out = new LinkedHashMap<>();
        for (ServerPort p : server.ports()) {
            out.put(p.port(), server.traffic().ofPort(p.port()).bytes());
        }
        return out;
    }

    /** Client text in a log line, kept short. */
    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
