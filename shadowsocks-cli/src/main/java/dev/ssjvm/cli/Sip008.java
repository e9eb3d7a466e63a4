package dev.ssjvm.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ssjvm.core.protocol.SaltPrefix;
import dev.ssjvm.core.url.ShadowsocksUrl;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/** A SIP008 online config document ({@code {"version": 1, "servers": [...]}}) of a list of servers. */
final class Sip008 {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Sip008() {}

    static String document(List<ShadowsocksUrl> servers) throws JsonProcessingException {
        ObjectNode root = JSON.createObjectNode().put("version", 1);
        ArrayNode list = root.putArray("servers");
        for (ShadowsocksUrl s : servers) {
            // SIP008 wants a stable UUID per server: derived from where it is, so an export repeated
            // after a key change still names the same server
            String where = s.host() + ":" + s.port();
            ObjectNode entry = list.addObject()
                    .put("id", UUID.nameUUIDFromBytes(where.getBytes(StandardCharsets.UTF_8)).toString())
                    .put("remarks", s.tag() == null ? where : s.tag())
                    .put("server", s.host())
                    .put("server_port", s.port())
                    .put("password", s.password())
                    .put("method", s.method().methodName());
            if (s.plugin() != null) {
                entry.put("plugin", s.plugin());
                entry.put("plugin_opts", s.pluginOptions() == null ? "" : s.pluginOptions());
            }
            if (s.prefix() != null) {
                entry.put("prefix", SaltPrefix.toText(s.prefix()));
            }
        }
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    }
}
