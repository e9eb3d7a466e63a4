package dev.ssjvm.cli;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the server as a detached process, for libev's ss-manager. ss-manager starts each port's server
 * with {@code system("<exe> --manager-address ADDR -f PIDFILE -c CONFIG ...")} and waits for that
 * command to return, because libev's ss-server daemonizes when given {@code -f}; it later stops the
 * server by the pid in that file. A JVM cannot fork, so this process starts a second JVM with the same
 * arguments, waits until that one is up (its pid in the pid file) or has failed, and exits with its
 * outcome. The second one keeps this process's output, so its log goes where ss-manager's goes.
 */
final class Detach {
    /** Set in the environment of the detached JVM, so that it runs the server instead of detaching again. */
    static final String CHILD_ENV = "SSJVM_DETACHED";
    private static final long START_TIMEOUT_SECONDS = 120;

    private Detach() {}

    /** Whether this JVM is the detached server. */
    static boolean isChild() {
        return "1".equals(System.getenv(CHILD_ENV));
    }

    /**
     * Starts the detached server and waits for it.
     *
     * @param args the whole command line of the jar (command name first)
     * @return 0 once the server is up; otherwise its exit code (1 if it did not come up in time)
     */
    static int launch(List<String> args, Path pidFile, java.io.PrintWriter err) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Main.class.getName());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().put(CHILD_ENV, "1");
        Process child = builder.start();
        String pid = Long.toString(child.pid());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
        while (System.nanoTime() < deadline) {
            if (child.waitFor(50, TimeUnit.MILLISECONDS)) {
                return child.exitValue();
            }
            if (pid.equals(readPid(pidFile))) {
                return 0;
            }
        }
        err.println(args.get(0) + ": the detached server (pid " + pid + ") did not start within "
                + START_TIMEOUT_SECONDS + " s; stopping it");
        child.destroy();
        return 1;
    }

    private static String readPid(Path pidFile) {
        try {
            return Files.readString(pidFile).trim();
        } catch (IOException notYet) {
            return null;
        }
    }
}
