package dev.ssjvm.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.status.Status;
import ch.qos.logback.core.util.FileSize;
import dev.ssjvm.cli.config.ConfigException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/**
 * Where log lines go and how many there are. Levels come from the {@code -v} count: info by default,
 * connection events with -v, everything with -vv. Lines go to stderr (the {@code STDERR} appender of
 * {@link LogConfigurator}), or with {@code --log-file} / {@code log_file} to a file instead, rolled daily
 * and whenever it reaches {@link #MAX_FILE_SIZE}, the rolled files gzipped and kept for
 * {@link #MAX_HISTORY} days and {@link #TOTAL_SIZE_CAP} at most.
 */
final class Logging {
    /** A log file is rolled when it reaches this size (and at midnight). */
    static final FileSize MAX_FILE_SIZE = FileSize.valueOf("10MB");
    /** Rolled files are kept for this many days... */
    static final int MAX_HISTORY = 7;
    /** ...and the oldest go first once they add up to more than this. */
    static final FileSize TOTAL_SIZE_CAP = FileSize.valueOf("100MB");
    /** Rolled files: {@code <file>.<day>.<n>.gz}, n counting from 0 within a day. */
    static final String ROLLED_SUFFIX = ".%d{yyyy-MM-dd}.%i.gz";
    static final String PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level %msg%n";
    /** The appender of {@link LogConfigurator} that a log file replaces. */
    static final String STDERR_APPENDER = "STDERR";
    static final String FILE_APPENDER = "FILE";

    private Logging() {}

    static void configure(int verbosity) {
        Logger ours = (Logger) LoggerFactory.getLogger("dev.ssjvm");
        Logger netty = (Logger) LoggerFactory.getLogger("io.netty");
        if (verbosity >= 2) {
            ours.setLevel(Level.TRACE);
            netty.setLevel(Level.DEBUG);
        } else if (verbosity == 1) {
            ours.setLevel(Level.DEBUG);
        } else {
            ours.setLevel(Level.INFO);
        }
    }

    /**
     * Sets the levels and, when {@code logFile} is given, sends every line there instead of stderr.
     *
     * @throws ConfigException when the log file cannot be opened for writing; logging is unchanged then
     */
    static void configure(int verbosity, Path logFile) throws ConfigException {
        if (logFile != null) {
            toFile(logFile, MAX_FILE_SIZE);
        }
        configure(verbosity);
    }

    /**
     * Replaces stderr (and any earlier log file) with a rolling log file.
     *
     * @param maxFileSize the size at which the file is rolled; {@link #MAX_FILE_SIZE} but in tests
     * @return the appender now attached to the root logger
     */
    static RollingFileAppender<ILoggingEvent> toFile(Path logFile, FileSize maxFileSize) throws ConfigException {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        long since = System.currentTimeMillis();

        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();

        RollingFileAppender<ILoggingEvent> appender = new RollingFileAppender<>();
        appender.setContext(context);
        appender.setName(FILE_APPENDER);
        appender.setFile(logFile.toString());
        appender.setEncoder(encoder);

        SizeAndTimeBasedRollingPolicy<ILoggingEvent> policy = new SizeAndTimeBasedRollingPolicy<>();
        policy.setContext(context);
        policy.setParent(appender);
        policy.setFileNamePattern(logFile + ROLLED_SUFFIX);
        policy.setMaxFileSize(maxFileSize);
        policy.setMaxHistory(MAX_HISTORY);
        policy.setTotalSizeCap(TOTAL_SIZE_CAP);
        policy.start();
        appender.setRollingPolicy(policy);
        appender.start();
        if (!policy.isStarted() || !appender.isStarted()) {
            appender.stop();
            throw new ConfigException("log file " + logFile + ": cannot write" + errorsSince(context, since));
        }

        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        for (String name : List.of(FILE_APPENDER, STDERR_APPENDER)) {
            Appender<ILoggingEvent> old = root.getAppender(name);
            if (old != null) {
                root.detachAppender(old);
                old.stop();
            }
        }
        root.addAppender(appender);
        return appender;
    }

    /** What logback said went wrong, for the one-line error. */
    private static String errorsSince(LoggerContext context, long since) {
        String errors = context.getStatusManager().getCopyOfStatusList().stream()
                .filter(s -> s.getLevel() == Status.ERROR && s.getTimestamp() >= since)
                .map(s -> s.getThrowable() != null && s.getThrowable().getMessage() != null
                        ? s.getThrowable().getMessage() : s.getMessage())
                .distinct()
                .collect(Collectors.joining("; "));
        return errors.isEmpty() ? "" : ": " + errors;
    }
}
