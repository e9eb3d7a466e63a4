package dev.ssjvm.cli.config;

import java.util.ArrayList;
import java.util.List;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.service.config.BalancerSettings;
import dev.ssjvm.service.config.LocalListener;
import dev.ssjvm.service.config.LocalSettings;
import dev.ssjvm.service.config.ServerEndpoint;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class LocalConfigLoaderTest {
    @TempDir
    Path dir;

    private final List<String> notices = new ArrayList<>();

    private LocalSettings load(String json, String... args) throws Exception {
        LocalOptions options = new LocalOptions();
        new CommandLine(options).parseArgs(args);
        if (json != null) {
            Path file = dir.resolve("local.json");
            Files.writeString(file, json);
            options.common.config = file;
        }
        return LocalConfigLoader.load(options, notices::add);
    }

    private String error(String json, String... args) {
        return org.assertj.core.api.Assertions.catchThrowableOfType(ConfigException.class, () -> load(json, args))
                .getMessage();
    }

    @Test
    void theExactLibevInvocation() throws Exception {
        LocalSettings s = load(null, "-s", "127.0.0.1", "-p", "8388", "-b", "127.0.0.1", "-l", "1080", "-k", "secret",
                "-m", "aes-256-gcm");
        assertThat(s.servers()).containsExactly(new ServerEndpoint("127.0.0.1", 8388, CipherKind.AES_256_GCM, "secret"));
        assertThat(s.listeners()).containsExactly(LocalListener.socks("127.0.0.1", 1080));
    }

    @Test
    void tunnelWithDashL() throws Exception {
        LocalSettings s = load(null, "-s", "127.0.0.1", "-p", "8388", "-l", "5353", "-k", "secret", "-m", "aes-256-gcm",
                "-L", "[::1]:53");
        LocalListener tunnel = s.listeners().get(0);
        assertThat(tunnel.protocol()).isEqualTo(LocalListener.TUNNEL);
        assertThat(tunnel.port()).isEqualTo(5353);
        assertThat(tunnel.forwardTo().getAddress().getHostAddress()).isEqualTo("0:0:0:0:0:0:0:1");
    }

    @Test
    void protocolFlag() throws Exception {
        String[] server = {"-s", "127.0.0.1", "-p", "8388", "-k", "secret", "-m", "aes-256-gcm"};
        LocalSettings s = load(null, concat(server, "--protocol", "tunnel", "-L", "1.1.1.1:53"));
        assertThat(s.listeners().get(0).protocol()).isEqualTo(LocalListener.TUNNEL);
        assertThat(load(null, concat(server, "--protocol", "socks")).listeners())
                .containsExactly(LocalListener.socks("127.0.0.1", 1080));
        assertThat(error(null, concat(server, "--protocol", "carrier-pigeon"))).contains("flag --protocol")
                .contains("socks");
        assertThat(error(null, concat(server, "--protocol", "tunnel"))).contains("flag --protocol").contains("-L");
        assertThat(error(null, concat(server, "--protocol", "socks", "-L", "1.1.1.1:53"))).contains("flag -L");
        assertThat(error("{\"tunnel_address\": \"1.1.1.1:53\"}", concat(server, "--protocol", "socks")))
                .contains("key 'tunnel_address'");
    }

    private static String[] concat(String[] first, String... rest) {
        String[] all = java.util.Arrays.copyOf(first, first.length + rest.length);
        System.arraycopy(rest, 0, all, first.length, rest.length);
        return all;
    }

    @Test
    void serverUrlPlainAndBase64() throws Exception {
        LocalSettings s = load(null, "--server-url", "ss://YWVzLTI1Ni1nY206c2VjcmV0@127.0.0.1:8388",
                "--server-url", "ss://aes-128-gcm:p%40ss%3Aword@127.0.0.1:8389");
        assertThat(s.servers().get(0)).isEqualTo(new ServerEndpoint("127.0.0.1", 8388, CipherKind.AES_256_GCM, "secret"));
        assertThat(s.servers().get(1).method()).isEqualTo(CipherKind.AES_128_GCM);
        assertThat(s.servers().get(1).password()).isEqualTo("p@ss:word");
    }

    @Test
    void sip022UrlAndIdentityKeys() throws Exception {
        LocalSettings s = load(null, "--server-url",
                "ss://2022-blake3-aes-128-gcm:AAAAAAAAAAAAAAAAAAAAAA%3D%3D%3AAQEBAQEBAQEBAQEBAQEBAQ%3D%3D@127.0.0.1:8389");
        assertThat(s.servers().get(0).method()).isEqualTo(CipherKind.BLAKE3_AES_128_GCM);
        assertThat(s.servers().get(0).password()).isEqualTo("AAAAAAAAAAAAAAAAAAAAAA==:AQEBAQEBAQEBAQEBAQEBAQ==");
        assertThat(error(null, "-s", "h", "-p", "1", "-m", "2022-blake3-chacha20-poly1305", "-k",
                "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="))
                .contains("identity headers");
    }

    @Test
    void rustServersAndLocals() throws Exception {
        LocalSettings s = load("""
                {"servers": [{"server": "a.example", "server_port": 1, "password": "p", "method": "aes-128-gcm"}],
                 "locals": [{"local_address": "127.0.0.1", "local_port": 1081},
                            {"local_port": 5300, "protocol": "tunnel", "forward_address": "1.1.1.1", "forward_port": 53}],
                 "socks5_users": {"alice": "wonderland"}}
                """);
        assertThat(s.servers().get(0).host()).isEqualTo("a.example");
        assertThat(s.listeners()).hasSize(2);
        assertThat(s.listeners().get(1).forwardTo()).isEqualTo(new InetSocketAddress("1.1.1.1", 53));
        assertThat(s.listeners().get(0).users()).containsEntry("alice", "wonderland");
        assertThat(s.listeners().get(1).users()).as("a tunnel has no authentication").isEmpty();
    }

    @Test
    void redirLocalsTakeRustsRedirKeys() throws Exception {
        String server = "\"server\": \"h\", \"server_port\": 1, \"password\": \"p\", \"socks5_users\": {\"a\": \"b\"}";
        LocalSettings s = load("{" + server + ", \"locals\": [{\"local_port\": 1, \"protocol\": \"redir\","
                + " \"tcp_redir\": \"tproxy\", \"udp_redir\": \"tproxy\"}, {\"local_port\": 2, \"protocol\": \"redir\","
                + " \"tcp_redir\": \"redirect\"}, {\"local_port\": 3}]}");
        assertThat(s.listeners()).extracting(LocalListener::protocol).containsExactly("redir", "redir", "socks");
        assertThat(s.listeners().get(0).users()).as("a redir port has no authentication").isEmpty();
        assertThat(error("{" + server + ", \"locals\": [{\"local_port\": 1, \"protocol\": \"redir\","
                + " \"tcp_redir\": \"pf\"}]}")).contains("local.json").contains("key 'locals[0].tcp_redir'")
                .contains("redirect or tproxy");
        assertThat(error("{" + server + ", \"locals\": [{\"local_port\": 1, \"protocol\": \"redir\","
                + " \"udp_redir\": \"redirect\"}]}")).contains("key 'locals[0].udp_redir'").contains("tproxy only");
        assertThat(error("{" + server + ", \"locals\": [{\"local_port\": 1, \"tcp_redir\": \"tproxy\"}]}"))
                .as("not for other protocols").contains("tcp_redir");
        assertThat(load(null, "-s", "h", "-p", "1", "-k", "x", "--protocol", "redir", "-l", "60080").listeners())
                .extracting(LocalListener::protocol).containsExactly("redir");
    }

    @Test
    void httpListeners() throws Exception {
        String[] server = {"-s", "127.0.0.1", "-p", "8388", "-k", "secret", "-m", "aes-256-gcm"};
        LocalSettings flag = load(null, concat(server, "--protocol", "http", "-l", "8080", "--socks-user", "a:b"));
        assertThat(flag.listeners()).containsExactly(
                new LocalListener(LocalListener.HTTP, "127.0.0.1", 8080, null, java.util.Map.of("a", "b")));

        LocalSettings s = load("""
                {"server": "h", "server_port": 1, "password": "p",
                 "locals": [{"local_port": 8080, "protocol": "http"},
                            {"local_port": 8081, "protocol": "http", "socks5_users": {"carol": "x"}},
                            {"local_port": 5300, "protocol": "tunnel", "forward_address": "1.1.1.1", "forward_port": 53}],
                 "socks5_users": {"alice": "wonderland"}}
                """);
        assertThat(s.listeners()).extracting(LocalListener::protocol)
                .containsExactly(LocalListener.HTTP, LocalListener.HTTP, LocalListener.TUNNEL);
        assertThat(s.listeners().get(0).users()).as("the top-level users apply to HTTP too")
                .containsExactly(java.util.Map.entry("alice", "wonderland"));
        assertThat(s.listeners().get(1).users()).containsOnlyKeys("carol");
        assertThat(s.listeners().get(2).users()).isEmpty();

        // users alone on an HTTP listener are enough; on listeners that cannot authenticate they are an error
        assertThat(load("{\"server\": \"h\", \"server_port\": 1, \"password\": \"p\", \"socks5_users\": {\"a\": \"b\"},"
                + " \"locals\": [{\"local_port\": 8080, \"protocol\": \"http\"}]}").listeners().get(0).users())
                .containsOnlyKeys("a");
        String base = "\"server\": \"h\", \"server_port\": 1, \"password\": \"p\"";
        assertThat(error("{" + base + ", \"locals\": [{\"local_port\": 1, \"protocol\": \"tunnel\","
                + " \"forward_address\": \"x\", \"forward_port\": 2, \"socks5_users\": {\"a\": \"b\"}}]}"))
                .contains("locals[0].socks5_users").contains("no authentication");
        assertThat(error("{" + base + ", \"locals\": [{\"local_port\": 1, \"protocol\": \"http\","
                + " \"forward_address\": \"x\", \"forward_port\": 2}]}")).contains("only a tunnel");
        assertThat(error("{" + base + ", \"locals\": [{\"local_port\": 1, \"protocol\": \"http\","
                + " \"socks5_users\": {\"a:b\": \"c\"}}]}")).contains("locals[0].socks5_users").contains("':'");
        assertThat(load(null, concat(server, "--protocol", "http", "--socks-user", "a:b:c")).listeners().get(0).users())
                .as("the password may hold colons").containsEntry("a", "b:c");
        assertThat(error("{" + base + ", \"socks5_users\": {\"a:b\": \"c\"}}", "--protocol", "http"))
                .contains("key 'socks5_users'").contains("':'");
    }

    @Test
    void errors() {
        assertThat(error(null)).contains("--server-url").contains("-s HOST");
        assertThat(error(null, "--server-url", "ss://bogus")).contains("flag --server-url");
        assertThat(error(null, "-s", "h", "-p", "1", "-k", "x", "-L", "nope")).contains("flag -L");
        assertThat(error(null, "-s", "h", "-p", "1", "-k", "x", "--socks-user", "alice")).contains("USER:PASSWORD");
        assertThat(error("{\"locals\": [{\"local_port\": 1, \"protocol\": \"tunnel\"}], \"server\": \"h\","
                + " \"server_port\": 1, \"password\": \"p\"}")).contains("locals[0].forward_address");
    }

    @Test
    void everyKeyIsHonouredOrRefused() throws Exception {
        LocalSettings s = load("""
                {"server": "127.0.0.1", "server_port": 8388, "password": "p", "method": "aes-256-gcm",
                 "local_address": "127.0.0.1", "local_port": 1081, "timeout": 30, "udp_timeout": 7,
                 "udp_max_associations": 9, "mode": "tcp_and_udp", "dns": "127.0.0.53", "ipv6_first": true,
                 "no_delay": false, "fast_open": true, "reuse_port": true, "workers": 2, "transport": "nio",
                 "log_file": "sslocal.log"}
                """);
        assertThat(s.common().udpTimeout().toSeconds()).isEqualTo(7);
        assertThat(s.common().udpMaxAssociations()).isEqualTo(9);
        assertThat(s.common().fastOpen()).isTrue();
        assertThat(s.common().reusePort()).isTrue();
        assertThat(s.common().workerThreads()).isEqualTo(2);
        assertThat(s.listeners()).containsExactly(LocalListener.socks("127.0.0.1", 1081));

        String base = "\"server\": \"h\", \"server_port\": 1, \"password\": \"p\"";
        assertThat(error("{" + base + ", \"locla_port\": 1}")).contains("local.json")
                .contains("key 'locla_port' is not a setting of sslocal").contains("did you mean 'local_port'");
        assertThat(error("{\"servers\": [{\"server\": \"h\", \"server_port\": 1, \"password\": \"p\","
                + " \"timeout\": 5}]}")).contains("servers[0].timeout").contains("top level");
        assertThat(error("{\"servers\": [{\"server\": \"h\", \"server_port\": 1, \"password\": \"p\","
                + " \"weight\": 5}]}")).contains("servers[0].weight").contains("not a setting of sslocal");
        assertThat(error("{" + base + ", \"locals\": [{\"local_port\": 1, \"protocol\": \"carrier-pigeon\"}]}"))
                .contains("locals[0].protocol").contains("socks").contains("tunnel");
        assertThat(error("{" + base + ", \"locals\": [{\"local_port\": 1, \"forward_address\": \"x\","
                + " \"forward_port\": 2}]}")).contains("locals[0].forward_address").contains("only a tunnel");
        assertThat(error("{" + base + ", \"socks5_users\": {\"a\": \"b\"}}", "-L", "1.1.1.1:53"))
                .contains("socks5_users").contains("no SOCKS or HTTP listener");
        assertThat(error("{" + base + ", \"plugin\": \"obfs-local\", \"plugin_args\": [\"-v\"]}"))
                .contains("key 'plugin_args'").contains("plugin_opts");
        assertThat(error("{\"server\": \"h\", \"server_port\": 1, \"password\": \"\"}"))
                .contains("key 'password'").contains("empty");
    }

    /** SIP003 on the client: the keys, the flags and an ss:// URL's plugin parameter (SIP002). */
    @Test
    void pluginFromKeysFlagsAndUrls() throws Exception {
        LocalSettings s = load("{\"server\": \"h\", \"server_port\": 1, \"password\": \"p\","
                + " \"plugin\": \"obfs-local\", \"plugin_opts\": \"obfs=http;obfs-host=example.com\"}");
        assertThat(s.servers().get(0).plugin()).isEqualTo("obfs-local");
        assertThat(s.servers().get(0).pluginOptions()).isEqualTo("obfs=http;obfs-host=example.com");
        s = load(null, "-s", "h", "-p", "1", "-k", "p", "--plugin", "ss-v2ray-plugin", "--plugin-opts", "mode=websocket");
        assertThat(s.servers().get(0).plugin()).isEqualTo("ss-v2ray-plugin");
        assertThat(s.servers().get(0).pluginOptions()).isEqualTo("mode=websocket");
        s = load("{\"servers\": [{\"server\": \"h\", \"server_port\": 1, \"password\": \"p\","
                + " \"plugin\": \"obfs-local\", \"plugin_opts\": \"obfs=tls\"},"
                + " {\"server\": \"g\", \"server_port\": 2, \"password\": \"p\"}]}");
        assertThat(s.servers()).extracting(ServerEndpoint::plugin).containsExactly("obfs-local", null);
        s = load(null, "--server-url",
                "ss://YWVzLTI1Ni1nY206c2VjcmV0@127.0.0.1:8388/?plugin=obfs-local%3Bobfs%3Dhttp%3Bobfs-host%3Dexample.com");
        assertThat(s.servers().get(0).plugin()).isEqualTo("obfs-local");
        assertThat(s.servers().get(0).pluginOptions()).isEqualTo("obfs=http;obfs-host=example.com");
    }

    @Test
    void aclFromTheFlagTheTopLevelOrEachLocal() throws Exception {
        Files.writeString(dir.resolve("top.acl"), "[proxy_all]\n[bypass_list]\n10.0.0.0/8\n");
        Files.writeString(dir.resolve("own.acl"), "[bypass_all]\n");
        Files.writeString(dir.resolve("flag.acl"), "[bypass_list]\n|flag.test\n");
        String base = "\"server\": \"h\", \"server_port\": 1, \"password\": \"p\"";
        LocalSettings s = load("{" + base + ", \"acl\": \"top.acl\", \"locals\": [{\"local_port\": 1080},"
                + " {\"local_port\": 1081, \"acl\": \"own.acl\"}]}");
        assertThat(s.listeners().get(0).acl().toString()).contains(dir.resolve("top.acl").toString());
        assertThat(s.listeners().get(0).acl().routeAddress(java.net.InetAddress.getByName("10.1.2.3")))
                .isEqualTo(dev.ssjvm.service.acl.Acl.Route.BYPASS);
        assertThat(s.listeners().get(1).acl().toString()).as("the entry's own wins")
                .contains(dir.resolve("own.acl").toString());
        assertThat(s.listeners().get(1).acl().defaultRoute()).isEqualTo(dev.ssjvm.service.acl.Acl.Route.BYPASS);

        s = load("{" + base + ", \"acl\": \"top.acl\", \"locals\": [{\"local_port\": 1080},"
                + " {\"local_port\": 1081, \"acl\": \"own.acl\"}]}", "--acl", dir.resolve("flag.acl").toString());
        assertThat(s.listeners().get(0).acl().toString()).as("the flag over the top-level key")
                .contains(dir.resolve("flag.acl").toString());
        assertThat(s.listeners().get(1).acl().toString()).contains(dir.resolve("own.acl").toString());

        s = load(null, "-s", "h", "-p", "1", "-k", "p", "--acl", dir.resolve("flag.acl").toString());
        assertThat(s.listeners().get(0).acl().matchName("flag.test")).contains(dev.ssjvm.service.acl.Acl.Route.BYPASS);
        assertThat(load(null, "-s", "h", "-p", "1", "-k", "p").listeners().get(0).acl())
                .isSameAs(dev.ssjvm.service.acl.Acl.PROXY_ALL);

        Files.writeString(dir.resolve("bad.acl"), "[proxy_all]\n\n[by_pass_list]\n");
        assertThat(error("{" + base + ", \"locals\": [{\"local_port\": 1080, \"acl\": \"bad.acl\"}]}"))
                .contains("local.json").contains("key 'locals[0].acl'")
                .contains(dir.resolve("bad.acl") + ":3: unknown section [by_pass_list]");
        assertThat(error(null, "-s", "h", "-p", "1", "-k", "p", "--acl", "no-such.acl"))
                .isEqualTo("flag --acl: no-such.acl: no such file");
    }

    @Test
    void sharedFlagsAndSeveralServerAddresses() throws Exception {
        LocalSettings s = load("{\"server\": [\"127.0.0.1\", \"::1\"], \"server_port\": 8388, \"password\": \"p\"}",
                "--udp-timeout", "9", "--udp-max-associations", "3", "--fast-open", "--reuse-port");
        assertThat(s.common().udpTimeout().toSeconds()).isEqualTo(9);
        assertThat(s.common().udpMaxAssociations()).isEqualTo(3);
        assertThat(s.common().fastOpen()).isTrue();
        assertThat(s.common().reusePort()).isTrue();
        assertThat(s.servers()).extracting(ServerEndpoint::host).containsExactly("127.0.0.1", "::1");
    }

    @Test
    void aFileSharedWithSsserverHasItsKeysSkippedWithANotice() throws Exception {
        LocalSettings s = load("""
                {"server": "127.0.0.1", "server_port": 8388, "password": "p", "forbidden_ip": "10.0.0.0/8",
                 "handshake_timeout": 5, "local_port": 1080}
                """);
        assertThat(s.servers()).hasSize(1);
        assertThat(notices).hasSize(2).allMatch(n -> n.contains("local.json") && n.contains("ssserver setting"));
    }

    @Test
    void dnsListenerFromLocalsAndFromFlags() throws Exception {
        String base = "\"server\": \"h\", \"server_port\": 1, \"password\": \"p\"";
        LocalSettings s = load("{" + base + ", \"locals\": [{\"local_port\": 1080},"
                + " {\"local_port\": 5353, \"protocol\": \"dns\", \"local_dns_address\": \"192.0.2.53\","
                + " \"remote_dns_address\": \"dns.example\", \"remote_dns_port\": 5300}]}");
        LocalListener dns = s.listeners().get(1);
        assertThat(dns.protocol()).isEqualTo(LocalListener.DNS);
        assertThat(dns.localDns()).isEqualTo(new InetSocketAddress("192.0.2.53", 53));
        assertThat(dns.remoteDns()).isEqualTo(InetSocketAddress.createUnresolved("dns.example", 5300));
        assertThat(s.listeners().get(0).localDns()).isNull();

        String[] server = {"-s", "127.0.0.1", "-p", "8388", "-k", "secret"};
        LocalListener flagged = load(null, concat(server, "--protocol", "dns", "-l", "5353", "--local-dns-addr",
                "192.0.2.53:5300", "--remote-dns-addr", "[2001:db8::53]")).listeners().get(0);
        assertThat(flagged.localDns()).isEqualTo(new InetSocketAddress("192.0.2.53", 5300));
        assertThat(flagged.remoteDns()).isEqualTo(new InetSocketAddress("2001:db8::53", 53));
        assertThat(load(null, concat(server, "--protocol", "dns", "--local-dns-addr", "::1", "--remote-dns-addr",
                "dns.example:53")).listeners().get(0).localDns()).isEqualTo(new InetSocketAddress("::1", 53));

        assertThat(error(null, concat(server, "--protocol", "dns", "--local-dns-addr", "192.0.2.53")))
                .contains("flag --protocol").contains("--remote-dns-addr");
        assertThat(error(null, concat(server, "--local-dns-addr", "192.0.2.53", "--remote-dns-addr", "8.8.8.8")))
                .contains("flag --local-dns-addr").contains("only a DNS listener");
        assertThat(error(null, concat(server, "--protocol", "dns", "--local-dns-addr", "dns.example",
                "--remote-dns-addr", "8.8.8.8"))).contains("flag --local-dns-addr").contains("IP address");
        assertThat(error(null, concat(server, "--protocol", "dns", "--local-dns-addr", "192.0.2.53",
                "--remote-dns-addr", "8.8.8.8", "--socks-user", "a:b"))).contains("to authenticate for");

        String dnsEntry = "\"local_port\": 5353, \"protocol\": \"dns\"";
        assertThat(error("{" + base + ", \"locals\": [{" + dnsEntry + ", \"remote_dns_address\": \"8.8.8.8\"}]}"))
                .contains("locals[0].local_dns_address' is missing");
        assertThat(error("{" + base + ", \"locals\": [{" + dnsEntry + ", \"local_dns_address\": \"1.1.1.1\"}]}"))
                .contains("locals[0].remote_dns_address' is missing");
        assertThat(error("{" + base + ", \"locals\": [{" + dnsEntry + ", \"local_dns_address\": \"dns.example\","
                + " \"remote_dns_address\": \"8.8.8.8\"}]}")).contains("locals[0].local_dns_address").contains("IP");
        assertThat(error("{" + base + ", \"locals\": [{" + dnsEntry + ", \"local_dns_address\": \"1.1.1.1\","
                + " \"remote_dns_address\": \"8.8.8.8\", \"socks5_users\": {\"a\": \"b\"}}]}"))
                .contains("locals[0].socks5_users").contains("no authentication");
        assertThat(error("{" + base + ", \"locals\": [{" + dnsEntry + ", \"local_dns_address\": \"1.1.1.1\","
                + " \"remote_dns_address\": \"8.8.8.8\", \"remote_dns_port\": 70000}]}"))
                .contains("locals[0].remote_dns_port");
        assertThat(error("{" + base + ", \"locals\": [{\"local_port\": 1080, \"local_dns_address\": \"1.1.1.1\"}]}"))
                .contains("locals[0].local_dns_address").contains("only a DNS listener");
        assertThat(error("{" + base + ", \"locals\": [{" + dnsEntry + ", \"local_dns_address\": \"1.1.1.1\","
                + " \"remote_dns_address\": \"8.8.8.8\", \"client_cache_size\": 5}]}"))
                .contains("locals[0].client_cache_size").contains("not a setting of sslocal");
    }

    @Test
    void weightsAndTheBalancer() throws Exception {
        LocalSettings s = load("""
                {"servers": [{"server": "a.example", "server_port": 1, "password": "p", "tcp_weight": 0.5,
                              "udp_weight": 1},
                             {"server": "b.example", "server_port": 2, "password": "p"}],
                 "balancer": {"check_interval": 30, "check_best_interval": 5, "max_server_rtt": 3,
                              "tcp_check_target": "127.0.0.1:8080", "udp_check_target": "[::1]:53"}}
                """);
        assertThat(s.servers().get(0).tcpWeight()).isEqualTo(0.5);
        assertThat(s.servers().get(0).udpWeight()).isEqualTo(1.0);
        assertThat(s.servers().get(1).tcpWeight()).as("default").isEqualTo(1.0);
        assertThat(s.balancer().checkInterval()).hasSeconds(30);
        assertThat(s.balancer().checkBestInterval()).hasSeconds(5);
        assertThat(s.balancer().maxServerRtt()).hasSeconds(3);
        assertThat(s.balancer().tcpCheckTarget()).isEqualTo(new InetSocketAddress("127.0.0.1", 8080));
        assertThat(s.balancer().udpCheckTarget().getAddress().getHostAddress()).isEqualTo("0:0:0:0:0:0:0:1");

        LocalSettings defaults = load("{\"server\": \"h\", \"server_port\": 1, \"password\": \"p\"}");
        assertThat(defaults.balancer()).isEqualTo(BalancerSettings.defaults());
    }

    @Test
    void badWeightsAndBalancerKeysAreRefusedByName() {
        String entry = "{\"servers\": [{\"server\": \"h\", \"server_port\": 1, \"password\": \"p\", ";
        for (String bad : List.of("0", "1.5", "-0.5", "\"0.5\"")) {
            assertThat(error(entry + "\"tcp_weight\": " + bad + "}]}")).contains("local.json")
                    .contains("key 'servers[0].tcp_weight'").contains("at most 1");
            assertThat(error(entry + "\"udp_weight\": " + bad + "}]}")).contains("key 'servers[0].udp_weight'");
        }
        String base = "{\"server\": \"h\", \"server_port\": 1, \"password\": \"p\", \"balancer\": ";
        assertThat(error(base + "{\"check_interval\": 0}}")).contains("local.json")
                .contains("key 'balancer.check_interval'");
        assertThat(error(base + "{\"check_interval\": 5, \"check_best_interval\": 10}}"))
                .contains("key 'balancer.check_best_interval'").contains("at most check_interval");
        assertThat(error(base + "{\"max_server_rtt\": \"soon\"}}")).contains("key 'balancer.max_server_rtt'");
        assertThat(error(base + "{\"tcp_check_target\": \"nowhere\"}}")).contains("key 'balancer.tcp_check_target'");
        assertThat(error(base + "{\"udp_check_target\": 53}}")).contains("key 'balancer.udp_check_target'");
        assertThat(error(base + "{\"check_intreval\": 5}}")).contains("balancer.check_intreval")
                .contains("did you mean 'check_interval'");
        assertThat(error(base + "5}")).contains("key 'balancer'").contains("an object");
    }
}
