package dev.ssjvm.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.service.config.Mode;
import dev.ssjvm.service.config.PortSettings;
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

    private final List<String> notices = new ArrayList<>();

    private ServerSettings load(String json, String... args) throws Exception {
        ServerOptions options = new ServerOptions();
        new CommandLine(options).parseArgs(args);
        if (json != null) {
            Path file = dir.resolve("config.json");
            Files.writeString(file, json);
            options.common.config = file;
        }
        return ServerConfigLoader.load(options, notices::add);
    }

    private String error(String json, String... args) {
        return org.assertj.core.api.Assertions.catchThrowableOfType(ConfigException.class, () -> load(json, args))
                .getMessage();
    }

    @Test
    void flagsOnlyAsLibev() throws Exception {
        ServerSettings s = load(null, "-s", "127.0.0.1", "-p", "8388", "-k", "secret", "-m", "aes-256-gcm");
        assertThat(s.ports()).containsExactly(PortSettings.of("127.0.0.1", 8388, CipherKind.AES_256_GCM, "secret"));
        assertThat(s.common().mode()).isEqualTo(Mode.TCP_ONLY);
        assertThat(s.common().timeout().toSeconds()).isEqualTo(300);
        assertThat(s.common().udpTimeout().toSeconds()).isEqualTo(300);
        assertThat(s.common().udpMaxAssociations()).isEqualTo(4096);
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
        assertThat(s.ports()).singleElement().extracting(PortSettings::hosts).isEqualTo(List.of("::", "0.0.0.0"));
        assertThat(s.ports().get(0).method()).isEqualTo(CipherKind.CHACHA20_IETF_POLY1305);
        assertThat(s.common().mode()).isEqualTo(Mode.TCP_AND_UDP);
        assertThat(s.common().timeout().toSeconds()).isEqualTo(60);
        assertThat(s.common().udpTimeout().toSeconds()).as("UDP idles out like TCP unless told").isEqualTo(60);
        assertThat(s.forbidden().contains(InetAddress.getByName("10.9.9.9"))).isTrue();
        assertThat(s.common().nameServers().get(0).getPort()).isEqualTo(53);

        ServerSettings overridden = load(json, "-p", "9000", "-k", "from-flag", "-t", "5", "-U");
        assertThat(overridden.ports().get(0).port()).isEqualTo(9000);
        assertThat(overridden.ports().get(0).password()).isEqualTo("from-flag");
        assertThat(overridden.common().timeout().toSeconds()).isEqualTo(5);
        assertThat(overridden.common().mode()).isEqualTo(Mode.UDP_ONLY);
    }

    @Test
    void portPasswordGivesOneRelayPerPort() throws Exception {
        ServerSettings s = load("""
                {"server": "127.0.0.1", "method": "aes-128-gcm",
                 "port_password": {"8381": "one", "8382": {"password": "two", "method": "aes-256-gcm"}}}
                """);
        assertThat(s.ports()).containsExactly(
                PortSettings.of("127.0.0.1", 8381, CipherKind.AES_128_GCM, "one"),
                PortSettings.of("127.0.0.1", 8382, CipherKind.AES_256_GCM, "two"));
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
        assertThat(s.ports()).containsExactly(
                PortSettings.of("127.0.0.1", 8001, CipherKind.AES_256_GCM, "a"),
                PortSettings.of("::1", 8002, CipherKind.XCHACHA20_IETF_POLY1305, "b"));
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
        assertThat(s.ports().get(0).users()).extracting(u -> u.name()).containsExactly("alice");
        assertThat(s.ports().get(0).toString()).doesNotContain(alice).contains("1 users");
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
                + " \"users\": [{\"name\": \"bob\", \"password\": \"y\"}]}")).contains("need a 2022 AES method");
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
    void everyKeyIsHonouredOrRefused() throws Exception {
        ServerSettings s = load("""
                {"server": "127.0.0.1", "server_port": 8388, "password": "p", "method": "aes-256-gcm",
                 "timeout": 30, "udp_timeout": 7, "udp_max_associations": 9, "mode": "tcp_and_udp",
                 "nameserver": "127.0.0.53:5353", "ipv6_first": true, "no_delay": false, "fast_open": true,
                 "reuse_port": true, "workers": 3, "transport": "nio", "handshake_timeout": 11,
                 "forbidden_ip": ["10.0.0.0/8"], "outbound_bind_addr": "127.0.0.2", "remarks": "home",
                 "plugin": "", "plugin_opts": ""}
                """);
        assertThat(s.common().timeout().toSeconds()).isEqualTo(30);
        assertThat(s.common().udpTimeout().toSeconds()).isEqualTo(7);
        assertThat(s.common().udpMaxAssociations()).isEqualTo(9);
        assertThat(s.common().nameServers().get(0).getPort()).isEqualTo(5353);
        assertThat(s.common().ipv6First()).isTrue();
        assertThat(s.common().noDelay()).isFalse();
        assertThat(s.common().fastOpen()).isTrue();
        assertThat(s.common().reusePort()).isTrue();
        assertThat(s.common().workerThreads()).isEqualTo(3);
        assertThat(s.common().transport()).isEqualTo("nio");
        assertThat(s.handshakeTimeout().toSeconds()).isEqualTo(11);
        assertThat(s.outboundBindAddress()).isEqualTo("127.0.0.2");
        assertThat(s.ports().get(0).remarks()).isEqualTo("home");
        assertThat(notices).isEmpty();

        assertThat(error("{\"server_port\": 1, \"password\": \"x\", \"udp_timout\": 5}"))
                .contains("config.json").contains("key 'udp_timout' is not a setting of ssserver")
                .contains("did you mean 'udp_timeout'");
        assertThat(error("{\"server_port\": 1, \"password\": \"x\", \"shiny_new_option\": true}"))
                .contains("key 'shiny_new_option' is not a setting of ssserver").doesNotContain("did you mean");
        assertThat(error("{\"servers\": [{\"server_port\": 1, \"password\": \"x\", \"tcp_weigth\": 1}]}"))
                .contains("key 'servers[0].tcp_weigth' is not a setting of ssserver");
        assertThat(error("{\"server_port\": 1, \"password\": \"x\", \"plugin\": \"obfs-server\"}"))
                .contains("key 'plugin'").contains("not supported yet");
        assertThat(error("{\"server_port\": 1, \"password\": \"x\", \"user\": \"nobody\"}"))
                .contains("key 'user'").contains("User=");
        assertThat(error("{\"server_port\": 1, \"password\": \"x\", \"transport\": \"carrier-pigeon\"}"))
                .contains("key 'transport'").contains("epoll");
        assertThat(error("{\"server_port\": 1, \"password\": \"x\", \"crypto_backend\": \"enigma\"}"))
                .contains("key 'crypto_backend'").contains("jdk");
        assertThat(error("{\"server_port\": 1, \"password\": \"x\", \"udp_timeout\": 0}"))
                .contains("key 'udp_timeout'");
        assertThat(error("{\"server_port\": 1, \"password\": \"x\", \"port_password\": {\"2\": \"y\"}}"))
                .contains("more than one way");
        assertThat(error(null, "-p", "1", "-k", "x", "--plugin", "obfs-server")).contains("flag --plugin");
    }

    @Test
    void sharedFlagsOverTheirKeys() throws Exception {
        ServerSettings s = load("{\"server_port\": 1, \"password\": \"x\", \"udp_timeout\": 5,"
                + " \"udp_max_associations\": 5}", "--udp-timeout", "9", "--udp-max-associations", "3", "--fast-open",
                "--reuse-port", "--outbound-bind-addr", "127.0.0.3");
        assertThat(s.common().udpTimeout().toSeconds()).isEqualTo(9);
        assertThat(s.common().udpMaxAssociations()).isEqualTo(3);
        assertThat(s.common().fastOpen()).isTrue();
        assertThat(s.common().reusePort()).isTrue();
        assertThat(s.outboundBindAddress()).isEqualTo("127.0.0.3");
        assertThat(error(null, "-p", "1", "-k", "x", "--udp-timeout", "0")).contains("flag --udp-timeout");
    }

    @Test
    void perServerModeAndTimeoutAreHonoured() throws Exception {
        ServerSettings s = load("""
                {"mode": "tcp_only", "timeout": 100, "servers": [
                  {"server": "127.0.0.1", "server_port": 8001, "password": "a", "mode": "tcp_and_udp", "timeout": 20},
                  {"server": "127.0.0.1", "server_port": 8002, "password": "b"}
                ]}
                """);
        assertThat(s.modeOf(s.ports().get(0))).isEqualTo(Mode.TCP_AND_UDP);
        assertThat(s.timeoutOf(s.ports().get(0)).toSeconds()).isEqualTo(20);
        assertThat(s.modeOf(s.ports().get(1))).isEqualTo(Mode.TCP_ONLY);
        assertThat(s.timeoutOf(s.ports().get(1)).toSeconds()).isEqualTo(100);
        assertThat(error("{\"servers\": [{\"server_port\": 1, \"password\": \"a\", \"mode\": \"udp\"}]}"))
                .contains("key 'servers[0].mode'");
        assertThat(error("{\"servers\": [{\"server_port\": 1, \"password\": \"a\"},"
                + " {\"server_port\": 1, \"password\": \"b\"}]}")).contains("port 1 is configured twice");
    }

    @Test
    void aFileSharedWithSslocalHasItsKeysSkippedWithANotice() throws Exception {
        // the shape of Debian's /etc/shadowsocks-libev/config.json, with the client's keys in it
        ServerSettings s = load("""
                {"server": ["::1", "127.0.0.1"], "mode": "tcp_and_udp", "server_port": 8388, "local_port": 1080,
                 "local_address": "127.0.0.1", "password": "p", "timeout": 86400, "method": "chacha20-ietf-poly1305"}
                """);
        assertThat(s.ports()).hasSize(1);
        assertThat(s.outboundBindAddress()).as("local_address is the client's listen address here").isNull();
        assertThat(notices).hasSize(2).allMatch(n -> n.contains("config.json") && n.contains("sslocal setting"));
    }
}
