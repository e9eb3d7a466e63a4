package dev.ssjvm.cli.online;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.service.config.ServerEndpoint;
import org.junit.jupiter.api.Test;

class OnlineDocumentTest {

    @Test
    void sip008TheSpecsExample() throws Exception {
        OnlineDocument.Parsed parsed = OnlineDocument.parse("""
                {
                    "version": 1,
                    "servers": [
                        {
                            "id": "27b8a625-4f4b-4428-9f0f-8a2317db7c79",
                            "remarks": "Name of the server",
                            "server": "example.com",
                            "server_port": 8388,
                            "password": "example",
                            "method": "chacha20-ietf-poly1305",
                            "plugin": "",
                            "plugin_opts": ""
                        },
                        {
                            "id": "7842c068-c667-41f2-8f7d-04feece3cb67",
                            "remarks": "Name of the server",
                            "server": "example.com",
                            "server_port": 8389,
                            "password": "example",
                            "method": "chacha20-ietf-poly1305",
                            "plugin": "xxx",
                            "plugin_opts": "xxxxx"
                        }
                    ],
                    "bytes_used": 274877906944,
                    "bytes_remaining": 824633720832
                }""");
        // an empty plugin is none; a named one is run for its server
        assertThat(parsed.servers()).containsExactly(new ServerEndpoint("example.com", 8388,
                CipherKind.CHACHA20_IETF_POLY1305, "example", null, null, "Name of the server"),
                new ServerEndpoint("example.com", 8389, CipherKind.CHACHA20_IETF_POLY1305, "example", "xxx", "xxxxx",
                        "Name of the server"));
        assertThat(parsed.skipped()).isEmpty();
        assertThat(parsed.usage()).isEqualTo("bytes used 274877906944, remaining 824633720832");
    }

    @Test
    void outlineKeyForms() throws Exception {
        OnlineDocument.Parsed json = OnlineDocument.parse("""
                {"server": "outline-server.example.com", "server_port": 8388, "password": "example",
                 "method": "chacha20-ietf-poly1305", "prefix": "POST "}""");
        assertThat(json.servers().get(0).prefix()).containsExactly('P', 'O', 'S', 'T', ' ');
        OnlineDocument.Parsed url = OnlineDocument.parse(
                "ss://Y2hhY2hhMjAtaWV0Zi1wb2x5MTMwNTpleGFtcGxl@outline-server.example.com:8388/?outline=1\n");
        assertThat(url.servers()).containsExactly(new ServerEndpoint("outline-server.example.com", 8388,
                CipherKind.CHACHA20_IETF_POLY1305, "example"));
    }

    @Test
    void refusalsSayWhyAndNeverShowThePassword() throws Exception {
        assertThat(error("{\"error\": {\"message\": \"Quota exceeded\", \"details\": \"Used 100GB\"}}"))
                .isEqualTo("the provider answered an error: Quota exceeded");
        assertThat(error("{\"transport\": {\"$type\": \"tcpudp\"}}")).contains("'transport') is not supported");
        assertThat(error("{\"servers\": {}}")).isEqualTo("'servers' must be a list");
        assertThat(error("{\"servers\": []}")).isEqualTo("the server list is empty");
        assertThat(error("[1, 2]")).contains("expected a JSON object");
        assertThat(error("{}")).contains("no 'servers'");
        String badKey = error("""
                {"server": "a", "server_port": 1, "password": "hunter2", "method": "2022-blake3-aes-128-gcm"}""");
        assertThat(badKey).startsWith("no usable server: the server skipped:").doesNotContain("hunter2");
        assertThat(error("""
                {"servers": [{"server": "a", "server_port": 70000, "password": "hunter2", "method": "aes-128-gcm"},
                             {"server_port": 1, "password": "hunter2", "method": "aes-128-gcm"}]}"""))
                .contains("servers[0] skipped: 'server_port' must be a port number 1-65535")
                .contains("servers[1] skipped: 'server' is missing").doesNotContain("hunter2");
        assertThat(OnlineDocument.parse("ss://YWVzLTEyOC1nY206aHVudGVyMg@a:1/?plugin=obfs-local%3Bobfs%3Dhttp").servers())
                .containsExactly(new ServerEndpoint("a", 1, CipherKind.AES_128_GCM, "hunter2", "obfs-local", "obfs=http",
                        null));
    }

    private static String error(String body) {
        return catchThrowableOfType(OnlineDocument.InvalidDocument.class, () -> OnlineDocument.parse(body))
                .getMessage();
    }
}
