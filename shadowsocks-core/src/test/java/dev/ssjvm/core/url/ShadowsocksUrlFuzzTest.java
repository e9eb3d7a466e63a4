package dev.ssjvm.core.url;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/** Coverage-guided fuzzing of ss:// parsing (regression inputs in ShadowsocksUrlFuzzTestInputs/). */
class ShadowsocksUrlFuzzTest {

    /** Any text: a URL or IllegalArgumentException; a parsed URL prints as one that parses to itself. */
    @FuzzTest(maxDuration = "10s")
    void parse(byte[] bytes) {
        ShadowsocksUrl url;
        try {
            url = ShadowsocksUrl.parse("ss://" + new String(bytes, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException expected) {
            return;
        }
        assertThat(ShadowsocksUrl.parse(url.toUri())).isEqualTo(url);
    }
}
