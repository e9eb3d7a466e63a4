package dev.ssjvm.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * What {@code --help} looks like: a one-line synopsis, the options in named groups (Server,
 * Listening, Network, Operating, Logging) instead of one alphabetical list, and examples at the end.
 * The groups are lists of flag names here, not annotations on the options, so the options classes
 * stay as they are; a flag in no group is shown under "Other options", never dropped.
 */
final class HelpLayout {
    private static final List<String> HELP = List.of("--help", "--version");

    private HelpLayout() {}

    /** The groups of a command, heading to flag names (any of an option's names). */
    static Map<String, List<String>> groups(String command) {
        Map<String, List<String>> g = new LinkedHashMap<>();
        switch (command) {
            case "ssserver", "ssmanager" -> {
                g.put("Server", List.of("-c", "--test-config", "--server-addr", "--server-port", "--password",
                        "--encrypt-method", "-u", "-U", "--plugin", "--plugin-opts", "--public-host"));
                g.put("Network", List.of("--timeout", "--udp-timeout", "--udp-max-associations",
                        "--handshake-timeout", "--max-handshakes", "--max-handshakes-per-ip", "--nameserver", "-6",
                        "--no-delay", "--fast-open", "--reuse-port",
                        "--outbound-bind-addr", "--forbidden-ip", "--acl"));
                g.put("Operating", List.of("--manager-address", "--api-address", "--api-secret",
                        "--metrics-address", "--state-file", "--drain-timeout", "--pid-file", "--crypto-backend",
                        "--transport", "--workers"));
            }
            case "sslocal" -> {
                g.put("Server", List.of("-c", "--test-config", "--server-url", "--server-addr", "--server-port",
                        "--password", "--encrypt-method", "--plugin", "--plugin-opts", "--online-config-url",
                        "--online-config-update-interval", "--online-config-ca-file"));
                g.put("Listening", List.of("--local-addr", "--local-port", "--protocol", "-L", "--socks-user",
                        "--acl", "--local-dns-addr", "--remote-dns-addr", "-u", "-U"));
                g.put("Network", List.of("--timeout", "--udp-timeout", "--udp-max-associations", "--nameserver",
                        "-6", "--no-delay", "--fast-open", "--reuse-port"));
                g.put("Operating", List.of("--pid-file", "--crypto-backend", "--transport", "--workers"));
            }
            case "ssurl" -> {
                g.put("Converting", List.of("--encode", "--decode", "--sip008", "--port", "--user", "--public-host"));
                g.put("QR codes", List.of("--qr", "--qr-png"));
            }
            default -> { }
        }
        if (!g.isEmpty() && !command.equals("ssurl")) {
            g.put("Logging", List.of("--log-file", "--verbose"));
        }
        g.put("Help", HELP);
        return g;
    }

    /** The examples footer of a command. */
    static String examples(String command) {
        String lines = switch (command) {
            case "ssserver" -> """
                      ssserver -p 8388 -m chacha20-ietf-poly1305 -k 'a long random password'
                      ssserver -p 8388 -m 2022-blake3-aes-256-gcm -k KEY  (KEY: ssurl genkey)
                      ssserver -c /etc/ssjvm/config.json
                      ssserver --test-config -c /etc/ssjvm/config.json  (check, start nothing)
                    """;
            case "ssmanager" -> """
                      ssmanager --manager-address 127.0.0.1:6001 -m chacha20-ietf-poly1305
                      printf 'add: {"server_port": 8389, "password": "pw"}' | nc -u -w1 ::1 6001
                      ssmanager -c ports.json --manager-address /run/ssjvm/manager.sock
                    """;
            case "sslocal" -> """
                      sslocal --server-url 'ss://...' -l 1080   (SOCKS5 and HTTP on port 1080)
                      sslocal -s example.com -p 8388 -m chacha20-ietf-poly1305 -k secret -l 1080
                      sslocal -c local.json -l 2222 -L internal-host:22   (a tunnel)
                      sslocal --test-config -c local.json
                    """;
            case "ssurl" -> """
                      ssurl -e config.json                 (the ss:// URL of each server)
                      ssurl -d 'ss://...' > config.json
                      ssurl genkey -m 2022-blake3-aes-256-gcm
                    """;
            default -> "";
        };
        return lines.isEmpty() ? "" : "%nExamples:%n" + lines.replace("\n", "%n");
    }

    /** Gives a command line (and its subcommands') the short synopsis, the groups and the examples. */
    static void install(CommandLine cli, String command) {
        UsageMessageSpec usage = cli.getCommandSpec().usageMessage();
        usage.abbreviateSynopsis(true);
        usage.footer(examples(command));
        Map<String, List<String>> groups = groups(command);
        cli.getHelpSectionMap().put(UsageMessageSpec.SECTION_KEY_OPTION_LIST_HEADING, help -> "");
        cli.getHelpSectionMap().put(UsageMessageSpec.SECTION_KEY_OPTION_LIST, help -> optionList(help, groups));
    }

    private static String optionList(Help help, Map<String, List<String>> groups) {
        List<OptionSpec> left = new ArrayList<>(help.commandSpec().options().stream().filter(o -> !o.hidden()).toList());
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, List<String>> group : groups.entrySet()) {
            Set<String> names = Set.copyOf(group.getValue());
            List<OptionSpec> in = new ArrayList<>();
            for (String name : group.getValue()) { // in the group's order
                left.stream().filter(o -> named(o, name)).findFirst().ifPresent(o -> {
                    in.add(o);
                    left.remove(o);
                });
            }
            left.removeIf(o -> in.contains(o) || List.of(o.names()).stream().anyMatch(names::contains));
            section(out, help, group.getKey(), in);
        }
        section(out, help, "Other options", left);
        return out.toString();
    }

    private static boolean named(OptionSpec option, String name) {
        for (String n : option.names()) {
            if (n.equals(name) || n.equals(name.replace("--no-", "--"))) {
                return true;
            }
        }
        return option.negatable() && name.startsWith("--no-") && List.of(option.names()).contains("--" + name.substring(5));
    }

    private static void section(StringBuilder out, Help help, String heading, List<OptionSpec> options) {
        if (options.isEmpty()) {
            return;
        }
        Help.Layout layout = help.createDefaultLayout();
        for (OptionSpec option : options) {
            layout.addOption(option, help.createDefaultParamLabelRenderer());
        }
        out.append(String.format("%n%s:%n", heading)).append(layout);
    }
}
