package dev.ssjvm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ssjvm.core.url.ShadowsocksUrl;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ssurl} carries Outline's prefix both ways: config file to URL and URL to config. */
class UrlCommandPrefixTest {
    @TempDir
    Path dir;

    private static String run(String... args) {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new UrlCommand());
        cli.setOut(new PrintWriter(out));
        assertThat(cli.execute(args)).isZero();
        return out.toString().trim();
    }

    @Test
    void configToUrlAndBack() throws Exception {
        Path config = Files.writeString(dir.resolve("c.json"), """
                {"server": "example.com", "server_port": 443, "password": "secret",
                 "method": "chacha20-ietf-poly1305", "prefix": "\\u0016\\u0003\\u0001\\u0000\\u00a8\\u0001\\u0001"}""");
        String url = run("-e", config.toString());
        assertThat(url).contains("prefix=%16%03%01%00%C2%A8%01%01");
        assertThat(ShadowsocksUrl.parse(url).prefix()).containsExactly(0x16, 3, 1, 0, 0xa8, 1, 1);

        JsonNode back = new ObjectMapper().readTree(run("-d", url));
        assertThat(back.get("prefix").textValue()).isEqualTo("\u0016\u0003\u0001\u0000\u00a8\u0001\u0001");
        assertThat(back.get("server").textValue()).isEqualTo("example.com");
    }
}
