package dev.ssjvm.service.local.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class ProxyTargetsTest {
    @Test
    void connectTargets() {
        assertThat(ProxyTargets.connect("Example.COM:443")).isEqualTo(InetSocketAddress.createUnresolved("example.com", 443));
        assertThat(ProxyTargets.connect("10.0.0.1:22")).isEqualTo(new InetSocketAddress("10.0.0.1", 22));
        assertThat(ProxyTargets.connect("[::1]:8443")).isEqualTo(new InetSocketAddress("::1", 8443));
        for (String bad : new String[] {"example.com", "example.com:", "example.com:0", "example.com:65536",
                "example.com:+80", "::1:80", "[::1]", "[nope]:80", "a b:80", "a/b:80", ":80", "user@host:80",
                "[::1]x:80"}) {
            assertThat(ProxyTargets.connect(bad)).as(bad).isNull();
        }
    }

    @Test
    void absoluteUris() {
        ProxyTargets.Absolute a = ProxyTargets.absolute("http://Example.com:8080/a/b?c=d#frag");
        assertThat(a.target()).isEqualTo(InetSocketAddress.createUnresolved("example.com", 8080));
        assertThat(a.originForm()).isEqualTo("/a/b?c=d");
        assertThat(a.host()).isEqualTo("Example.com:8080");
        assertThat(ProxyTargets.absolute("HTTP://example.com").originForm()).isEqualTo("/");
        assertThat(ProxyTargets.absolute("http://example.com").target().getPort()).isEqualTo(80);
        assertThat(ProxyTargets.absolute("http://example.com?q").originForm()).isEqualTo("/?q");
        assertThat(ProxyTargets.absolute("http://[::1]/x").target()).isEqualTo(new InetSocketAddress("::1", 80));
        for (String bad : new String[] {"/origin-form", "https://example.com/", "ftp://example.com/", "http://",
                "http:///path", "http://user:pw@example.com/", "http://exa mple/", "*"}) {
            assertThat(ProxyTargets.absolute(bad)).as(bad).isNull();
        }
    }
}
