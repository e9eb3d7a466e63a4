package dev.ssjvm.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.ssjvm.cli.online.OnlineConfig;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The {@code prefix} keys and parameter, and {@code online_config} with its flags. */
class LocalPrefixAndOnlineConfigTest {
    private static final byte[] TLS = {0x16, 0x03, 0x01, 0x00, (byte) 0xa8, 0x01, 0x01};

    @TempDir
    Path dir;

    private final List<String> notices = new ArrayList<>();

    private LocalConfigLoader.Loaded load(String json, String... args) throws Exception {
        LocalOptions options = new LocalOptions();
        new CommandLine(options).parseArgs(args);
        if (json != null) {
            Path file = dir.resolve("local.json");
            Files.writeString(file, json);
            options.common.config = file;
        }
        return LocalConfigLoader.loadAll(options, notices::add);
    }

    private String error(String json, String... args) {
        return catchThrowableOfType(ConfigException.class, () -> load(json, args)).getMessage();
    }

    @Test
    void prefixInServersEntriesAndAtTheTopLevel() throws Exception {
        var loaded = load("""
                {"servers": [{"server": "a.example", "server_port": 8388, "password": "x", "method": "aes-256-gcm",
                              "prefix": "\\u0016\\u0003\\u0001\\u0000\\u00a8\\u0001\\u0001"},
                             {"server": "b.example", "server_port": 8388, "password": "x", "method": "aes-256-gcm"}]}
                """);
        assertThat(loaded.servers().get(0).prefix()).isEqualTo(TLS);
        assertThat(loaded.servers().get(1).prefix()).isNull();

        var top = load("""
                {"server": "a.example", "server_port": 8388, "password": "x", "method": "chacha20-ietf-poly1305",
                 "prefix": "POST "}
                """);
        assertThat(new String(top.servers().get(0).prefix(), "US-ASCII")).isEqualTo("POST ");
    }

    @Test
    void prefixInAServerUrl() throws Exception {
        var loaded = load(null, "--server-url",
                "ss://YWVzLTI1Ni1nY206c2VjcmV0@127.0.0.1:8388/?outline=1&prefix=%16%03%01%00%C2%A8%01%01");
        assertThat(loaded.servers().get(0).prefix()).isEqualTo(TLS);
    }

    @Test
    void aPrefixTooLongOrFor2022IsRefusedNamingTheKey() {
        assertThat(error("""
                {"servers": [{"server": "a", "server_port": 1, "password": "x", "method": "aes-128-gcm",
                              "prefix": "0123456789abc"}]}
                """)).contains("local.json: key 'servers[0].prefix'")
                .contains("leaves fewer than 4 random bytes").contains("at most 12");
        assertThat(error("""
                {"server": "a", "server_port": 1, "password": "AAAAAAAAAAAAAAAAAAAAAA==",
                 "method": "2022-blake3-aes-128-gcm", "prefix": "GET "}
                """)).contains("key 'prefix'").contains("only for the 2017 AEAD methods");
        assertThat(error(null, "--server-url", "ss://YWVzLTEyOC1nY206c2VjcmV0@127.0.0.1:8388/?prefix="
                + "0123456789abcdef")).contains("flag --server-url: parameter 'prefix'").contains("at most 12");
        assertThat(error("""
                {"server": "a", "server_port": 1, "password": "x", "method": "aes-128-gcm", "prefix": "\\u20ac"}
                """)).contains("key 'prefix'").contains("U+20AC");
        assertThat(error("""
                {"server": "a", "server_port": 1, "password": "x", "method": "aes-128-gcm", "prefix": 5}
                """)).contains("key 'prefix'").contains("expected a string");
    }

    @Test
    void onlineConfigKeysAsShadowsocksRustNamesThem() throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "not read here");
        var loaded = load("""
                {"online_config": {"config_url": "https://example.com/servers.json", "update_interval": 600,
                                   "ca_file": "%s"}}
                """.formatted(ca));
        assertThat(loaded.servers()).isEmpty();
        assertThat(loaded.online()).isEqualTo(new OnlineConfig(URI.create("https://example.com/servers.json"),
                Duration.ofSeconds(600), ca));

        var defaults = load(null, "--online-config-url", "ssconf://keys.example.org/abc/key.json#My%20key");
        assertThat(defaults.online().url()).isEqualTo(URI.create("https://keys.example.org/abc/key.json"));
        assertThat(defaults.online().updateInterval()).isEqualTo(Duration.ofHours(1));
        assertThat(defaults.online().describe()).isEqualTo("https://keys.example.org/...");

        var flagsWin = load("""
                {"online_config": {"config_url": "https://example.com/a.json", "update_interval": 600}}
                """, "--online-config-url", "https://example.com/b.json", "--online-config-update-interval", "5");
        assertThat(flagsWin.online().url()).isEqualTo(URI.create("https://example.com/b.json"));
        assertThat(flagsWin.online().updateInterval()).isEqualTo(Duration.ofSeconds(5));

        var alongside = load("""
                {"server": "a.example", "server_port": 8388, "password": "x", "method": "aes-256-gcm",
                 "online_config": {"config_url": "https://example.com/a.json"}}
                """);
        assertThat(alongside.servers()).hasSize(1);
        assertThat(alongside.online()).isNotNull();
    }

    @Test
    void onlineConfigErrorsNameTheKeyOrFlag() {
        assertThat(error(null, "--online-config-url", "http://example.com/a.json"))
                .contains("flag --online-config-url").contains("SIP008 requires HTTPS");
        assertThat(error("""
                {"online_config": {"update_interval": 600}}
                """)).contains("key 'online_config.config_url' is missing");
        assertThat(error("""
                {"online_config": {"config_url": "https://example.com/a.json", "update_interval": 0}}
                """)).contains("online_config.update_interval");
        assertThat(error("""
                {"online_config": {"config_url": "https://example.com/a.json", "update_intervall": 5}}
                """)).contains("update_intervall").contains("update_interval");
        assertThat(error("""
                {"online_config": {"config_url": "https://example.com/a.json", "ca_file": "/nonexistent/ca.pem"}}
                """)).contains("key 'online_config.ca_file'").contains("cannot read");
        assertThat(error(null, "-s", "a", "-p", "1", "-k", "x", "--online-config-update-interval", "5"))
                .contains("need --online-config-url");
        assertThat(error("""
                {"prefix": "GET ", "online_config": {"config_url": "https://example.com/a.json"}}
                """)).contains("key 'prefix'").contains("no server of this file");
    }

    @Test
    void loadRefusesAConfigWhoseServersAreAllOnline() {
        LocalOptions options = new LocalOptions();
        new CommandLine(options).parseArgs("--online-config-url", "https://example.com/a.json");
        assertThat(catchThrowableOfType(ConfigException.class, () -> LocalConfigLoader.load(options, notices::add))
                .getMessage()).contains("online config https://example.com/...");
    }
}
