package dev.ssjvm.service.local.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** Coverage-guided fuzzing of the HTTP proxy's request-target parsing (CONNECT authority, absolute URI). */
class ProxyTargetsFuzzTest {

    /** Any text: a target or null, never an exception; a parsed port is a real port. */
    @FuzzTest(maxDuration = "10s")
    void targets(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        InetSocketAddress connect = ProxyTargets.connect(text);
        if (connect != null) {
            assertThat(connect.getPort()).isBetween(1, 65535);
        }
        ProxyTargets.Absolute absolute = ProxyTargets.absolute("http://" + text);
        if (absolute != null) {
            assertThat(absolute.target().getPort()).isBetween(1, 65535);
            assertThat(absolute.originForm()).startsWith("/").doesNotContain("#");
        }
    }
}
