package dev.ssjvm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.rolling.helper.CompressionMode;
import ch.qos.logback.core.util.FileSize;
import dev.ssjvm.cli.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** {@code --log-file}: lines go to a file, rolled as documented. */
class LoggingTest {
    private static final org.slf4j.Logger LOG = LoggerFactory.getLogger("dev.ssjvm.cli.LoggingTest");

    @TempDir
    Path dir;

    private final Logger root = ((LoggerContext) LoggerFactory.getILoggerFactory())
            .getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final List<Appender<ILoggingEvent>> before = new ArrayList<>();

    @BeforeEach
    void rememberAppenders() {
        root.iteratorForAppenders().forEachRemaining(before::add);
    }

    /** Puts back the appenders of the test configuration. */
    @AfterEach
    void restoreAppenders() {
        Appender<ILoggingEvent> file = root.getAppender(Logging.FILE_APPENDER);
        if (file != null) {
            root.detachAppender(file);
            file.stop();
        }
        for (Appender<ILoggingEvent> a : before) {
            if (root.getAppender(a.getName()) == null) {
                root.addAppender(a);
            }
        }
    }

    @Test
    void linesGoToTheLogFile() throws Exception {
        Path file = dir.resolve("logs").resolve("ssserver.log"); // a missing directory is made
        Logging.configure(0, file);
        String marker = "through the log file " + UUID.randomUUID();
        LOG.info(marker);
        LOG.debug("not at the default level");

        assertThat(root.getAppender(Logging.FILE_APPENDER)).isNotNull();
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).anySatisfy(l -> assertThat(l).endsWith("INFO  " + marker)
                .matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  .*"));
        assertThat(lines).noneMatch(l -> l.contains("not at the default level"));
    }

    @Test
    void aSecondLogFileReplacesTheFirst() throws Exception {
        Path first = dir.resolve("first.log");
        Path second = dir.resolve("second.log");
        Logging.configure(0, first);
        Logging.configure(0, second);
        LOG.info("to the second");
        assertThat(Files.readString(second)).contains("to the second");
        assertThat(Files.readString(first)).doesNotContain("to the second");
        assertThat(countAppenders(Logging.FILE_APPENDER)).isEqualTo(1);
    }

    @Test
    void rotationIsConfiguredAsDocumented() throws Exception {
        Path file = dir.resolve("sslocal.log");
        RollingFileAppender<ILoggingEvent> appender = Logging.toFile(file, Logging.MAX_FILE_SIZE);
        assertThat(appender.getFile()).isEqualTo(file.toString());
        assertThat(appender.getRollingPolicy()).isInstanceOf(SizeAndTimeBasedRollingPolicy.class);
        SizeAndTimeBasedRollingPolicy<?> policy = (SizeAndTimeBasedRollingPolicy<?>) appender.getRollingPolicy();
        assertThat(policy.getFileNamePattern()).isEqualTo(file + ".%d{yyyy-MM-dd}.%i.gz");
        assertThat(policy.getCompressionMode()).isEqualTo(CompressionMode.GZ);
        assertThat(policy.getMaxHistory()).isEqualTo(7);
        assertThat(Logging.MAX_FILE_SIZE.getSize()).isEqualTo(10L * 1024 * 1024);
        assertThat(Logging.TOTAL_SIZE_CAP.getSize()).isEqualTo(100L * 1024 * 1024);
    }

    @Test
    void aFullFileIsRolledAndGzipped() throws Exception {
        Path file = dir.resolve("ssserver.log");
        Logging.toFile(file, new FileSize(4096));
        String line = "x".repeat(100);
        for (int i = 0; i < 100; i++) {
            LOG.info("line {} {}", i, line);
        }
        // the first rolled file, named by its day (the one logback counts the period from) and index 0
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Path rolled = firstRolled();
        while (!(rolled != null && gunzipped(rolled).contains("line 0 ")) && System.nanoTime() < deadline) {
            Thread.sleep(50); // compression runs on a thread of its own
            rolled = firstRolled();
        }
        assertThat(rolled).as("a rolled file in %s", listing()).isNotNull();
        assertThat(rolled.getFileName().toString()).matches("ssserver\\.log\\.\\d{4}-\\d\\d-\\d\\d\\.0\\.gz");
        assertThat(gunzipped(rolled)).contains("INFO  line 0 " + line);
        assertThat(Files.size(file)).as("the live file starts again").isLessThan(4096 + 200);
        assertThat(Files.readString(file)).contains("line 99 ");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .allMatch(n -> n.equals("ssserver.log") || n.matches("ssserver\\.log\\.\\d{4}-\\d\\d-\\d\\d\\.\\d+(\\.gz)?(\\d+\\.tmp)?"));
        }
    }

    @Test
    void aLogFileThatCannotBeWrittenIsAnErrorAndLoggingStaysAsItWas() throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("plain-file"), "");
        Path file = notADirectory.resolve("ssserver.log");
        assertThatThrownBy(() -> Logging.configure(0, file))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("log file " + file + ": cannot write");
        assertThat(root.getAppender(Logging.FILE_APPENDER)).isNull();
        List<Appender<ILoggingEvent>> now = new ArrayList<>();
        root.iteratorForAppenders().forEachRemaining(now::add);
        assertThat(now).containsExactlyElementsOf(before);
    }

    private int countAppenders(String name) {
        int n = 0;
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            n += it.next().getName().equals(name) ? 1 : 0;
        }
        return n;
    }

    private Path firstRolled() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().matches("ssserver\\.log\\..*\\.0\\.gz")).findFirst()
                    .orElse(null);
        }
    }

    private String listing() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName() + " (" + p.toFile().length() + " bytes)").toList().toString();
        }
    }

    private static String gunzipped(Path file) {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException incompleteOrMissing) {
            return "";
        }
    }
}
