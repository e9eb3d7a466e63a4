package dev.ssjvm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ssjvm.crypto.CipherKind;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * {@code ssserver} with no config and no key: a server config of its own, made once under the user's
 * config directory ({@code $XDG_CONFIG_HOME/ssjvm/ssserver.json}, else {@code ~/.config/ssjvm/}), mode
 * 0600, with a fresh random password, port 8388 and chacha20-ietf-poly1305 (the method every
 * mainstream client speaks); later starts reuse it. Also finds the address to put in the printed URL.
 */
final class FirstRun {
    static final int DEFAULT_PORT = 8388;
    static final CipherKind METHOD = CipherKind.CHACHA20_IETF_POLY1305;
    static final String FILE_NAME = "ssserver.json";
    /** 24 random bytes: 192 bits, far past guessing, and 32 characters that any client accepts. */
    private static final int PASSWORD_BYTES = 24;
    private static final ObjectMapper JSON = new ObjectMapper();

    private FirstRun() {}

    /** The saved server: where it is, whether this start made it, and what a URL needs of it. */
    record Saved(Path file, boolean created, CipherKind method, String password, boolean exposed) {}

    /** Where the address in the URL came from, said in the output. */
    record PublicHost(String host, String source) {}

    static Path configDirectory(Map<String, String> env) {
        String xdg = env.get("XDG_CONFIG_HOME");
        if (xdg != null && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "ssjvm");
        }
        String home = env.getOrDefault("HOME", System.getProperty("user.home"));
        return Path.of(home, ".config", "ssjvm");
    }

    /** Reads the saved config, or makes it (with {@code port}, if given) when there is none. */
    static Saved ensure(Map<String, String> env, Integer port) throws IOException {
        Path file = configDirectory(env).resolve(FILE_NAME);
        boolean created = false;
        if (!Files.exists(file)) {
            Files.createDirectories(file.getParent(),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            byte[] random = new byte[PASSWORD_BYTES];
            new SecureRandom().nextBytes(random);
            ObjectNode config = JSON.createObjectNode()
                    .put("server", "0.0.0.0")
                    .put("server_port", port == null ? DEFAULT_PORT : port)
                    .put("password", Base64.getUrlEncoder().withoutPadding().encodeToString(random))
                    .put("method", METHOD.methodName())
                    .put("mode", "tcp_and_udp");
            // CREATE_NEW with the mode set at creation: the key is never readable by others, not even briefly
            Files.write(Files.createFile(file,
                            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))),
                    JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(config), StandardOpenOption.WRITE);
            created = true;
        }
        JsonNode saved = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
        JsonNode method = saved.path("method");
        JsonNode password = saved.path("password");
        if (!password.isTextual()) {
            throw new IOException(file + ": no \"password\"; remove the file to have a new one made");
        }
        CipherKind kind = METHOD;
        if (method.isTextual()) {
            try {
                kind = CipherKind.of(method.textValue());
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ": key 'method': " + e.getMessage());
            }
        }
        // someone loosened the mode: say so rather than change their file behind their back
        boolean exposed = Files.getPosixFilePermissions(file).stream().anyMatch(p -> p.name().startsWith("GROUP")
                || p.name().startsWith("OTHERS"));
        return new Saved(file, created, kind, password.textValue(), exposed);
    }

    /** {@code --public-host}, else the first non-loopback, non-link-local address of this machine (IPv4 first). */
    static PublicHost publicHost(String flag) {
        if (flag != null) {
            return new PublicHost(flag, "from --public-host");
        }
        List<InetAddress> found = new ArrayList<>();
        List<String> names = new ArrayList<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback()) {
                    continue;
                }
                for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                    if (!a.isLoopbackAddress() && !a.isLinkLocalAddress() && !a.isAnyLocalAddress()) {
                        found.add(a);
                        names.add(nic.getName());
                    }
                }
            }
        } catch (SocketException e) {
            // no list of interfaces: fall through to loopback, and say so
        }
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < found.size(); i++) {
                if ((found.get(i) instanceof Inet4Address) == (pass == 0)) {
                    String host = found.get(i).getHostAddress();
                    return new PublicHost(host.replaceFirst("%.*", ""), "this machine's address on " + names.get(i)
                            + "; give --public-host NAME if clients reach it by another name or address");
                }
            }
        }
        return new PublicHost("127.0.0.1", "no other address found on this machine; give --public-host NAME");
    }
}
