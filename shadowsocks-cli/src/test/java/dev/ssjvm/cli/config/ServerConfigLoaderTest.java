package dev.ssjvm.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ssjvm.admin.AdminSettings;
import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.service.config.Mode;
import dev.ssjvm.service.config.PluginSpec;
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
        return ServerConfigLoader.load(options, notices::add).server();
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
                 "max_handshakes": 100, "max_handshakes_per_ip": 7,
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
        assertThat(s.maxHandshakes()).isEqualTo(100);
        assertThat(s.maxHandshakesPerIp()).isEqualTo(7);
        assertThat(s.outboundBindAddress()).isEqualTo("127.0.0.2");
        assertThat(s.ports().get(0).remarks()).isEqualTo("home");
        assertThat(notices).isEmpty();

        assertThat(error("{\"server_port\": 1, \"password\": \"x\", \"udp_timout\": 5}"))
                .contains("config.json").contains("key 'udp_timout' is not a setting of ssserver")
                .contains("did you mean 'udp_timeout'");
        assertThat(error("{\"server_port\": 1, \"password\": \"x\", \"max_handshakes_per_ip\": 0}"))
                .contains("config.json").contains("max_handshakes_per_ip");
        assertThat(error("{\"server_port\": 1, \"password\": \"x\", \"shiny_new_option\": true}"))
                .contains("key 'shiny_new_option' is not a setting of ssserver").doesNotContain("did you mean");
        assertThat(error("{\"servers\": [{\"server_port\": 1, \"password\": \"x\", \"tcp_weigth\": 1}]}"))
                .contains("key 'servers[0].tcp_weigth' is not a setting of ssserver");
        assertThat(error("{\"server_port\": 1, \"password\": \"x\", \"plugin_opts\": \"obfs=http\"}"))
                .contains("key 'plugin_opts'").contains("set 'plugin' too");
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
        assertThat(error(null, "-p", "1", "-k", "x", "--plugin-opts", "obfs=http")).contains("flag --plugin-opts")
                .contains("--plugin");
    }

    /** SIP003: the top level's plugin (or the flags') for its ports; a servers entry may name its own. */
    @Test
    void pluginKeysAndFlags() throws Exception {
        ServerSettings s = load("{\"server_port\": 8388, \"password\": \"x\", \"plugin\": \"obfs-server\","
                + " \"plugin_opts\": \"obfs=http\", \"plugin_args\": [\"-v\"]}");
        assertThat(s.ports().get(0).plugin()).isEqualTo(new PluginSpec("obfs-server", "obfs=http", List.of("-v")));
        s = load("{\"server_port\": 8388, \"password\": \"x\", \"plugin\": \"obfs-server\"}", "--plugin",
                "ss-v2ray-plugin", "--plugin-opts", "server");
        assertThat(s.ports().get(0).plugin()).isEqualTo(new PluginSpec("ss-v2ray-plugin", "server"));
        s = load("{\"plugin\": \"obfs-server\", \"plugin_opts\": \"obfs=tls\", \"servers\": ["
                + "{\"server_port\": 1, \"password\": \"x\"},"
                + " {\"server_port\": 2, \"password\": \"x\", \"plugin\": \"ss-v2ray-plugin\", \"plugin_opts\": \"server\"}]}");
        assertThat(s.ports()).extracting(PortSettings::plugin).containsExactly(
                new PluginSpec("obfs-server", "obfs=tls"), new PluginSpec("ss-v2ray-plugin", "server"));
        assertThat(load("{\"server_port\": 8388, \"password\": \"x\", \"plugin\": \"\"}").ports().get(0).plugin())
                .isNull();
        // ssmanager's ports added at run time get the flag's plugin, as libev's ss-manager passes it on
        ServerOptions manager = new ServerOptions();
        new CommandLine(manager).parseArgs("--plugin", "obfs-server", "--plugin-opts", "obfs=http");
        assertThat(ServerConfigLoader.load(manager, notices::add, AdminSettings.ManagerRole.CONTROLLER, false)
                .template().port(8001, "x", null).plugin()).isEqualTo(new PluginSpec("obfs-server", "obfs=http"));
    }

    @Test
    void logFileFromTheFlagOrTheConfig() throws Exception {
        Path file = dir.resolve("config.json");
        Files.writeString(file, "{\"server_port\": 1, \"password\": \"x\", \"log_file\": \"/var/log/ssjvm/a.log\"}");
        ServerOptions options = new ServerOptions();
        new CommandLine(options).parseArgs("-c", file.toString());
        assertThat(CommonConfig.logFile(options.common)).isEqualTo(Path.of("/var/log/ssjvm/a.log"));
        assertThat(ServerConfigLoader.load(options, notices::add).server().ports()).hasSize(1); // honoured, not refused

        ServerOptions flagged = new ServerOptions();
        new CommandLine(flagged).parseArgs("-c", file.toString(), "--log-file", "b.log");
        assertThat(CommonConfig.logFile(flagged.common)).as("the flag wins").isEqualTo(Path.of("b.log"));
        ServerOptions none = new ServerOptions();
        new CommandLine(none).parseArgs("-p", "1", "-k", "x");
        assertThat(CommonConfig.logFile(none.common)).as("stderr").isNull();

        assertThat(error("{\"server_port\": 1, \"password\": \"x\", \"log_file\": 5}"))
                .contains("key 'log_file': expected a string");
        assertThat(error("{\"server_port\": 1, \"password\": \"x\", \"log_file\": \" \"}"))
                .contains("key 'log_file'").contains("empty");
        assertThat(error("{\"server_port\": 1, \"password\": \"x\", \"logfile\": \"a.log\"}"))
                .contains("did you mean 'log_file'");
        Files.writeString(file, "{\"log_file\": 5}");
        assertThatThrownBy(() -> CommonConfig.logFile(options.common)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("config.json: key 'log_file': expected a string");
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
    void limitsOfPortsAndUsers() throws Exception {
        String ipsk = java.util.Base64.getEncoder().encodeToString(new byte[32]);
        byte[] k = new byte[32];
        k[0] = 1;
        String alice = java.util.Base64.getEncoder().encodeToString(k);
        ServerSettings s = load("{\"servers\": [{\"server\": \"127.0.0.1\", \"server_port\": 8388,"
                + " \"method\": \"2022-blake3-aes-256-gcm\", \"password\": \"" + ipsk + "\","
                + " \"limits\": {\"max_connections\": 500, \"quota\": \"1TB\", \"quota_period\": \"30d\"},"
                + " \"users\": [{\"name\": \"alice\", \"password\": \"" + alice + "\","
                + " \"limits\": {\"up\": \"2MB/s\", \"down\": 3000000, \"quota\": \"50GiB\","
                + " \"expires\": \"2030-01-01\"}}]}]}");
        dev.ssjvm.service.limits.PortLimits limits = s.ports().get(0).limits();
        assertThat(limits.port().maxConnections()).isEqualTo(500);
        assertThat(limits.port().quotaBytes()).isEqualTo(1_000_000_000_000L);
        assertThat(limits.port().quotaPeriod()).isEqualTo(java.time.Duration.ofDays(30));
        dev.ssjvm.service.limits.Limits a = limits.of("alice");
        assertThat(a.upBytesPerSecond()).isEqualTo(2_000_000);
        assertThat(a.downBytesPerSecond()).isEqualTo(3_000_000);
        assertThat(a.quotaBytes()).isEqualTo(50L << 30);
        assertThat(a.quotaPeriod()).as("a lifetime quota").isNull();
        assertThat(a.expires()).isEqualTo(java.time.Instant.parse("2030-01-01T00:00:00Z"));

        assertThat(error("{\"server_port\": 1, \"password\": \"x\", \"limits\": {\"up\": \"fast\"}}"))
                .contains("key 'limits.up'").contains("2MB/s");
        assertThat(error("{\"server_port\": 1, \"password\": \"x\", \"limits\": {\"quota_period\": \"30d\"}}"))
                .contains("limits.quota_period").contains("needs a quota");
        assertThat(error("{\"server_port\": 1, \"password\": \"x\", \"limits\": {\"bandwidth\": 1}}"))
                .contains("key 'limits.bandwidth' is not a setting");
        assertThat(error("{\"server_port\": 1, \"password\": \"x\", \"limits\": {\"expires\": \"soon\"}}"))
                .contains("limits.expires").contains("2027-01-01");
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

    private ServerConfigLoader.ServerConfig loadAs(AdminSettings.ManagerRole role, boolean portsRequired, String json,
            String... args) throws Exception {
        ServerOptions options = new ServerOptions();
        new CommandLine(options).parseArgs(args);
        if (json != null) {
            Path file = dir.resolve("config.json");
            Files.writeString(file, json);
            options.common.config = file;
        }
        return ServerConfigLoader.load(options, notices::add, role, portsRequired);
    }

    /**
     * What libev 3.3.5's ss-manager runs for a port (construct_command_line), with the file it writes
     * (build_config): the default invocation, then every flag and key it can add that we honour.
     */
    @Test
    void theCommandLineOfLibevSsManagerIsHonoured() throws Exception {
        Path pid = dir.resolve(".shadowsocks_8001.pid");
        ServerConfigLoader.ServerConfig plain = loadAs(AdminSettings.ManagerRole.REPORTER, true,
                "{\n\"server_port\":8001,\n\"password\":\"pw\",\n\"method\":\"aes-256-gcm\"\n}\n",
                "--manager-address", "127.0.0.1:6001", "-f", pid.toString(), "-t", "60", "-s", "0.0.0.0");
        assertThat(plain.server().ports()).containsExactly(PortSettings.of("0.0.0.0", 8001, CipherKind.AES_256_GCM, "pw"));
        assertThat(plain.server().common().timeout().toSeconds()).isEqualTo(60);
        assertThat(plain.admin().managerAddress()).isEqualTo("127.0.0.1:6001");
        assertThat(plain.admin().managerRole()).isEqualTo(AdminSettings.ManagerRole.REPORTER);

        ServerConfigLoader.ServerConfig full = loadAs(AdminSettings.ManagerRole.REPORTER, true, """
                {
                "server_port":8002,
                "password":"pw2",
                "method":"chacha20-ietf-poly1305",
                "fast_open": true,
                "no_delay": true,
                "reuse_port": true,
                "mode":"udp_only",
                "plugin":"",
                "plugin_opts":""
                }
                """, "--manager-address", "/run/ss-manager.sock", "-f", pid.toString(), "-t", "30", "-v",
                "--fast-open", "--no-delay", "-6", "-d", "127.0.0.53", "-s", "127.0.0.1", "-s", "::1");
        ServerSettings s = full.server();
        assertThat(s.ports()).singleElement().satisfies(p -> {
            assertThat(p.port()).isEqualTo(8002);
            assertThat(p.password()).isEqualTo("pw2");
            assertThat(p.method()).isEqualTo(CipherKind.CHACHA20_IETF_POLY1305);
            assertThat(p.hosts()).containsExactly("127.0.0.1", "::1");
        });
        assertThat(s.common().mode()).isEqualTo(Mode.UDP_ONLY);
        assertThat(s.common().fastOpen()).isTrue();
        assertThat(s.common().noDelay()).isTrue();
        assertThat(s.common().reusePort()).isTrue();
        assertThat(s.common().ipv6First()).isTrue();
        assertThat(s.common().nameServers()).singleElement().extracting(a -> a.getAddress().getHostAddress())
                .isEqualTo("127.0.0.53");
        assertThat(full.admin().managerAddress()).isEqualTo("/run/ss-manager.sock");

        // -u / -U, which ss-manager adds for ports without a mode of their own
        assertThat(loadAs(AdminSettings.ManagerRole.REPORTER, true, "{\"server_port\":1,\"password\":\"x\"}",
                "-u").server().common().mode()).isEqualTo(Mode.TCP_AND_UDP);
        assertThat(loadAs(AdminSettings.ManagerRole.REPORTER, true, "{\"server_port\":1,\"password\":\"x\"}",
                "-U").server().common().mode()).isEqualTo(Mode.UDP_ONLY);
    }

    @Test
    void aclFromTheKeyOrTheFlag() throws Exception {
        Files.writeString(dir.resolve("server.acl"), "[outbound_block_list]\n192.0.2.0/24\n||blocked.test\n");
        Files.writeString(dir.resolve("other.acl"), "[outbound_block_list]\n198.51.100.1\n[bypass_list]\n10.0.0.0/8\n");
        String base = "\"server_port\": 8388, \"password\": \"p\"";
        // a relative path in the file is taken from the file's directory
        ServerSettings s = load("{" + base + ", \"acl\": \"server.acl\"}");
        assertThat(s.acl().file()).isEqualTo(dir.resolve("server.acl"));
        assertThat(s.acl().outboundBlockList().matchesAddress(InetAddress.getByName("192.0.2.7"))).isTrue();
        assertThat(s.acl().outboundBlockList().matchesName("www.blocked.test")).isTrue();
        assertThat(notices).isEmpty();

        s = load("{" + base + ", \"acl\": \"server.acl\"}", "--acl", dir.resolve("other.acl").toString());
        assertThat(s.acl().file()).as("the flag wins").isEqualTo(dir.resolve("other.acl"));
        assertThat(notices).as("the lists ssserver leaves to sslocal are named").singleElement().asString()
                .contains("other.acl").contains("[bypass_list]").contains("only [outbound_block_list]");
        assertThat(load(null, "-p", "1", "-k", "x").acl()).isNull();

        Files.writeString(dir.resolve("bad.acl"), "[outbound_block_list]\n192.0.2.0/40\n");
        assertThat(error("{" + base + ", \"acl\": \"bad.acl\"}")).contains("config.json").contains("key 'acl'")
                .contains(dir.resolve("bad.acl") + ":2: '192.0.2.0/40' has a prefix length outside 0-32");
        assertThat(error(null, "-p", "1", "-k", "x", "--acl", dir.resolve("absent.acl").toString()))
                .isEqualTo("flag --acl: " + dir.resolve("absent.acl") + ": no such file");
        assertThat(error("{" + base + ", \"acl\": 5}")).contains("key 'acl'");
    }

    /** ss-manager passes these on when it has them itself; each is refused with what to do instead. */
    @Test
    void flagsOfLibevSsServerThatWeCannotHonourAreRefused() {
        String json = "{\"server_port\":8001,\"password\":\"pw\",\"method\":\"aes-256-gcm\"}";
        assertThat(error(json, "-n", "65536")).isEqualTo("flag -n: raising the open-file limit is not supported;"
                + " raise it before starting (ulimit -n, or LimitNOFILE= under systemd)");
        assertThat(error(json, "-a", "nobody")).startsWith("flag -a: switching to another user is not supported")
                .contains("User=");
        assertThat(error(json, "-i", "eth0")).startsWith("flag -i: binding to a network interface is not supported");
        assertThat(error(json, "--mtu", "1400")).startsWith("flag --mtu: capping UDP packet sizes is not supported");
        for (String message : List.of(error(json, "-n", "65536"), error(json, "-a", "nobody"), error(json, "-i", "eth0"))) {
            assertThat(message).doesNotContain("\n");
        }
    }

    /** ssmanager: the ports of the config (maybe none) and a template from -s and -m for the ones to come. */
    @Test
    void ssmanagerMayStartWithNoPortsAndTakesItsTemplateFromSAndM() throws Exception {
        ServerConfigLoader.ServerConfig empty = loadAs(AdminSettings.ManagerRole.CONTROLLER, false, null,
                "--manager-addr", "127.0.0.1:6001", "-s", "127.0.0.1", "-s", "::1", "-m", "aes-128-gcm");
        assertThat(empty.server().ports()).isEmpty();
        assertThat(empty.admin().managerRole()).isEqualTo(AdminSettings.ManagerRole.CONTROLLER);
        assertThat(empty.template().hosts()).containsExactly("127.0.0.1", "::1");
        assertThat(empty.template().method()).isEqualTo(CipherKind.AES_128_GCM);

        ServerConfigLoader.ServerConfig fromFile = loadAs(AdminSettings.ManagerRole.CONTROLLER, false, """
                {"server": "127.0.0.1", "method": "chacha20-ietf-poly1305", "manager_address": "/tmp/m.sock",
                 "port_password": {"8001": "a", "8002": {"password": "b", "method": "aes-256-gcm"}}}
                """);
        assertThat(fromFile.server().ports()).extracting(PortSettings::port).containsExactly(8001, 8002);
        assertThat(fromFile.template().method()).isEqualTo(CipherKind.CHACHA20_IETF_POLY1305);
        assertThat(fromFile.template().hosts()).containsExactly("127.0.0.1");
        assertThat(fromFile.admin().managerAddress()).isEqualTo("/tmp/m.sock");
        assertThat(loadAs(AdminSettings.ManagerRole.CONTROLLER, false, "{\"port_password\": {}}")
                .server().ports()).isEmpty();
        assertThat(error("{\"port_password\": {}}")).as("ssserver needs a port").contains("'port_password' is empty");
    }
}
