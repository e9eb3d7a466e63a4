package dev.ssjvm.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** Log levels from the {@code -v} count: info by default, connection events with -v, everything with -vv. */
final class Logging {
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
}
