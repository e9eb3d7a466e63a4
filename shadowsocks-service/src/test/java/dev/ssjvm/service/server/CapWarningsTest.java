package dev.ssjvm.service.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.ssjvm.service.limits.Refusal;
import dev.ssjvm.service.testing.Await;
import io.netty.channel.DefaultEventLoop;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class CapWarningsTest {
    private static final Pattern COUNT = Pattern.compile("^(\\d+) connection\\(s\\) reset by (\\S+)");

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(CapWarnings.class);
    private final DefaultEventLoop loop = new DefaultEventLoop();

    @BeforeEach
    void listen() {
        log.start();
        logger.addAppender(log);
    }

    @AfterEach
    void stop() throws Exception {
        logger.detachAppender(log);
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    @Test
    void aBurstIsCountedWholeInTwoLinesEvenWhenItStopsAfterTheFirst() throws Exception {
        CapWarnings warnings = new CapWarnings(TimeUnit.MILLISECONDS.toNanos(300));
        for (int i = 0; i < 250; i++) {
            warnings.refused(Refusal.HANDSHAKES_PER_IP, 8388, loop);
        }
        warnings.refused(Refusal.PRE_AUTH_BYTES, 8388, loop);
        // the burst's first connection makes the first line; the other 249 come with the look one interval later
        Await.until(() -> counted("max_handshakes_per_ip") == 250, "the whole burst is counted in the log");
        Thread.sleep(1000); // a few intervals more: nothing is counted twice, no line without refusals
        assertEquals(250, counted("max_handshakes_per_ip"));
        assertEquals(2, lines("max_handshakes_per_ip").size(), lines("max_handshakes_per_ip").toString());
        assertEquals(1, counted("the"), "the pre-auth budget's own line");
    }

    @Test
    void refusalsWithinTheIntervalMakeNoLineOfTheirOwn() {
        CapWarnings warnings = new CapWarnings(TimeUnit.SECONDS.toNanos(60));
        for (int i = 0; i < 100; i++) {
            warnings.refused(Refusal.HANDSHAKES, 8388, loop);
        }
        List<String> lines = lines("max_handshakes");
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith("1 connection(s)"), lines.get(0));
    }

    private List<String> lines(String cap) {
        return List.copyOf(log.list).stream().map(ILoggingEvent::getFormattedMessage)
                .filter(m -> {
                    Matcher m2 = COUNT.matcher(m);
                    return m2.find() && m2.group(2).equals(cap);
                }).toList();
    }

    private long counted(String cap) {
        return lines(cap).stream().mapToLong(m -> {
            Matcher m2 = COUNT.matcher(m);
            m2.find();
            return Long.parseLong(m2.group(1));
        }).sum();
    }
}
