package dev.ssjvm.crypto;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code aead-vectors.txt}: SIP004 vectors produced by {@code gen_aead_vectors.py} from OpenSSL
 * and libsodium, never from this code. Shared with the core module's tests through the test jar.
 */
public final class AeadVectors {
    private AeadVectors() {}

    /** One record: a method, a password and everything derived from them. */
    public record Vector(Map<String, String> fields) {
        public String get(String key) {
            String value = fields.get(key);
            if (value == null) {
                throw new IllegalStateException("vector has no " + key + ": " + fields);
            }
            return value;
        }

        public byte[] hex(String key) {
            return HexFormat.of().parseHex(get(key));
        }

        public CipherKind method() {
            return CipherKind.of(get("method"));
        }

        @Override
        public String toString() {
            return get("method") + " / " + get("password");
        }
    }

    public static List<Vector> load() {
        try (InputStream in = AeadVectors.class.getResourceAsStream("/aead-vectors.txt")) {
            if (in == null) {
                throw new IllegalStateException("aead-vectors.txt is not on the test class path");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            List<Vector> vectors = new ArrayList<>();
            Map<String, String> current = new LinkedHashMap<>();
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith("#")) {
                    continue;
                }
                if (line.isBlank()) {
                    if (!current.isEmpty()) {
                        vectors.add(new Vector(current));
                        current = new LinkedHashMap<>();
                    }
                    continue;
                }
                int eq = line.indexOf('=');
                current.put(line.substring(0, eq), line.substring(eq + 1));
            }
            if (!current.isEmpty()) {
                vectors.add(new Vector(current));
            }
            return vectors;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Expands a {@code stream_chunks} entry: {@code hex:...} or {@code pattern:N:S} items, comma-separated. */
    public static List<byte[]> chunks(String spec) {
        List<byte[]> chunks = new ArrayList<>();
        for (String item : spec.split(",")) {
            if (item.startsWith("hex:")) {
                chunks.add(HexFormat.of().parseHex(item.substring(4)));
            } else if (item.startsWith("pattern:")) {
                String[] parts = item.split(":");
                chunks.add(pattern(Integer.parseInt(parts[1]), Integer.parseInt(parts[2])));
            } else {
                throw new IllegalArgumentException("bad chunk spec " + item);
            }
        }
        return chunks;
    }

    /** The generator's deterministic filler: byte i is (i*7+seed) mod 251. */
    public static byte[] pattern(int length, int seed) {
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            out[i] = (byte) ((i * 7L + seed) % 251);
        }
        return out;
    }
}
