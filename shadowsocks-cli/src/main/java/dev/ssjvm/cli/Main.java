package dev.ssjvm.cli;

import dev.ssjvm.cli.config.ConfigException;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Arrays;
import picocli.CommandLine;

/**
 * Entry point of the runnable jar: {@code java -jar ssjvm.jar ssserver|ssmanager|sslocal|ssurl [options]}. The
 * launchers in {@code bin/} call it. Errors the user can fix are one line and a non-zero exit: 2 for
 * bad flags or config, 1 when the service cannot start.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        LeakDetection.offUnlessConfigured();
        int code = run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        System.exit(code);
    }

    /** Runs a command; returns the exit code. Long-running commands return when stopped. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        if (args.length == 0) {
            err.println("usage: ssjvm.jar <ssserver|ssmanager|sslocal|ssurl> [options]   (each takes --help)");
            return 2;
        }
        String name = args[0];
        if (name.equals("completion")) {
            return Completion.run(Arrays.asList(args).subList(1, args.length), out, err);
        }
        Object command;
        switch (name) {
            case "ssserver" -> command = new ServerCommand(Arrays.asList(args), err);
            case "ssmanager" -> command = new ManagerCommand();
            case "sslocal" -> command = new LocalCommand();
            case "ssurl" -> command = new UrlCommand();
            default -> {
                err.println("unknown command '" + name + "'; expected ssserver, ssmanager, sslocal or ssurl");
                return 2;
            }
        }
        CommandLine cli = new CommandLine(command);
        HelpLayout.install(cli, name);
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler((ex, arguments) -> {
            err.println(name + ": " + ex.getMessage() + " (see " + name + " --help)");
            return 2;
        });
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof ConfigException || ex instanceof IllegalArgumentException) {
                err.println(name + ": " + ex.getMessage());
                return 2;
            }
            if (ex instanceof IOException) {
                err.println(name + ": " + ex.getMessage());
                return 1;
            }
            err.println(name + ": unexpected error: " + ex);
            ex.printStackTrace(err);
            return 1;
        });
        return cli.execute(Arrays.copyOfRange(args, 1, args.length));
    }
}
