package dev.ssjvm.cli.config;

import dev.ssjvm.core.address.HostAndPort;
import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.service.acl.AclException;
import dev.ssjvm.service.acl.AclFile;
import dev.ssjvm.service.acl.IpRangeSet;
import dev.ssjvm.service.config.Mode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Parsing of values shared by flags and config keys; errors say where the value came from. */
final class Values {
    private Values() {}

    /** Where a value came from, for error messages: a flag or a config key. */
    interface Origin {
        /** @param fix what to do about it (for {@code --test-config}), or null */
        ConfigException problem(String message, String fix);

        default ConfigException problem(String message) {
            return problem(message, null);
        }

        static Origin flag(String flag) {
            return (message, fix) -> new ConfigException("flag " + flag + ": " + message, fix);
        }

        static Origin key(ConfigObject config, String key) {
            return (message, fix) -> config.invalid(key, message, fix);
        }
    }

    static int positive(int value, String flag) throws ConfigException {
        if (value < 1) {
            throw new ConfigException("flag " + flag + ": expected a positive number, got " + value);
        }
        return value;
    }

    static <T> T parse(String text, Origin origin, Function<String, T> parser) throws ConfigException {
        return parse(text, origin, parser, null);
    }

    /** @param fix what to do about a bad value, for {@code --test-config} */
    static <T> T parse(String text, Origin origin, Function<String, T> parser, String fix) throws ConfigException {
        try {
            return parser.apply(text);
        } catch (IllegalArgumentException e) {
            throw origin.problem(e.getMessage(), fix);
        }
    }

    static CipherKind method(String text, Origin origin) throws ConfigException {
        return parse(text, origin, CipherKind::of, "use one of the methods listed (every client speaks "
                + ServerConfigLoader.DEFAULT_METHOD + ")");
    }

    static Mode mode(String text, Origin origin) throws ConfigException {
        return parse(text, origin, Mode::parse, "use tcp_only, tcp_and_udp or udp_only");
    }

    /** What to do when a password or key does not fit its method. */
    static String keyFix(CipherKind method) {
        return method.family() == CipherKind.Family.AEAD_2022
                ? "generate a key that fits with: ssurl genkey -m " + method
                : "give a non-empty password, or change 'method'";
    }

    static IpRangeSet ipRanges(String text, Origin origin) throws ConfigException {
        return parse(text, origin, IpRangeSet::parse);
    }

    /**
     * Reads an ACL file. A relative path in a config file is taken from the config file's directory
     * (so a service started in / finds it), one given as a flag from the working directory.
     *
     * @param configFile the config file the path was read from, or {@code null} for a flag
     */
    static AclFile acl(String path, Origin origin, Path configFile) throws ConfigException {
        Path file = Path.of(path);
        if (configFile != null && !file.isAbsolute() && configFile.getParent() != null) {
            file = configFile.getParent().resolve(file);
        }
        try {
            return AclFile.load(file);
        } catch (AclException e) {
            throw origin.problem(e.getMessage());
        } catch (IOException e) {
            throw origin.problem("cannot read ACL file " + file + ": " + e.getMessage());
        }
    }

    /** Name servers as IP[:port] (default port 53), comma-separated; no DNS is needed to read them. */
    static List<InetSocketAddress> nameServers(List<String> texts, Origin origin) throws ConfigException {
        List<InetSocketAddress> out = new ArrayList<>();
        for (String text : texts) {
            for (String item : text.split(",")) {
                String s = item.trim();
                if (s.isEmpty()) {
                    continue;
                }
                InetSocketAddress address = parse(s, origin, v -> {
                    boolean hasPort = v.startsWith("[") ? v.contains("]:") : v.indexOf(':') == v.lastIndexOf(':') && v.contains(":");
                    return hasPort ? HostAndPort.parse(v) : HostAndPort.of(v, 53);
                });
                if (address.isUnresolved()) {
                    throw origin.problem("name server '" + s + "' must be an IP address");
                }
                out.add(address);
            }
        }
        return out;
    }
}
