package dev.ssjvm.cli;

import java.io.PrintWriter;
import java.io.Writer;
import java.util.List;
import picocli.AutoComplete;
import picocli.CommandLine;

/**
 * Shell completion generated from the command definitions (picocli's {@link AutoComplete}), so it
 * always has the flags the commands have: {@code java -jar ssjvm.jar completion bash [COMMAND]}. The
 * .deb's build runs it for each command (prepare-package) and installs the output in
 * /usr/share/bash-completion/completions.
 */
final class Completion {
    static final List<String> COMMANDS = List.of("ssserver", "ssmanager", "sslocal", "ssurl");

    private Completion() {}

    /** The bash completion script of one command. */
    static String bash(String command) {
        Object definition = switch (command) {
            case "ssserver" -> new ServerCommand(List.of(command), new PrintWriter(Writer.nullWriter()));
            case "ssmanager" -> new ManagerCommand();
            case "sslocal" -> new LocalCommand();
            case "ssurl" -> new UrlCommand();
            default -> throw new IllegalArgumentException("no command " + command);
        };
        return AutoComplete.bash(command, new CommandLine(definition));
    }

    /** {@code completion bash [COMMAND]}: the script of one command, or of all of them. */
    static int run(List<String> args, PrintWriter out, PrintWriter err) {
        if (args.isEmpty() || !args.get(0).equals("bash") || args.size() > 2
                || (args.size() == 2 && !COMMANDS.contains(args.get(1)))) {
            err.println("usage: ssjvm.jar completion bash [" + String.join("|", COMMANDS) + "]   (only bash for now)");
            return 2;
        }
        for (String command : args.size() == 2 ? List.of(args.get(1)) : COMMANDS) {
            out.print(bash(command));
        }
        out.flush();
        return 0;
    }
}
