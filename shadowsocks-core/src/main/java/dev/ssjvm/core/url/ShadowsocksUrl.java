package dev.ssjvm.core.url;

import dev.ssjvm.core.address.HostAndPort;
import dev.ssjvm.crypto.CipherKind;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * A server described as an {@code ss://} URL (SIP002): {@code ss://userinfo@host:port/?plugin=...#tag}.
 *
 * <p>The userinfo is either base64url of {@code method:password} (padding optional) or, as SIP002
 * requires for the 2022 methods, {@code method:password} percent-encoded. The legacy form
 * {@code ss://base64(method:password@host:port)#tag} is accepted too.
 */
public record ShadowsocksUrl(
        CipherKind method, String password, String host, int port, String plugin, String pluginOptions, String tag) {

    public ShadowsocksUrl {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(host, "host");
    }

    /**
     * @throws IllegalArgumentException saying what is wrong with the URL (never echoing the password)
     */
    public static ShadowsocksUrl parse(String url) {
        String text = url.trim();
        if (!text.regionMatches(true, 0, "ss://", 0, 5)) {
            throw new IllegalArgumentException("a server URL must start with ss://");
        }
        text = text.substring(5);
        String tag = null;
        int hash = text.indexOf('#');
        if (hash >= 0) {
            tag = percentDecode(text.substring(hash + 1));
            text = text.substring(0, hash);
        }
        int at = text.lastIndexOf('@');
        if (at < 0) {
            return parseLegacy(text, tag);
        }
        String userinfo = percentDecode(text.substring(0, at));
        String rest = text.substring(at + 1);
        String query = null;
        int question = rest.indexOf('?');
        if (question >= 0) {
            query = rest.substring(question + 1);
            rest = rest.substring(0, question);
        }
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        String credentials = userinfo.indexOf(':') >= 0 ? userinfo : decodeBase64(userinfo, "userinfo");
        int colon = credentials.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("the URL's userinfo must be method:password");
        }
        CipherKind method = CipherKind.of(credentials.substring(0, colon));
        String password = credentials.substring(colon + 1);
        InetSocketAddress address = parseHostPort(rest);
        String plugin = null;
        String pluginOptions = null;
        if (query != null) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                String key = eq < 0 ? pair : pair.substring(0, eq);
                if (key.equals("plugin") && eq >= 0) {
                    String value = percentDecode(pair.substring(eq + 1));
                    int semi = value.indexOf(';');
                    plugin = semi < 0 ? value : value.substring(0, semi);
                    pluginOptions = semi < 0 ? null : value.substring(semi + 1);
                }
            }
        }
        return new ShadowsocksUrl(method, password, address.getHostString(), address.getPort(), emptyToNull(plugin),
                emptyToNull(pluginOptions), tag);
    }

    private static ShadowsocksUrl parseLegacy(String encoded, String tag) {
        String decoded = decodeBase64(encoded, "URL");
        int at = decoded.lastIndexOf('@');
        int colon = decoded.indexOf(':');
        if (at < 0 || colon <= 0 || colon > at) {
            throw new IllegalArgumentException("a legacy ss:// URL must encode method:password@host:port");
        }
        CipherKind method = CipherKind.of(decoded.substring(0, colon));
        InetSocketAddress address = parseHostPort(decoded.substring(at + 1));
        return new ShadowsocksUrl(method, decoded.substring(colon + 1, at), address.getHostString(), address.getPort(),
                null, null, tag);
    }

    private static InetSocketAddress parseHostPort(String text) {
        try {
            return HostAndPort.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the URL's server address: " + e.getMessage(), e);
        }
    }

    private static String decodeBase64(String text, String what) {
        String t = text.trim().replace('+', '-').replace('/', '_');
        while (t.endsWith("=")) {
            t = t.substring(0, t.length() - 1);
        }
        try {
            return new String(Base64.getUrlDecoder().decode(t), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the URL's " + what + " is neither method:password nor valid base64");
        }
    }

    private static String percentDecode(String text) {
        return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /**
     * The SIP002 form: base64url userinfo for the 2017 methods, percent-encoded plain userinfo for
     * the 2022 methods (as SIP002 requires).
     */
    public String toUri() {
        StringBuilder sb = new StringBuilder("ss://");
        String credentials = method.methodName() + ":" + password;
        if (method.family() == CipherKind.Family.AEAD_2022) {
            sb.append(percentEncode(method.methodName())).append(':').append(percentEncode(password));
        } else {
            sb.append(Base64.getUrlEncoder().withoutPadding().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        sb.append('@').append(host.indexOf(':') >= 0 ? "[" + host + "]" : host).append(':').append(port);
        if (plugin != null) {
            sb.append("/?plugin=").append(percentEncode(pluginOptions == null ? plugin : plugin + ";" + pluginOptions));
        }
        if (tag != null) {
            sb.append('#').append(percentEncode(tag));
        }
        return sb.toString();
    }

    private static String percentEncode(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return out.toString();
    }

    /** Never shows the password. */
    @Override
    public String toString() {
        return "ss://" + method + "@" + host + ":" + port + (plugin == null ? "" : " plugin " + plugin);
    }
}
