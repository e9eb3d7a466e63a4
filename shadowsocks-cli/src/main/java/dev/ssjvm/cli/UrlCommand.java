package dev.ssjvm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ssjvm.cli.config.ConfigException;
import dev.ssjvm.cli.config.LocalConfigLoader;
import dev.ssjvm.cli.config.LocalOptions;
import dev.ssjvm.cli.config.ServerConfigLoader;
import dev.ssjvm.cli.config.ServerOptions;
import dev.ssjvm.core.protocol.SaltPrefix;
import dev.ssjvm.core.protocol.UserKey;
import dev.ssjvm.core.url.ShadowsocksUrl;
import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.crypto.Sip022Keys;
import dev.ssjvm.service.config.PortSettings;
import dev.ssjvm.service.config.ServerEndpoint;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

        @Option(names = "--sip008", paramLabel = "CONFIG",
                description = "Print the servers of a config file as a SIP008 online config document.")
        Path sip008;
    }

    @Option(names = "--port", paramLabel = "PORT", description = "With -e or --sip008: only the server on this port.")
    Integer port;

    @Option(names = "--public-host", paramLabel = "HOST",
            description = "With -e or --sip008: the address clients use, in place of the config's server address.")
    String publicHost;

    @Option(names = "--user", paramLabel = "NAME",
            description = "With -e or --sip008 on a server config with multi-user (2022) ports: only this user.")
    String user;

    @Option(names = "--qr", description = "Also print each URL as a QR code (for a phone's camera).")
    boolean qr;

    @Option(names = "--qr-png", paramLabel = "FILE", description = "Write the URL's QR code to this PNG file (one URL only).")
    Path qrPng;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (action == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "give -e CONFIG, -d URL, --sip008 CONFIG, or the genkey command");
        }
        if (action.encode != null) {
            List<ShadowsocksUrl> urls = urls(action.encode);
            if (qrPng != null && urls.size() != 1) {
                throw new ConfigException("--qr-png takes one URL, and " + action.encode + " has " + urls.size()
                        + " servers; pick one with --port");
            }
            for (ShadowsocksUrl url : urls) {
                show(out, url.toUri());
            }
        } else if (action.sip008 != null) {
            out.println(Sip008.document(urls(action.sip008)));
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
            codes(out, url.toUri());
        }
        out.flush();
        return 0;
    }

    /**
     * The servers of a config file as URLs, narrowed by --port (and --user), with --public-host in place
     * of their address. A file with users or port_password (or --user) is read as ssserver reads it, one
     * URL per user of a multi-user port; any other as sslocal reads it.
     */
    private List<ShadowsocksUrl> urls(Path config) throws ConfigException {
        List<ShadowsocksUrl> urls = new ArrayList<>();
        if (user != null || isServerConfig(config)) {
            ServerOptions options = new ServerOptions();
            options.common.config = config;
            for (PortSettings p : ServerConfigLoader.load(options, notice -> { }).server().ports()) {
                if (port != null && p.port() != port) {
                    continue;
                }
                String host = publicHost == null ? p.hosts().get(0) : publicHost;
                if (p.users().isEmpty() && user == null) {
                    urls.add(new ShadowsocksUrl(p.method(), p.password(), host, p.port(), null, null, p.remarks()));
                }
                for (UserKey u : p.users()) {
                    if (user == null || user.equals(u.name())) {
                        // SIP023: a user connects with iPSK:uPSK as its password
                        urls.add(new ShadowsocksUrl(p.method(), p.password() + ":" + u.key(), host, p.port(), null,
                                null, u.name()));
                    }
                }
            }
        } else {
            LocalOptions options = new LocalOptions();
            options.common.config = config;
            for (ServerEndpoint s : LocalConfigLoader.load(options, warning -> { }).servers()) {
                if (port == null || s.port() == port) {
                    urls.add(new ShadowsocksUrl(s.method(), s.password(), publicHost == null ? s.host() : publicHost,
                            s.port(), s.plugin(), s.pluginOptions(), s.remarks(), s.prefix()));
                }
            }
        }
        if (urls.isEmpty()) {
            throw new ConfigException(config + ": no server" + (port == null ? "" : " on port " + port)
                    + (user == null ? "" : " with a user named '" + user + "'"));
        }
        return urls;
    }

    /** Only ssserver's files have users or port_password. */
    private static boolean isServerConfig(Path config) throws ConfigException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(config.toFile());
        } catch (IOException e) {
            // the loader reads it again and says what is wrong, naming the file
            return false;
        }
        if (root == null || !root.isObject()) {
            return false;
        }
        if (root.has("users") || root.has("port_password")) {
            return true;
        }
        for (JsonNode entry : root.path("servers")) {
            if (entry.has("users")) {
                return true;
            }
        }
        return false;
    }

    /** One URL, with its QR code in the terminal (--qr) and as a PNG (--qr-png). */
    private void show(PrintWriter out, String url) throws IOException {
        out.println(url);
        codes(out, url);
    }

    private void codes(PrintWriter out, String url) throws IOException {
        if (qr) {
            out.print(QrCodes.terminal(url));
        }
        if (qrPng != null) {
            QrCodes.writePng(url, qrPng);
            out.println("QR code written to " + qrPng);
        }
    }
}
