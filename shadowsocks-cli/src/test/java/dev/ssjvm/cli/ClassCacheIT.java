package dev.ssjvm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launchers' class cache (bin/_classcache), through {@code bin/ssserver --version} with
 * SSJVM_CACHE_DIR pointing into a temporary directory: the first run starts a training that leaves one
 * cache file, the second run loads our classes from it, a corrupt cache or one for a changed jar does
 * no harm (the latter is trained again and replaces the old file), and an unwritable cache directory or
 * SSJVM_CLASS_CACHE=off just means no cache.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class ClassCacheIT {
    private static final Path ROOT = Path.of(System.getProperty("ssjvm.root", "..")).toAbsolutePath().normalize();
    private static final Path JAR = ROOT.resolve("shadowsocks-cli/target/ssjvm.jar");

    @TempDir
    Path dir;

    @Test
    void builtOnFirstUseUsedTheSecondTimeAndHarmlessWhenBroken() throws Exception {
        Path cache = dir.resolve("cache");
        Map<String, String> env = Map.of("SSJVM_CACHE_DIR", cache.toString());

        assertThat(version(env)).as("the first run works while the training starts").isZero();
        Path file = awaitCache(cache);

        Path classLog = dir.resolve("classes.log");
        assertThat(version(Map.of("SSJVM_CACHE_DIR", cache.toString(),
                "JAVA_TOOL_OPTIONS", "-Xlog:class+load=info:file=" + classLog))).isZero();
        assertThat(Files.readAllLines(classLog)).as("our classes come from the cache")
                .anyMatch(l -> l.contains(" dev.ssjvm.cli.Main ") && l.contains("shared objects file"));

        Files.write(file, new byte[] {'n', 'o', 't', ' ', 'a', ' ', 'c', 'a', 'c', 'h', 'e'});
        Run corrupt = run(env);
        assertThat(corrupt.code()).as(corrupt.output()).isZero();
        assertThat(corrupt.output()).as("a corrupt cache is ignored silently").doesNotContainIgnoringCase("warning")
                .doesNotContainIgnoringCase("error").contains("Shadowsocks for the JVM");

        // the jar changes (here only its time): the old cache no longer matches, a new one replaces it
        FileTime built = Files.getLastModifiedTime(JAR);
        try {
            Files.setLastModifiedTime(JAR, FileTime.fromMillis(built.toMillis() + 2000));
            assertThat(version(env)).isZero();
            Path rebuilt = awaitCache(cache);
            assertThat(rebuilt).isNotEqualTo(file);
            assertThat(file).as("the stale cache is gone").doesNotExist();
        } finally {
            Files.setLastModifiedTime(JAR, built);
        }
    }

    @Test
    void anUnwritableCacheDirectoryOrTurningItOffMeansNoCache() throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("file"), "x");
        Run unwritable = run(Map.of("SSJVM_CACHE_DIR", notADirectory.resolve("cache").toString()));
        assertThat(unwritable.code()).as(unwritable.output()).isZero();
        assertThat(unwritable.output()).contains("Shadowsocks for the JVM");

        Path cache = dir.resolve("off");
        Run off = run(Map.of("SSJVM_CACHE_DIR", cache.toString(), "SSJVM_CLASS_CACHE", "off"));
        assertThat(off.code()).as(off.output()).isZero();
        Thread.sleep(3000); // a training would have made the directory by now
        assertThat(cache).doesNotExist();
    }

    /** Waits for the training to finish; returns the one cache file it left. */
    private static Path awaitCache(Path cache) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (System.nanoTime() < deadline) {
            List<Path> files = list(cache);
            boolean training = files.stream().anyMatch(p -> p.toString().endsWith(".lock"));
            List<Path> caches = files.stream().filter(p -> p.toString().matches(".*\\.(jsa|aot)")).toList();
            if (!training && !caches.isEmpty()) {
                assertThat(caches).as("one cache for this jar and JVM").hasSize(1);
                assertThat(files).as("no training left anything else behind").isEqualTo(caches);
                return caches.get(0);
            }
            assertThat(files).as("the training failed").noneMatch(p -> p.toString().endsWith(".failed"));
            Thread.sleep(200);
        }
        throw new AssertionError("no cache in " + cache + ": " + list(cache));
    }

    private static List<Path> list(Path cache) throws IOException {
        if (!Files.isDirectory(cache)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(cache)) {
            return s.sorted().toList();
        }
    }

    private int version(Map<String, String> env) throws IOException, InterruptedException {
        Run r = run(env);
        assertThat(r.output()).as("exit " + r.code()).contains("Shadowsocks for the JVM");
        return r.code();
    }

    private record Run(int code, String output) {}

    private Run run(Map<String, String> env) throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "out", ".txt");
        ProcessBuilder pb = new ProcessBuilder(ROOT.resolve("bin/ssserver").toString(), "--version")
                .redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().put("SSJVM_CLASS_CACHE", "on"); // the build turns it off for the other ITs
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("bin/ssserver --version did not end: " + Files.readString(out));
        }
        String output = Files.readString(out).replaceAll("Picked up JAVA_TOOL_OPTIONS: .*\n", "");
        return new Run(p.exitValue(), output);
    }
}
