package dev.ssjvm.admin.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The wire format against libev 3.3.5's text, as manager.c and server.c print it. */
class ManagerProtocolTest {

    @Test
    void listIsLibevsExactText() {
        assertThat(ManagerProtocol.list(List.of())).containsExactly("[\n]");
        assertThat(ManagerProtocol.list(List.of(new ManagerProtocol.ListEntry(8001, "pw", "aes-256-gcm"))))
                .containsExactly("[\n\t{\"server_port\":\"8001\",\"password\":\"pw\",\"method\":\"aes-256-gcm\"}\n]");
        assertThat(ManagerProtocol.list(List.of(new ManagerProtocol.ListEntry(8001, "a", "aes-256-gcm"),
                new ManagerProtocol.ListEntry(8002, "b", "chacha20-ietf-poly1305"))))
                .containsExactly("[\n\t{\"server_port\":\"8001\",\"password\":\"a\",\"method\":\"aes-256-gcm\"},"
                        + "\n\t{\"server_port\":\"8002\",\"password\":\"b\",\"method\":\"chacha20-ietf-poly1305\"}\n]");
    }

    @Test
    void aPasswordThatNeedsEscapingStaysValidJson() throws Exception {
        String reply = ManagerProtocol.list(List.of(new ManagerProtocol.ListEntry(8001, "a\"b\\c", "aes-256-gcm"))).get(0);
        assertThat(new ObjectMapper().readTree(reply).get(0).get("password").textValue()).isEqualTo("a\"b\\c");
    }

    @Test
    void aLongListIsCutBetweenEntriesIntoDatagramsThatFitAndJoinIntoTheWhole() throws Exception {
        List<ManagerProtocol.ListEntry> entries = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            entries.add(new ManagerProtocol.ListEntry(10000 + i, "password-" + i, "aes-256-gcm"));
        }
        List<String> parts = ManagerProtocol.list(entries);
        assertThat(parts).hasSizeGreaterThan(1);
        for (String part : parts) {
            assertThat(part.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(ManagerProtocol.LIST_LIMIT);
        }
        assertThat(parts.get(0)).startsWith("[\n\t{").endsWith("},");
        assertThat(parts.get(1)).startsWith("\n\t{\"server_port\":");
        assertThat(parts.get(parts.size() - 1)).endsWith("}\n]");
        JsonNode all = new ObjectMapper().readTree(String.join("", parts));
        assertThat(all.size()).isEqualTo(2000);
        assertThat(all.get(1999).get("server_port").textValue()).isEqualTo("11999");
    }

    @Test
    void statIsCompactAndCoversEveryPort() {
        assertThat(ManagerProtocol.stat(Map.of())).containsExactly("stat: {}");
        Map<Integer, Long> bytes = new LinkedHashMap<>();
        bytes.put(8001, 11370L);
        bytes.put(8002, 0L);
        assertThat(ManagerProtocol.stat(bytes)).containsExactly("stat: {\"8001\":11370,\"8002\":0}");
    }

    @Test
    void aLongStatIsSplitIntoCompleteStatMessagesLosingNoPort() throws Exception {
        Map<Integer, Long> bytes = new LinkedHashMap<>();
        for (int port = 1; port <= 5000; port++) {
            bytes.put(port, 1_000_000_000L + port);
        }
        List<String> parts = ManagerProtocol.stat(bytes);
        assertThat(parts).hasSizeGreaterThan(1);
        Map<String, Long> seen = new LinkedHashMap<>();
        for (String part : parts) {
            assertThat(part).startsWith("stat: {").endsWith("}");
            assertThat(part.length()).isLessThan(ManagerProtocol.STAT_SPLIT + 64);
            new ObjectMapper().readTree(part.substring("stat: ".length())).fields()
                    .forEachRemaining(e -> seen.put(e.getKey(), e.getValue().longValue()));
        }
        assertThat(seen).hasSize(5000).containsEntry("4999", 1_000_004_999L);
    }

    @Test
    void reportIsLibevSsServersDatagramWithItsNul() {
        assertThat(ManagerProtocol.report(8388, 1234))
                .isEqualTo("stat: {\"8388\":1234}\0".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void requestsAreReadAsLibevReadsThem() throws Exception {
        assertThat(parse("ping")).isEqualTo(new ManagerProtocol.Request("ping", null));
        assertThat(parse("  list\n")).isEqualTo(new ManagerProtocol.Request("list", null));
        assertThat(parse("add: {\"server_port\": 1}")).isEqualTo(new ManagerProtocol.Request("add", "{\"server_port\": 1}"));
        assertThat(parse("add:{\"a\":1}")).isEqualTo(new ManagerProtocol.Request("add", "{\"a\":1}"));
        assertThat(parse("remove: {\"server_port\":1}\0garbage"))
                .as("a C string ends at the NUL").isEqualTo(new ManagerProtocol.Request("remove", "{\"server_port\":1}"));
        assertThat(parse("")).isNull();
        assertThat(parse(" \n")).isNull();
        assertThatThrownBy(() -> ManagerProtocol.parse(new byte[] {'a', 'd', 'd', ':', (byte) 0xff}))
                .isInstanceOf(CharacterCodingException.class);
    }

    private static ManagerProtocol.Request parse(String text) throws Exception {
        return ManagerProtocol.parse(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void managerAddressesAreUdpOrAPath() {
        assertThat(ManagerAddress.parse("127.0.0.1:6001").udp().getPort()).isEqualTo(6001);
        assertThat(ManagerAddress.parse("[::1]:6001").udp().getAddress().getHostAddress()).isEqualTo("0:0:0:0:0:0:0:1");
        assertThat(ManagerAddress.parse("localhost:6001").udp().getHostString()).isEqualTo("localhost");
        assertThat(ManagerAddress.parse("/run/ss-manager.sock").unix()).hasToString("/run/ss-manager.sock");
        assertThat(ManagerAddress.parse("manager.sock").isUnix()).isTrue();
        assertThat(ManagerAddress.parse("./odd:1").isUnix()).as("a path with a colon stays a path").isTrue();
    }
}
