package dev.ssjvm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import dev.ssjvm.core.url.ShadowsocksUrl;
import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.service.testing.ExternalPeer;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * ssurl: SIP002 URLs to config and back (the spec's own examples), SIP008 export, and QR codes that
 * decode back to the same URL, with ZXing and with zbarimg (an independent decoder, from Debian).
 */
class UrlQrTest {
    /** The examples of the SIP002 spec, as the spec prints them. */
    static final List<String> SIP002_EXAMPLES = List.of(
            "ss://YWVzLTEyOC1nY206dGVzdA@192.168.100.1:8888#Example1",
            "ss://cmM0LW1kNTpwYXNzd2Q@192.168.100.1:8888/?plugin=obfs-local%3Bobfs%3Dhttp#Example2",
            "ss://2022-blake3-aes-256-gcm:YctPZ6U7xPPcU%2Bgp3u%2B0tx%2FtRizJN9K8y%2BuKlW2qjlI%3D@192.168.100.1:8888#Example3",
            "ss://2022-blake3-aes-256-gcm:YctPZ6U7xPPcU%2Bgp3u%2B0tx%2FtRizJN9K8y%2BuKlW2qjlI%3D@192.168.100.1:8888/"
                    + "?plugin=v2ray-plugin%3Bserver#Example3");

    @TempDir
    Path dir;

    private static String run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new UrlCommand());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute(args)).as(err.toString()).isZero();
        return out.toString();
    }

    private static boolean known(String method) {
        try {
            CipherKind.of(method);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Test
    void sip002ExamplesRoundTripThroughAConfigFile() throws Exception {
        ObjectMapper json = new ObjectMapper();
        int i = 0;
        for (String example : SIP002_EXAMPLES) {
            if (example.contains("cmM0LW1kNTpwYXNzd2Q") && !known("rc4-md5")) {
                // rc4-md5 arrives with the legacy stream ciphers; until then the URL is refused by name
                StringWriter err = new StringWriter();
                CommandLine cli = new CommandLine(new UrlCommand());
                cli.setErr(new PrintWriter(err));
                cli.setExecutionExceptionHandler((ex, c, p) -> {
                    err.write(ex.getMessage());
                    return 2;
                });
                assertThat(cli.execute("-d", example)).isEqualTo(2);
                assertThat(err.toString()).contains("rc4-md5").doesNotContain("passwd");
                continue;
            }
            ShadowsocksUrl expected = ShadowsocksUrl.parse(example);
            JsonNode config = json.readTree(run("-d", example));
            assertThat(config.get("server").textValue()).isEqualTo("192.168.100.1");
            assertThat(config.get("server_port").intValue()).isEqualTo(8888);
            assertThat(config.get("remarks").textValue()).startsWith("Example");
            Path file = Files.writeString(dir.resolve("c" + i++ + ".json"), config.toString());
            if (config.has("plugin")) {
                // sslocal refuses plugins until SIP003 lands, and -e reads the file as sslocal does
                assertThat(expected.plugin()).isIn("obfs-local", "v2ray-plugin");
                assertThat(expected.pluginOptions()).isIn("obfs=http", "server");
                continue;
            }
            String again = run("-e", file.toString()).trim();
            assertThat(ShadowsocksUrl.parse(again)).isEqualTo(expected);
        }
        assertThat(ShadowsocksUrl.parse(SIP002_EXAMPLES.get(2)).password())
                .isEqualTo("YctPZ6U7xPPcU+gp3u+0tx/tRizJN9K8y+uKlW2qjlI=");
    }

    @Test
    void pngDecodesToTheSameUrlWithZxingAndZbarimg() throws Exception {
        Path config = Files.writeString(dir.resolve("server.json"), """
                {"server": "0.0.0.0", "server_port": 8388, "password": "a password, with / and + and space",
                 "method": "chacha20-ietf-poly1305", "remarks": "my server #1"}""");
        Path png = dir.resolve("qr.png");
        String out = run("-e", config.toString(), "--public-host", "203.0.113.7", "--qr-png", png.toString());
        String url = out.lines().findFirst().orElseThrow();
        ShadowsocksUrl parsed = ShadowsocksUrl.parse(url);
        assertThat(parsed.host()).isEqualTo("203.0.113.7");
        assertThat(parsed.password()).isEqualTo("a password, with / and + and space");
        assertThat(parsed.tag()).isEqualTo("my server #1");
        assertThat(out).contains("QR code written to " + png);

        assertThat(zxing(ImageIO.read(png.toFile()))).isEqualTo(url);

        ExternalPeer.Result r = ExternalPeer.run(60, "zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable",
                png.toString());
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(new String(r.stdout(), StandardCharsets.UTF_8).trim()).isEqualTo(url);
    }

    @Test
    void terminalCodeHasAQuietZoneAndDecodesToTheUrl() throws Exception {
        String url = ShadowsocksUrl.parse(SIP002_EXAMPLES.get(2)).toUri();
        String text = QrCodes.terminal(url);
        List<String> lines = text.lines().toList();
        // light modules are blocks: the quiet zone is two full-block lines on top and 4 columns each side
        assertThat(lines.get(0)).matches("\u2588+");
        assertThat(lines.get(1)).matches("\u2588+");
        for (String line : lines) {
            assertThat(line).startsWith("\u2588\u2588\u2588\u2588").endsWith("\u2588\u2588\u2588\u2588");
        }
        // read the half blocks back into modules, as a camera would, and decode them
        int width = lines.get(0).length();
        BufferedImage image = new BufferedImage(width * 4, lines.size() * 8, BufferedImage.TYPE_INT_RGB);
        for (int row = 0; row < lines.size(); row++) {
            for (int x = 0; x < width; x++) {
                char c = lines.get(row).charAt(x);
                boolean topLight = c == '\u2588' || c == '\u2580';
                boolean bottomLight = c == '\u2588' || c == '\u2584';
                for (int dy = 0; dy < 8; dy++) {
                    boolean light = dy < 4 ? topLight : bottomLight;
                    for (int dx = 0; dx < 4; dx++) {
                        image.setRGB(x * 4 + dx, row * 8 + dy, light ? 0xffffff : 0);
                    }
                }
            }
        }
        assertThat(zxing(image)).isEqualTo(url);
        assertThat(run("-d", url, "--qr")).contains(text);
    }

    @Test
    void sip008ExportOfAConfigsServers() throws Exception {
        Path config = Files.writeString(dir.resolve("servers.json"), """
                {"servers": [
                  {"server": "a.example", "server_port": 8388, "password": "pa", "method": "aes-256-gcm", "remarks": "A"},
                  {"server": "b.example", "server_port": 8389, "password": "pb", "method": "chacha20-ietf-poly1305"}]}""");
        JsonNode doc = new ObjectMapper().readTree(run("--sip008", config.toString()));
        assertThat(doc.get("version").intValue()).isEqualTo(1);
        assertThat(doc.get("servers")).hasSize(2);
        JsonNode a = doc.get("servers").get(0);
        assertThat(a.get("server").textValue()).isEqualTo("a.example");
        assertThat(a.get("server_port").intValue()).isEqualTo(8388);
        assertThat(a.get("password").textValue()).isEqualTo("pa");
        assertThat(a.get("method").textValue()).isEqualTo("aes-256-gcm");
        assertThat(a.get("remarks").textValue()).isEqualTo("A");
        assertThat(java.util.UUID.fromString(a.get("id").textValue())).isNotNull();
        assertThat(doc.get("servers").get(1).get("id").textValue()).isNotEqualTo(a.get("id").textValue());

        JsonNode one = new ObjectMapper().readTree(run("--sip008", config.toString(), "--port", "8389"));
        assertThat(one.get("servers")).hasSize(1);
        assertThat(one.get("servers").get(0).get("server").textValue()).isEqualTo("b.example");
    }

    @Test
    void serverConfigsGiveAUrlPerPortAndPerUser() throws Exception {
        Path ports = Files.writeString(dir.resolve("ports.json"), """
                {"server": "0.0.0.0", "method": "aes-256-gcm", "port_password": {"8381": "one", "8382": "two"}}""");
        List<String> urls = run("-e", ports.toString(), "--public-host", "srv.example").lines().toList();
        assertThat(urls).hasSize(2);
        assertThat(urls.stream().map(ShadowsocksUrl::parse).map(u -> u.port() + "=" + u.password() + "@" + u.host()))
                .containsExactlyInAnyOrder("8381=one@srv.example", "8382=two@srv.example");

        String k = "AAAAAAAAAAAAAAAAAAAAAA==";
        Path users = Files.writeString(dir.resolve("users.json"), "{\"server_port\": 8388, \"method\":"
                + " \"2022-blake3-aes-128-gcm\", \"password\": \"" + k + "\", \"users\": [{\"name\": \"a\","
                + " \"password\": \"" + k.replace('A', 'Q') + "\"}, {\"name\": \"b\", \"password\": \""
                + k.replace('A', 'g') + "\"}]}");
        List<ShadowsocksUrl> both = run("-e", users.toString()).lines().map(ShadowsocksUrl::parse).toList();
        assertThat(both).extracting(ShadowsocksUrl::tag).containsExactly("a", "b");
        assertThat(both.get(0).password()).isEqualTo(k + ":" + k.replace('A', 'Q'));
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new UrlCommand());
        cli.setErr(new PrintWriter(err));
        cli.setExecutionExceptionHandler((ex, c, p) -> {
            err.write(ex.getMessage());
            return 2;
        });
        assertThat(cli.execute("-e", users.toString(), "--user", "carol")).isEqualTo(2);
        assertThat(err.toString()).contains("no server").contains("carol").doesNotContain(k);
    }

    private static String zxing(BufferedImage image) throws Exception {
        int[] pixels = image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
        BinaryBitmap bitmap = new BinaryBitmap(new HybridBinarizer(
                new RGBLuminanceSource(image.getWidth(), image.getHeight(), pixels)));
        return new QRCodeReader().decode(bitmap, Map.of(DecodeHintType.TRY_HARDER, Boolean.TRUE)).getText();
    }
}
