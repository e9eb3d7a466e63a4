package dev.ssjvm.cli.online;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ssjvm.core.protocol.SaltPrefix;
import dev.ssjvm.core.url.ShadowsocksUrl;
import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.crypto.MethodKeys;
import dev.ssjvm.service.config.ServerEndpoint;
import java.util.ArrayList;
import java.util.List;

/**
 * The servers of one online config document. Three forms are understood:
 *
 * <ul>
 *   <li>SIP008: {@code {"version": 1, "servers": [{"id", "remarks", "server", "server_port",
 *       "password", "method", "plugin", "plugin_opts"}, ...], "bytes_used", "bytes_remaining"}}
 *       (entries may also carry Outline's {@code prefix});
 *   <li>an Outline dynamic access key's JSON: one server as {@code {"server", "server_port",
 *       "password", "method", "prefix"}};
 *   <li>an Outline dynamic access key's plain {@code ss://} URL.
 * </ul>
 *
 * Unknown fields are ignored, as SIP008 asks of clients; a server's SIP003 plugin is run for it. An entry
 * that cannot be used (an unknown method, a key that does not fit it, a prefix that does not fit the salt) is skipped with
 * its reason; a document without a usable server, or that is not one of these forms, is refused.
 * Neither reasons nor errors ever contain a password.
 */
final class OnlineDocument {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Documents larger than this are refused: a server list is a few KiB. */
    static final int MAX_SIZE = 1 << 20;

    /**
     * @param skipped one line per entry that was left out, saying which and why
     * @param usage SIP008's {@code bytes_used} / {@code bytes_remaining} as text, or null
     */
    record Parsed(List<ServerEndpoint> servers, List<String> skipped, String usage) {}

    /** A document that cannot be used at all; the message says why. */
    static final class InvalidDocument extends Exception {
        InvalidDocument(String message) {
            super(message, null, false, false);
        }
    }

    private OnlineDocument() {}

    static Parsed parse(String body) throws InvalidDocument {
        String text = body.strip();
        if (text.regionMatches(true, 0, "ss://", 0, 5)) {
            return fromUrl(text);
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new InvalidDocument("neither JSON nor an ss:// URL (" + e.getOriginalMessage() + ")");
        }
        if (root == null || !root.isObject()) {
            throw new InvalidDocument("expected a JSON object or an ss:// URL");
        }
        if (root.has("servers")) {
            return sip008(root);
        }
        if (root.has("server")) {
            return finish(List.of(root), "", null);
        }
        if (root.has("error")) {
            JsonNode message = root.path("error").path("message");
            throw new InvalidDocument("the provider answered an error: "
                    + (message.isTextual() ? message.textValue() : root.get("error").toString()));
        }
        if (root.has("transport")) {
            throw new InvalidDocument("Outline's advanced tunnel configuration ('transport') is not supported; give"
                    + " the server as {server, server_port, password, method, prefix} or as SIP008");
        }
        throw new InvalidDocument("no 'servers' (SIP008) and no 'server' (an Outline access key)");
    }

    private static Parsed sip008(JsonNode root) throws InvalidDocument {
        JsonNode version = root.get("version");
        if (version != null && !(version.isIntegralNumber() && version.intValue() == 1)) {
            throw new InvalidDocument("SIP008 version " + version + " is not supported (only 1)");
        }
        JsonNode servers = root.get("servers");
        if (!servers.isArray()) {
            throw new InvalidDocument("'servers' must be a list");
        }
        List<JsonNode> entries = new ArrayList<>();
        servers.forEach(entries::add);
        String usage = null;
        if (root.path("bytes_used").isNumber() || root.path("bytes_remaining").isNumber()) {
            usage = "bytes used " + root.path("bytes_used").asText("?") + ", remaining "
                    + root.path("bytes_remaining").asText("?");
        }
        return finish(entries, "servers", usage);
    }

    private static Parsed finish(List<JsonNode> entries, String listName, String usage) throws InvalidDocument {
        List<ServerEndpoint> servers = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            String name = listName.isEmpty() ? "the server" : listName + "[" + i + "]";
            try {
                servers.add(entry(entries.get(i)));
            } catch (IllegalArgumentException e) {
                JsonNode remarks = entries.get(i).path("remarks");
                skipped.add(name + (remarks.isTextual() ? " ('" + remarks.textValue() + "')" : "") + " skipped: "
                        + e.getMessage());
            }
        }
        if (servers.isEmpty()) {
            throw new InvalidDocument(entries.isEmpty() ? "the server list is empty"
                    : "no usable server: " + String.join("; ", skipped));
        }
        return new Parsed(servers, skipped, usage);
    }

    /** One server; IllegalArgumentException says why it cannot be used. */
    private static ServerEndpoint entry(JsonNode node) {
        if (!node.isObject()) {
            throw new IllegalArgumentException("not an object");
        }
        String host = text(node, "server", true);
        JsonNode portNode = node.get("server_port");
        int port = portNode != null && portNode.isIntegralNumber() ? portNode.intValue()
                : portNode != null && portNode.isTextual() && portNode.textValue().matches("\\d{1,5}")
                        ? Integer.parseInt(portNode.textValue()) : -1;
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("'server_port' must be a port number 1-65535");
        }
        String password = text(node, "password", true);
        String methodName = text(node, "method", true);
        CipherKind method = CipherKind.find(methodName)
                .orElseThrow(() -> new IllegalArgumentException("unsupported method '" + methodName + "'"));
        String plugin = text(node, "plugin", false);
        String pluginOptions = text(node, "plugin_opts", false);
        if (plugin != null && plugin.isEmpty()) {
            plugin = null;
        }
        MethodKeys.checkClient(method, password);
        String prefixText = text(node, "prefix", false);
        byte[] prefix = prefixText == null || prefixText.isEmpty() ? null : SaltPrefix.fromText(prefixText);
        SaltPrefix.check(method, prefix);
        String remarks = text(node, "remarks", false);
        return new ServerEndpoint(host, port, method, password, plugin, plugin == null ? null : pluginOptions, remarks)
                .withPrefix(prefix);
    }

    private static String text(JsonNode node, String key, boolean required) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            if (required) {
                throw new IllegalArgumentException("'" + key + "' is missing");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException("'" + key + "' must be a string");
        }
        if (required && v.textValue().isEmpty()) {
            throw new IllegalArgumentException("'" + key + "' is empty");
        }
        return v.textValue();
    }

    private static Parsed fromUrl(String text) throws InvalidDocument {
        ShadowsocksUrl url;
        try {
            url = ShadowsocksUrl.parse(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidDocument("the ss:// URL: " + e.getMessage());
        }
        try {
            MethodKeys.checkClient(url.method(), url.password());
            SaltPrefix.check(url.method(), url.prefix());
        } catch (IllegalArgumentException e) {
            throw new InvalidDocument("the server of the ss:// URL cannot be used: " + e.getMessage());
        }
        return new Parsed(List.of(new ServerEndpoint(url.host(), url.port(), url.method(), url.password(), url.plugin(),
                url.pluginOptions(), url.tag()).withPrefix(url.prefix())), List.of(), null);
    }
}
