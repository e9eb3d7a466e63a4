package dev.ssjvm.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ssjvm.cli.config.ConfigException;
import dev.ssjvm.cli.config.LocalConfigLoader;
import dev.ssjvm.cli.config.LocalOptions;
import dev.ssjvm.core.protocol.SaltPrefix;
import dev.ssjvm.core.url.ShadowsocksUrl;
import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.crypto.Sip022Keys;
import dev.ssjvm.service.config.ServerEndpoint;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "ssurl", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Converts between config files and SIP002 ss:// URLs, and makes keys.",
        subcommands = UrlCommand.GenKey.class)
final class UrlCommand implements Callable<Integer> {
    /** {@code ssurl genkey -m METHOD}: a fresh random key of the right size for a 2022 method. */
    @Command(name = "genkey", mixinStandardHelpOptions = true,
            description = "Print a fresh base64 key (PSK) of the right size for a 2022 method.")
    static final class GenKey implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = {"-m", "--method"}, required = true, paramLabel = "METHOD", description = "A 2022 method.")
        String method;

        @Override
        public Integer call() throws ConfigException {
            CipherKind kind;
            try {
                kind = CipherKind.of(method);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(e.getMessage());
            }
            if (kind.family() != CipherKind.Family.AEAD_2022) {
                throw new ConfigException(kind + " takes a password, not a key; genkey is for the 2022 methods");
            }
            spec.commandLine().getOut().println(Sip022Keys.generatePsk(kind));
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Action action;

    static final class Action {
        @Option(names = {"-e", "--encode"}, paramLabel = "CONFIG", description = "Print the ss:// URL of each server in a config file.")
        Path encode;

        @Option(names = {"-d", "--decode"}, paramLabel = "URL", description = "Print an ss:// URL as a config file.")
        String decode;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (action == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "give -e CONFIG, -d URL, or the genkey command");
        }
        if (action.encode != null) {
            LocalOptions options = new LocalOptions();
            options.common.config = action.encode;
            for (ServerEndpoint s : LocalConfigLoader.load(options, warning -> { }).servers()) {
                out.println(new ShadowsocksUrl(s.method(), s.password(), s.host(), s.port(), s.plugin(),
                        s.pluginOptions(), s.remarks(), s.prefix()).toUri());
            }
        } else {
            ShadowsocksUrl url;
            try {
                url = ShadowsocksUrl.parse(action.decode);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(e.getMessage());
            }
            ObjectMapper json = new ObjectMapper();
            ObjectNode node = json.createObjectNode()
                    .put("server", url.host())
                    .put("server_port", url.port())
                    .put("password", url.password())
                    .put("method", url.method().methodName());
            if (url.plugin() != null) {
                node.put("plugin", url.plugin());
                if (url.pluginOptions() != null) {
                    node.put("plugin_opts", url.pluginOptions());
                }
            }
            if (url.tag() != null) {
                node.put("remarks", url.tag());
            }
            if (url.prefix() != null) {
                node.put("prefix", SaltPrefix.toText(url.prefix()));
            }
            out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(node));
        }
        out.flush();
        return 0;
    }
}
