package dev.ssjvm.service.testing;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A logback appender (wired in logback-test.xml) that keeps every report of Netty's resource leak
 * detector, so tests can fail on them instead of leaving them in a log nobody reads.
 */
public final class LeakReports extends AppenderBase<ILoggingEvent> {
    private static final List<String> REPORTS = new CopyOnWriteArrayList<>();

    @Override
    protected void append(ILoggingEvent event) {
        if (event.getFormattedMessage().contains("LEAK:")) {
            REPORTS.add(event.getFormattedMessage());
        }
    }

    public static List<String> reports() {
        return List.copyOf(REPORTS);
    }

    public static void clear() {
        REPORTS.clear();
    }
}
