package dev.ssjvm.cli.online;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Where sslocal's servers come from when they are managed online: a SIP008 document or an Outline
 * dynamic access key, fetched over HTTPS and fetched again every {@code updateInterval}.
 *
 * @param url the document's {@code https://} URL ({@code ssconf://} already turned into it)
 * @param caFile PEM certificates to trust for this URL instead of the system's; null for the system's
 */
public record OnlineConfig(URI url, Duration updateInterval, Path caFile) {
    /** shadowsocks-rust's default. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(3600);

    public OnlineConfig {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(updateInterval, "updateInterval");
        if (updateInterval.isNegative() || updateInterval.isZero()) {
            throw new IllegalArgumentException("the update interval must be positive");
        }
    }

    /**
     * An online config URL: {@code https://...}, or Outline's {@code ssconf://host/path}, which means
     * {@code https://host/path}. A fragment (the key's name in Outline) is dropped. Plain HTTP is
     * refused: SIP008 requires HTTPS, and the document holds passwords.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static URI parseUrl(String text) {
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("ssconf")) {
            throw new IllegalArgumentException("an online config URL must be https:// or ssconf:// (SIP008 requires"
                    + " HTTPS), not " + (scheme.isEmpty() ? "a relative URL" : scheme + "://"));
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("an online config URL needs a host name");
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return URI.create("https://" + uri.getRawAuthority() + path
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
    }

    /**
     * The URL for logs: scheme, host and port only. The path of an access key's URL is as secret as
     * the key (whoever has it gets the password), so it is never logged.
     */
    public String describe() {
        return "https://" + (url.getHost().indexOf(':') >= 0 ? "[" + url.getHost() + "]" : url.getHost())
                + (url.getPort() < 0 ? "" : ":" + url.getPort()) + "/...";
    }

    @Override
    public String toString() {
        return describe();
    }
}
