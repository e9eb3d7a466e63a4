package dev.ssjvm.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** BLAKE3 against the official test vectors (all three modes, extended output, every input length). */
class Blake3Test {
    private static final HexFormat HEX = HexFormat.of();

    record Case(int inputLength, String hash, String keyedHash, String deriveKey) {}

    static String json() throws IOException {
        try (InputStream in = Blake3Test.class.getResourceAsStream("/blake3/test_vectors.json")) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    static List<Case> cases(String json) {
        Pattern p = Pattern.compile("\"input_len\":\\s*(\\d+),\\s*\"hash\":\\s*\"([0-9a-f]+)\",\\s*"
                + "\"keyed_hash\":\\s*\"([0-9a-f]+)\",\\s*\"derive_key\":\\s*\"([0-9a-f]+)\"");
        Matcher m = p.matcher(json);
        List<Case> cases = new ArrayList<>();
        while (m.find()) {
            cases.add(new Case(Integer.parseInt(m.group(1)), m.group(2), m.group(3), m.group(4)));
        }
        return cases;
    }

    static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\\s*\"([^\"]+)\"").matcher(json);
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    @Test
    void officialVectors() throws IOException {
        String json = json();
        byte[] key = field(json, "key").getBytes(StandardCharsets.US_ASCII);
        String context = field(json, "context_string");
        List<Case> cases = cases(json);
        assertThat(cases).hasSizeGreaterThan(30);
        for (Case c : cases) {
            byte[] input = new byte[c.inputLength()];
            for (int i = 0; i < input.length; i++) {
                input[i] = (byte) (i % 251);
            }
            int extended = c.hash().length() / 2;
            assertThat(HEX.formatHex(Blake3.hash(input, extended))).as("hash %d", c.inputLength()).isEqualTo(c.hash());
            assertThat(HEX.formatHex(Blake3.hash(input, 32))).isEqualTo(c.hash().substring(0, 64));
            assertThat(HEX.formatHex(Blake3.keyedHash(key, input, extended))).as("keyed %d", c.inputLength())
                    .isEqualTo(c.keyedHash());
            assertThat(HEX.formatHex(Blake3.deriveKey(context, input, extended))).as("derive %d", c.inputLength())
                    .isEqualTo(c.deriveKey());
            assertThat(HEX.formatHex(Blake3.deriveKey(context, input, 32))).isEqualTo(c.deriveKey().substring(0, 64));
        }
    }
}
