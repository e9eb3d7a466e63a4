package dev.ssjvm.admin.api;

import dev.ssjvm.admin.Addon;
import dev.ssjvm.admin.Admin;
import dev.ssjvm.admin.HttpListener;
import dev.ssjvm.core.address.HostAndPort;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP management API ({@code api_address}): "Shadowsocks Server Management API v1" for every
 * multi-user port, at {@code http://<api_address>/<secret>/servers/<port>/}, and the list of those
 * ports at {@code http://<api_address>/<secret>/}. Anything outside the secret prefix is a bare 404.
 *
 * <p>One event loop of its own (the API is small and must not share a loop with the relays' load);
 * requests are answered on it, changes run on the admin thread ({@link Admin#change}) and are answered
 * when they complete.
 */
public final class ManagementApi implements Addon {
    private static final Logger LOG = LoggerFactory.getLogger(ManagementApi.class);
    /** Request bodies are a user or two; anything bigger is refused (413). */
    static final int MAX_BODY = 64 * 1024;
    /** Random bytes in a generated secret: 192 bits, 32 URL-safe characters. */
    static final int SECRET_BYTES = 24;
    /** What a configured secret must look like: one path segment, needing no escapes, not too short to guess. */
    static final String SECRET_FORM = "[A-Za-z0-9._~-]{16,}";

    private final HttpListener listener;
    private final InetSocketAddress address;
    private final String secret;
    private final AtomicLong received;

    private ManagementApi(HttpListener listener, String secret, AtomicLong received) {
        this.listener = listener;
        this.address = listener.address();
        this.secret = secret;
        this.received = received;
    }

    /**
     * Starts the API if {@code api_address} is set: binds it, and logs the base URL (with a fresh secret
     * when none is configured, since that log line is the only place it is shown).
     *
     * @return {@code null} when the API is off
     * @throws IOException if the address cannot be resolved or bound
     */
    public static ManagementApi start(Admin admin) throws IOException {
        String configured = admin.settings().apiAddress();
        if (configured == null) {
            return null;
        }
        InetSocketAddress bind = bindAddress(configured);
        boolean generated = admin.settings().apiSecret() == null;
        if (!generated && !admin.settings().apiSecret().matches(SECRET_FORM)) {
            throw new IllegalArgumentException("HTTP API: the secret must be at least 16 URL-safe characters"
                    + " (letters, digits, . _ ~ -)");
        }
        String secret = generated ? newSecret() : admin.settings().apiSecret();
        SsmApi api = new SsmApi(admin);
        byte[] secretBytes = secret.getBytes(StandardCharsets.UTF_8);
        AtomicLong received = new AtomicLong();
        HttpListener listener = HttpListener.start("HTTP API", bind, MAX_BODY, false,
                () -> new ApiHandler(secretBytes, api, received));
        ManagementApi started = new ManagementApi(listener, secret, received);
        exposure(started.address.getAddress()).ifPresent(LOG::warn);
        if (generated) {
            LOG.info("HTTP management API at {} (a fresh secret path; set api_secret to keep one across restarts)",
                    started.baseUri());
        } else {
            LOG.info("HTTP management API at http://{}/<api_secret>/", HostAndPort.format(started.address));
        }
        return started;
    }

    /**
     * {@code host:port}, {@code [v6]:port} or {@code name:port}; port 0 takes a free one (tests). A name
     * is resolved here, once.
     */
    static InetSocketAddress bindAddress(String text) throws IOException {
        String s = text.trim();
        String host;
        String port;
        if (s.startsWith("[") && s.indexOf("]:") > 0) {
            host = s.substring(1, s.indexOf("]:"));
            port = s.substring(s.indexOf("]:") + 2);
        } else if (s.lastIndexOf(':') > 0 && s.indexOf(':') == s.lastIndexOf(':')) {
            host = s.substring(0, s.lastIndexOf(':'));
            port = s.substring(s.lastIndexOf(':') + 1);
        } else {
            throw new IOException("HTTP API: expected HOST:PORT (IPv6 in brackets), got '" + text + "'");
        }
        if (!port.matches("\\d{1,5}") || Integer.parseInt(port) > 65535) {
            throw new IOException("HTTP API: port must be 0-65535 in '" + text + "'");
        }
        InetSocketAddress address = HostAndPort.of(host, Integer.parseInt(port));
        if (address.isUnresolved()) {
            address = new InetSocketAddress(address.getHostString(), address.getPort());
            if (address.isUnresolved()) {
                throw new IOException("HTTP API: cannot resolve '" + host + "'");
            }
        }
        return address;
    }

    /** The warning for an API that other hosts can reach, or nothing for loopback. */
    static Optional<String> exposure(InetAddress address) {
        if (address.isLoopbackAddress()) {
            return Optional.empty();
        }
        String where = address.isAnyLocalAddress() ? "every address of this host" : address.getHostAddress()
                + ", which is not a loopback address";
        return Optional.of("the HTTP management API listens on " + where + ": anyone who can reach it and learns"
                + " the secret path can add, change and remove users, over plain HTTP. Keep it on 127.0.0.1 or ::1"
                + " and reach it through SSH or a TLS proxy, unless this is what you want");
    }

    /** A fresh secret: {@value #SECRET_BYTES} random bytes, base64url without padding. */
    static String newSecret() {
        byte[] bytes = new byte[SECRET_BYTES];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Where the API listens (the bound port, when configured as 0). */
    public InetSocketAddress address() {
        return address;
    }

    /** {@code http://<address>/<secret>/}: the list of servers; each one's SSM API is under {@code servers/<port>/}. */
    public URI baseUri() {
        return URI.create("http://" + HostAndPort.format(address) + "/" + secret + "/");
    }

    /** Requests read so far, inside the secret or not (answered or still waiting for the admin thread). */
    long requestsReceived() {
        return received.get();
    }

    @Override
    public void close() {
        listener.close();
    }

    @Override
    public String toString() {
        return "HTTP management API on " + HostAndPort.format(address);
    }
}
