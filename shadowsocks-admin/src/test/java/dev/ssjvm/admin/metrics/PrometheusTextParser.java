package dev.ssjvm.admin.metrics;

import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.ssjvm.service.testing.ExternalPeer;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The Prometheus text format as an independent implementation reads it: Debian's
 * {@code python3-prometheus-client} ({@code prometheus_client.parser.text_string_to_metric_families}),
 * run with {@code /usr/bin/python3} on {@code parse_metrics.py}. A missing interpreter or library
 * skips the test, or fails it under {@code SSJVM_REQUIRE_PEERS=1}, as every other peer does.
 */
final class PrometheusTextParser {
    private static final String PYTHON = "/usr/bin/python3";
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    /** One sample: its full name ({@code x_total}, {@code x_bucket}, ...), labels and value. */
    record Sample(String name, Map<String, String> labels, double value) {}

    /** One metric family as the parser groups it (a counter's name without {@code _total}). */
    record MetricFamily(String name, String type, String help, List<Sample> samples) {

        /** The value of the one sample with this name and exactly these labels. */
        double value(String sampleName, String... labels) {
            Map<String, String> wanted = labels(labels);
            List<Sample> found = samples.stream()
                    .filter(s -> s.name.equals(sampleName) && s.labels.equals(wanted)).toList();
            if (found.size() != 1) {
                fail("expected one sample " + sampleName + wanted + " in " + name + ", found " + found.size()
                        + "; the family has " + samples);
            }
            return found.get(0).value;
        }

        List<Sample> samples(String sampleName) {
            return samples.stream().filter(s -> s.name.equals(sampleName)).toList();
        }
    }

    private PrometheusTextParser() {}

    static Map<String, String> labels(String... pairs) {
        Map<String, String> out = new TreeMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            out.put(pairs[i], pairs[i + 1]);
        }
        return out;
    }

    /** The families of an exposition, by name, in the parser's order. */
    static Map<String, MetricFamily> parse(String exposition) throws IOException, InterruptedException {
        requireParser();
        Path input = Files.createTempFile("scrape", ".prom");
        Path errors = Files.createTempFile("scrape", ".err");
        try {
            Files.writeString(input, exposition, StandardCharsets.UTF_8);
            Process p = new ProcessBuilder(PYTHON, script().toString(), input.toString())
                    .redirectError(errors.toFile()).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("the Python parser did not finish");
            }
            String err = Files.readString(errors);
            if (p.exitValue() != 0) {
                fail("the Python parser refused the exposition:\n" + err + "\n--- exposition:\n" + exposition);
            }
            Map<String, MetricFamily> families = new LinkedHashMap<>();
            for (JsonNode f : JSON.readTree(out)) {
                List<Sample> samples = new ArrayList<>();
                for (JsonNode s : f.get("samples")) {
                    Map<String, String> labels = new TreeMap<>();
                    for (Map.Entry<String, JsonNode> label : s.get("labels").properties()) {
                        labels.put(label.getKey(), label.getValue().asText());
                    }
                    JsonNode v = s.get("value");
                    double value = v.isNumber() ? v.asDouble() : switch (v.asText()) {
                        case "+Inf" -> Double.POSITIVE_INFINITY;
                        case "-Inf" -> Double.NEGATIVE_INFINITY;
                        default -> Double.NaN;
                    };
                    samples.add(new Sample(s.get("name").asText(), labels, value));
                }
                MetricFamily family = new MetricFamily(f.get("name").asText(), f.get("type").asText(),
                        f.get("help").asText(), samples);
                if (families.put(family.name(), family) != null) {
                    fail("the family " + family.name() + " appears twice in the exposition");
                }
            }
            return families;
        } finally {
            Files.deleteIfExists(input);
            Files.deleteIfExists(errors);
        }
    }

    private static void requireParser() throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of(PYTHON))) {
            ExternalPeer.missing(PYTHON + " is not installed (apt-get install python3; see .ci/run)");
        }
        Process check = new ProcessBuilder(PYTHON, "-c", "import prometheus_client.parser")
                .redirectErrorStream(true).start();
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!check.waitFor(30, TimeUnit.SECONDS) || check.exitValue() != 0) {
            ExternalPeer.missing("python3-prometheus-client is not installed for " + PYTHON
                    + " (apt-get install python3-prometheus-client; see .ci/run): " + output.strip());
        }
    }

    private static Path script() {
        try {
            return Path.of(Objects.requireNonNull(PrometheusTextParser.class.getResource("parse_metrics.py"),
                    "parse_metrics.py is not on the test classpath").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
