package dev.ssjvm.service.acl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ssjvm.service.acl.Acl.Route;
import java.io.IOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AclFileTest {
    @TempDir
    Path dir;

    private AclFile acl(String text) throws IOException {
        Path file = dir.resolve("test.acl");
        Files.writeString(file, text);
        return AclFile.load(file);
    }

    private static InetAddress ip(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** The README's sample: LAN and one domain bypassed, the rest proxied. */
    @Test
    void bypassLanAndADomainProxyTheRest() throws IOException {
        AclFile acl = acl("""
                # bypass LAN and one domain, proxy the rest
                [proxy_all]

                [bypass_list]
                127.0.0.0/8
                10.0.0.0/8
                192.168.0.0/16
                fc00::/7
                ::1
                (^|\\.)example\\.org$   # a regex: the domain and its subdomains
                """);
        assertThat(acl.defaultRoute()).isEqualTo(Route.PROXY);
        assertThat(acl.routeAddress(ip("192.168.3.4"))).isEqualTo(Route.BYPASS);
        assertThat(acl.routeAddress(ip("10.200.0.1"))).isEqualTo(Route.BYPASS);
        assertThat(acl.routeAddress(ip("fd12::1"))).isEqualTo(Route.BYPASS);
        assertThat(acl.routeAddress(ip("::1"))).isEqualTo(Route.BYPASS);
        assertThat(acl.routeAddress(ip("8.8.8.8"))).isEqualTo(Route.PROXY);
        assertThat(acl.routeAddress(ip("2001:db8::1"))).isEqualTo(Route.PROXY);
        assertThat(acl.matchName("example.org")).contains(Route.BYPASS);
        assertThat(acl.matchName("WWW.Example.ORG.")).as("case and the final dot").contains(Route.BYPASS);
        assertThat(acl.matchName("notexample.org")).isEmpty();
        assertThat(acl.matchName("example.org.evil.test")).isEmpty();
        assertThat(acl.routesNamesByAddress()).as("bypassed CIDRs can route a resolved name").isTrue();
        assertThat(acl.routeWithoutLookup(InetSocketAddress.createUnresolved("www.example.org", 443)))
                .isEqualTo(Route.BYPASS);
        assertThat(acl.routeWithoutLookup(InetSocketAddress.createUnresolved("elsewhere.test", 443))).isNull();
        assertThat(acl.routeWithoutLookup(new InetSocketAddress(ip("192.168.1.1"), 80))).isEqualTo(Route.BYPASS);
    }

    /** The sample in the README parses and says what the README says it does. */
    @Test
    void theReadmeSample() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        int start = readme.indexOf("# bypass.acl:");
        assertThat(start).as("the README has the sample").isPositive();
        AclFile acl = acl(readme.substring(start, readme.indexOf("```", start)));
        assertThat(acl.routeAddress(ip("192.168.1.20"))).isEqualTo(Route.BYPASS);
        assertThat(acl.routeAddress(ip("fe80::1"))).isEqualTo(Route.BYPASS);
        assertThat(acl.routeAddress(ip("198.51.100.1"))).isEqualTo(Route.PROXY);
        assertThat(acl.matchName("www.example.org")).contains(Route.BYPASS);
        assertThat(acl.matchName("printer.home.arpa")).contains(Route.BYPASS);
        assertThat(acl.matchName("other.home.arpa")).isEmpty();
        assertThat(acl.routesNamesByAddress()).isTrue();
        assertThat(acl.outboundBlockList().matchesName("db.internal.example")).isTrue();
        assertThat(acl.outboundBlockList().matchesAddress(ip("127.0.0.5"))).isTrue();
        assertThat(acl.outboundBlockList().matchesAddress(ip("192.168.1.20"))).isFalse();
    }

    @ParameterizedTest
    @CsvSource({"[proxy_all], PROXY", "[accept_all], PROXY", "[bypass_all], BYPASS", "[reject_all], BYPASS"})
    void everyModeName(String section, Route route) throws IOException {
        assertThat(acl(section + "\n").defaultRoute()).isEqualTo(route);
        assertThat(acl("").defaultRoute()).as("the default").isEqualTo(Route.PROXY);
    }

    @ParameterizedTest
    @CsvSource({"[bypass_list], BYPASS", "[black_list], BYPASS", "[proxy_list], PROXY", "[white_list], PROXY"})
    void everyListName(String section, Route route) throws IOException {
        AclFile acl = acl("[bypass_all]\n[proxy_all]\n" + section + "\n203.0.113.0/24\n|listed.test\n");
        assertThat(acl.defaultRoute()).as("the last mode line wins").isEqualTo(Route.PROXY);
        assertThat(acl.routeAddress(ip("203.0.113.9"))).isEqualTo(route);
        assertThat(acl.matchName("listed.test")).contains(route);
        assertThat(acl.outboundBlockList().isEmpty()).isTrue();
    }

    @Test
    void rulesBeforeAnyListAreBypassRules() throws IOException {
        AclFile acl = acl("198.51.100.1\n[proxy_all]\n");
        assertThat(acl.routeAddress(ip("198.51.100.1"))).isEqualTo(Route.BYPASS);
    }

    @Test
    void nameRuleForms() throws IOException {
        AclFile acl = acl("""
                [bypass_all]
                [proxy_list]
                |exact.test
                ||tree.test
                ^also-exact\\.test$
                (?:^|\\.)tree2\\.test$
                \\.sub-only\\.test$
                ^ads[0-9]+\\.
                google
                ^first\\.|second\\.
                ^(?:a|b)[|]c\\.
                """);
        assertThat(acl.matchName("exact.test")).contains(Route.PROXY);
        assertThat(acl.matchName("www.exact.test")).isEmpty();
        assertThat(acl.matchName("tree.test")).contains(Route.PROXY);
        assertThat(acl.matchName("a.b.tree.test")).contains(Route.PROXY);
        assertThat(acl.matchName("subtree.test")).isEmpty();
        assertThat(acl.matchName("also-exact.test")).contains(Route.PROXY);
        assertThat(acl.matchName("x.also-exact.test")).isEmpty();
        assertThat(acl.matchName("x.tree2.test")).contains(Route.PROXY);
        assertThat(acl.matchName("sub-only.test")).as("a real regex: only subdomains").isEmpty();
        assertThat(acl.matchName("a.sub-only.test")).contains(Route.PROXY);
        assertThat(acl.matchName("ads12.tracker.test")).contains(Route.PROXY);
        assertThat(acl.matchName("ads.tracker.test")).isEmpty();
        assertThat(acl.matchName("first.test")).contains(Route.PROXY);
        assertThat(acl.matchName("x.first.test")).isEmpty();
        assertThat(acl.matchName("x.second.test")).as("an alternation outside groups is not anchored").contains(Route.PROXY);
        assertThat(acl.matchName("a|c.test")).contains(Route.PROXY);
        assertThat(acl.matchName("x.a|c.test")).isEmpty();
        assertThat(acl.matchName("www.google.co.uk")).as("a plain word is an unanchored regex, as in rust")
                .contains(Route.PROXY);
        assertThat(acl.matchName("WWW.GOOGLE.COM")).contains(Route.PROXY);
        assertThat(acl.routesNamesByAddress()).as("no proxy_list addresses").isFalse();
    }

    @Test
    void internationalNamesCompareInPunycode() throws IOException {
        AclFile acl = acl("[bypass_list]\n||xn--bcher-kva.test\n");
        assertThat(acl.matchName("www.bücher.test")).contains(Route.BYPASS);
    }

    /** shadowsocks-rust's order: a name in both lists is proxied, an address in both is bypassed. */
    @Test
    void whichListWinsWhenBothMatch() throws IOException {
        AclFile acl = acl("""
                [bypass_list]
                ||both.test
                203.0.113.0/24
                [proxy_list]
                |www.both.test
                203.0.113.7
                """);
        assertThat(acl.matchName("www.both.test")).contains(Route.PROXY);
        assertThat(acl.matchName("other.both.test")).contains(Route.BYPASS);
        assertThat(acl.routeAddress(ip("203.0.113.7"))).isEqualTo(Route.BYPASS);
    }

    @Test
    void addressesOfAResolvedNameMatterOnlyWhenTheyCanChangeTheRoute() throws IOException {
        assertThat(acl("[proxy_all]\n[proxy_list]\n10.0.0.0/8\n").routesNamesByAddress()).isFalse();
        assertThat(acl("[proxy_all]\n[bypass_list]\n10.0.0.0/8\n").routesNamesByAddress()).isTrue();
        assertThat(acl("[bypass_all]\n[bypass_list]\n10.0.0.0/8\n").routesNamesByAddress()).isFalse();
        assertThat(acl("[bypass_all]\n[proxy_list]\n2001:db8::/32\n").routesNamesByAddress()).isTrue();
        assertThat(acl("[proxy_all]\n[bypass_list]\n||names.only\n").routesNamesByAddress()).isFalse();
    }

    @Test
    void outboundBlockList() throws IOException {
        AclFile acl = acl("""
                [outbound_allow_all]
                [outbound_block_list]
                192.0.2.0/24
                2001:db8:bad::/48
                ||blocked.test
                (^|\\.)ads\\.test$
                [bypass_list]
                10.0.0.0/8
                """);
        RuleList block = acl.outboundBlockList();
        assertThat(block.matchesAddress(ip("192.0.2.200"))).isTrue();
        assertThat(block.matchesAddress(ip("::ffff:192.0.2.1"))).isTrue();
        assertThat(block.matchesAddress(ip("2001:db8:bad:1::"))).isTrue();
        assertThat(block.matchesAddress(ip("10.1.1.1"))).isFalse();
        assertThat(block.matchesName("x.blocked.test")).isTrue();
        assertThat(block.matchesName("ads.test")).isTrue();
        assertThat(block.matchesName("fine.test")).isFalse();
        assertThat(acl.matchName("x.blocked.test")).as("not a local rule").isEmpty();
        assertThat(acl.routeAddress(ip("10.1.1.1"))).isEqualTo(Route.BYPASS);
    }

    @Test
    void commentsAndBlankLines() throws IOException {
        AclFile acl = acl("""
                # a comment line
                   # an indented one
                [bypass_list]   # after a section
                198.51.100.0/24 # after a rule

                \t
                """);
        assertThat(acl.routeAddress(ip("198.51.100.3"))).isEqualTo(Route.BYPASS);
        assertThat(acl.bypassList().names().isEmpty()).isTrue();
    }

    @Test
    void errorsNameTheFileTheLineAndWhy() throws IOException {
        Path file = dir.resolve("test.acl");
        assertThatThrownBy(() -> acl("[proxy_all]\n[bypass_list]\n10.0.0.0/33\n"))
                .isInstanceOf(AclException.class).hasMessage(file + ":3: '10.0.0.0/33' has a prefix length outside 0-32");
        assertThatThrownBy(() -> acl("\n\n[bypass_lists]\n")).isInstanceOf(AclException.class)
                .hasMessageStartingWith(file + ":3: unknown section [bypass_lists]");
        assertThatThrownBy(() -> acl("[proxy_list]\n(^|\\.example\\.com$\n")).isInstanceOf(AclException.class)
                .hasMessageStartingWith(file + ":2: '(^|\\.example\\.com$' is not a valid regular expression");
        assertThatThrownBy(() -> acl("||\n")).isInstanceOf(AclException.class)
                .hasMessage(file + ":1: '||' does not name a host");
        assertThatThrownBy(() -> acl("[outbound_block_all]\n")).isInstanceOf(AclException.class)
                .hasMessageStartingWith(file + ":1: [outbound_block_all]").hasMessageContaining("not supported");
        assertThatThrownBy(() -> acl("[bypass_list]\n||bücher.test\n")).isInstanceOf(AclException.class)
                .hasMessageStartingWith(file + ":2:").hasMessageContaining("punycode");
        assertThatThrownBy(() -> AclFile.load(dir.resolve("missing.acl"))).isInstanceOf(AclException.class)
                .hasMessage(dir.resolve("missing.acl") + ": no such file");
        Files.write(file, new byte[] {'[', (byte) 0xff, ']', '\n'});
        assertThatThrownBy(() -> AclFile.load(file)).isInstanceOf(AclException.class).hasMessageContaining("UTF-8");
    }

    /** A 100,000-line list (every kind of line) loads and matches right; how fast is the benchmark's business. */
    @Test
    void aHundredThousandLines() throws IOException {
        Path file = dir.resolve("big.acl");
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
            out.write("[proxy_all]\n[bypass_list]\n");
            for (int i = 0; i < 70_000; i++) { // 70,000 disjoint /24s, 2048 addresses apart
                long base = 0x01000000L + (long) i * 0x200 * 4;
                out.write(v4(base) + "/24\n");
            }
            for (int i = 0; i < 20_000; i++) {
                out.write(String.format("2001:db8:%x::/48%n", i * 2));
            }
            for (int i = 0; i < 9_000; i++) {
                out.write("||domain" + i + ".test\n");
            }
            for (int i = 0; i < 1_000; i++) {
                out.write("(^|\\.)regex" + i + "\\.test$\n");
            }
        }
        AclFile acl = AclFile.load(file);
        assertThat(acl.bypassList().addresses().rangeCount()).isEqualTo(90_000);
        for (int i = 0; i < 70_000; i += 997) {
            long base = 0x01000000L + (long) i * 0x200 * 4;
            assertThat(acl.routeAddress(ip(v4(base + 255)))).isEqualTo(Route.BYPASS);
            assertThat(acl.routeAddress(ip(v4(base + 256)))).as("just past a /24").isEqualTo(Route.PROXY);
        }
        assertThat(acl.routeAddress(ip("2001:db8:4e1e:ffff::1"))).isEqualTo(Route.BYPASS); // 2 * 9999 = 0x4e1e
        assertThat(acl.routeAddress(ip("2001:db8:4e1f::1"))).isEqualTo(Route.PROXY);
        assertThat(acl.routeAddress(ip("2001:db8:9c40::"))).as("past the last").isEqualTo(Route.PROXY);
        assertThat(acl.matchName("a.domain8999.test")).contains(Route.BYPASS);
        assertThat(acl.matchName("domain9000.test")).isEmpty();
        assertThat(acl.matchName("x.regex999.test")).contains(Route.BYPASS);
        assertThat(acl.matchName("regex1000.test")).isEmpty();
        assertThat(acl.matchName("elsewhere.test")).isEmpty();
        assertThat(Optional.of(acl.routeAddress(ip("255.1.1.1")))).contains(Route.PROXY);
    }

    private static String v4(long a) {
        return (a >>> 24 & 255) + "." + (a >>> 16 & 255) + "." + (a >>> 8 & 255) + "." + (a & 255);
    }
}
