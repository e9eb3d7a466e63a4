package dev.ssjvm.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.service.config.Mode;
import dev.ssjvm.service.config.ServerEndpoint;
import dev.ssjvm.service.config.ServerSettings;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ServerConfigLoaderTest {
    @TempDir
    Path dir;

    private ServerSettings load(String json, String... args) throws Exception {
        ServerOptions options = new ServerOptions();
        new CommandLine(options).parseArgs(args);
        if (json != null) {
            Path file = dir.resolve("config.json");
            Files.writeString(file, json);
            options.common.config = file;
        }
        return ServerConfigLoader.load(options, w -> { });
    }

    private String error(String json, String... args) {
        return org.assertj.core.api.Assertions.catchThrowableOfType(ConfigException.class, () -> load(json, args))
                .getMessage();
    }

    @Test
    void flagsOnlyAsLibev() throws Exception {
        ServerSettings s = load(null, "-s", "127.0.0.1", "-p", "8388", "-k", "secret", "-m", "aes-256-gcm");
        assertThat(s.endpoints()).containsExactly(new ServerEndpoint("127.0.0.1", 8388, CipherKind.AES_256_GCM, "secret"));
        assertThat(s.mode()).isEqualTo(Mode.TCP_ONLY);
        assertThat(s.timeout().toSeconds()).isEqualTo(300);
        assertThat(s.forbidden().contains(InetAddress.getByName("127.0.0.1"))).isTrue();
        assertThat(s.forbidden().contains(InetAddress.getByName("::1"))).isTrue();
        assertThat(s.forbidden().contains(InetAddress.getByName("0.0.0.0"))).as("0.0.0.0 reaches loopback").isTrue();
        assertThat(s.forbidden().contains(InetAddress.getByName("::ffff:127.0.0.2"))).isTrue();
        assertThat(s.forbidden().contains(InetAddress.getByName("10.1.2.3"))).isFalse();
    }

    @Test
    void emptyForbiddenIpAllowsLoopback() throws Exception {
        ServerSettings s = load(null, "-p", "8388", "-k", "x", "--forbidden-ip", "");
        assertThat(s.forbidden().isEmpty()).isTrue();
    }

    @Test
    void configKeysAndFlagOverrides() throws Exception {
        String json = """
                {"server": ["::", "0.0.0.0"], "server_port": 8388, "password": "from-file",
                 "method": "chacha20-ietf-poly1305", "timeout": 60, "mode": "tcp_and_udp",
                 "forbidden_ip": "10.0.0.0/8", "nameserver": "127.0.0.53"}
                """;
        ServerSettings s = load(json);
        assertThat(s.endpoints()).extracting(ServerEndpoint::host).containsExactly("::", "0.0.0.0");
        assertThat(s.endpoints().get(0).method()).isEqualTo(CipherKind.CHACHA20_IETF_POLY1305);
        assertThat(s.mode()).isEqualTo(Mode.TCP_AND_UDP);
        assertThat(s.timeout().toSeconds()).isEqualTo(60);
        assertThat(s.forbidden().contains(InetAddress.getByName("10.9.9.9"))).isTrue();
        assertThat(s.nameServers().get(0).getPort()).isEqualTo(53);

        ServerSettings overridden = load(json, "-p", "9000", "-k", "from-flag", "-t", "5", "-U");
        assertThat(overridden.endpoints().get(0).port()).isEqualTo(9000);
        assertThat(overridden.endpoints().get(0).password()).isEqualTo("from-flag");
        assertThat(overridden.timeout().toSeconds()).isEqualTo(5);
        assertThat(overridden.mode()).isEqualTo(Mode.UDP_ONLY);
    }

    @Test
    void portPasswordGivesOneRelayPerPort() throws Exception {
        ServerSettings s = load("""
                {"server": "127.0.0.1", "method": "aes-128-gcm",
                 "port_password": {"8381": "one", "8382": {"password": "two", "method": "aes-256-gcm"}}}
                """);
        assertThat(s.endpoints()).containsExactly(
                new ServerEndpoint("127.0.0.1", 8381, CipherKind.AES_128_GCM, "one"),
                new ServerEndpoint("127.0.0.1", 8382, CipherKind.AES_256_GCM, "two"));
    }

    @Test
    void rustServersArray() throws Exception {
        ServerSettings s = load("""
                {"servers": [
                  {"server": "127.0.0.1", "server_port": 8001, "password": "a", "method": "aes-256-gcm"},
                  {"server": "::1", "server_port": 8002, "password": "b", "method": "xchacha20-ietf-poly1305"},
                  {"server": "::1", "server_port": 8003, "password": "c", "method": "aes-256-gcm", "disabled": true}
                ]}
                """);
        assertThat(s.endpoints()).containsExactly(
                new ServerEndpoint("127.0.0.1", 8001, CipherKind.AES_256_GCM, "a"),
                new ServerEndpoint("::1", 8002, CipherKind.XCHACHA20_IETF_POLY1305, "b"));
    }

    @Test
    void errorsNameTheFileAndTheKeyAndNeverThePassword() throws Exception {
        assertThat(error("{\"server_port\": \"http\", \"password\": \"x\"}"))
                .contains("config.json").contains("key 'server_port'").contains("integer 1-65535");
        assertThat(error("{\"server_port\": 8388, \"password\": 12345678}"))
                .contains("key 'password'").contains("expected a string").doesNotContain("12345678");
        assertThat(error("{\"server_port\": 8388, \"password\": \"hunter2\", \"method\": \"rc5\"}"))
                .contains("key 'method'").contains("unsupported method 'rc5'").contains("aes-256-gcm")
                .doesNotContain("hunter2");
        assertThat(error("{\"server_port\": 8388, \"password\": \"x\", \"mode\": \"both\"}"))
                .contains("key 'mode'").contains("tcp_and_udp");
        assertThat(error("{\"server_port\": 8388, \"password\": \"x\", \"forbidden_ip\": \"10.0.0.0/33\"}"))
                .contains("key 'forbidden_ip'").contains("10.0.0.0/33");
        assertThat(error("{\"servers\": [{\"server_port\": 1}]}")).contains("key 'servers[0].password' is missing");
        assertThat(error("{\"servers\": [{\"server_port\": 1, \"password\": \"p\", \"method\": 5}]}"))
                .contains("key 'servers[0].method'");
        assertThat(error("{\"port_password\": {\"http\": \"p\"}}")).contains("port_password");
        assertThat(error("{\"server_port\": 8388,\n \"password\": \"x\",,}")).contains("not valid JSON at line 2");
        assertThat(error("[1, 2]")).contains("must be a JSON object");
        assertThat(error(null)).contains("-p").contains("server_port");
        assertThat(error(null, "-p", "1")).contains("-k").contains("password");
        assertThat(error(null, "-p", "1", "-k", "x", "-d", "dns.example")).contains("flag -d").contains("IP address");
        assertThat(error(null, "-p", "70000", "-k", "x")).contains("flag -p");
    }

    @Test
    void sip022UsersOnOnePort() throws Exception {
        String ipsk = java.util.Base64.getEncoder().encodeToString(new byte[32]);
        String alice = java.util.Base64.getEncoder().encodeToString(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
            15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32});
        ServerSettings s = load("{\"server\": \"::\", \"server_port\": 8388, \"method\": \"2022-blake3-aes-256-gcm\","
                + " \"password\": \"" + ipsk + "\", \"users\": [{\"name\": \"alice\", \"password\": \"" + alice + "\"}]}");
        assertThat(s.endpoints().get(0).users()).extracting(u -> u.name()).containsExactly("alice");
        assertThat(s.endpoints().get(0).toString()).doesNotContain(alice).contains("1 users");
    }

    @Test
    void sip022KeyErrorsSayTheSizeAndHowToMakeOne() {
        assertThat(error(null, "-p", "8388", "-m", "2022-blake3-aes-256-gcm", "-k", "c2hvcnQ="))
                .contains("exactly 32 bytes, got 5").contains("ssurl genkey -m 2022-blake3-aes-256-gcm")
                .contains("openssl rand -base64 32").doesNotContain("c2hvcnQ=");
        String user = java.util.Base64.getEncoder().encodeToString(new byte[16]);
        assertThat(error("{\"server_port\": 1, \"method\": \"2022-blake3-aes-128-gcm\", \"password\": \"" + user
                + "\", \"users\": [{\"name\": \"bob\", \"password\": \"bad\"}]}"))
                .contains("user 'bob'").contains("16 bytes");
        assertThat(error("{\"server_port\": 1, \"method\": \"aes-256-gcm\", \"password\": \"x\","
                + " \"users\": [{\"name\": \"bob\", \"password\": \"y\"}]}")).contains("need a 2022 method");
        assertThat(error("{\"server_port\": 1, \"method\": \"2022-blake3-aes-128-gcm\", \"password\": \"" + user
                + "\", \"users\": [{\"password\": \"" + user + "\"}]}")).contains("users[0].name' is missing");
    }

    @Test
    void missingFileIsAnError() {
        ServerOptions options = new ServerOptions();
        options.common.config = dir.resolve("absent.json");
        assertThatThrownBy(() -> ServerConfigLoader.load(options, w -> { }))
                .isInstanceOf(ConfigException.class).hasMessageContaining("absent.json: no such file");
    }

    @Test
    void unknownKeysAreWarnedAboutNotFatal() throws Exception {
        ServerOptions options = new ServerOptions();
        Path file = dir.resolve("c.json");
        Files.writeString(file, "{\"server_port\": 1, \"password\": \"x\", \"shiny_new_option\": true}");
        options.common.config = file;
        List<String> warnings = new ArrayList<>();
        ServerConfigLoader.load(options, warnings::add);
        assertThat(warnings).singleElement().asString().contains("shiny_new_option");
    }
}
