package dev.ssjvm.core.url;

import dev.ssjvm.core.address.HostAndPort;
import dev.ssjvm.core.protocol.SaltPrefix;
import dev.ssjvm.crypto.CipherKind;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * A server described as an {@code ss://} URL (SIP002): {@code ss://userinfo@host:port/?plugin=...#tag},
 * with Outline's {@code prefix} parameter (the connection prefix: percent-encoded UTF-8 of characters
 * U+0000-U+00FF, one byte each; see {@link SaltPrefix}).
 *
 * <p>The userinfo is either base64url of {@code method:password} (padding optional) or, as SIP002
 * requires for the 2022 methods, {@code method:password} percent-encoded. The legacy form
 * {@code ss://base64(method:password@host:port)#tag} is accepted too.
 */
public record ShadowsocksUrl(CipherKind method, String password, String host, int port, String plugin,
        String pluginOptions, String tag, byte[] prefix) {

    public ShadowsocksUrl {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(host, "host");
        prefix = prefix == null || prefix.length == 0 ? null : prefix.clone();
    }

    public ShadowsocksUrl(
            CipherKind method, String password, String host, int port, String plugin, String pluginOptions, String tag) {
        this(method, password, host, port, plugin, pluginOptions, tag, null);
    }

    /** The connection prefix, or {@code null} for none. */
    @Override
    public byte[] prefix() {
        return prefix == null ? null : prefix.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ShadowsocksUrl u && method == u.method && password.equals(u.password)
                && host.equals(u.host) && port == u.port && Objects.equals(plugin, u.plugin)
                && Objects.equals(pluginOptions, u.pluginOptions) && Objects.equals(tag, u.tag)
                && Arrays.equals(prefix, u.prefix);
    }

    @Override
    public int hashCode() {
        return Objects.hash(method, password, host, port, plugin, pluginOptions, tag) * 31 + Arrays.hashCode(prefix);
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
        byte[] prefix = null;
        if (query != null) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                String key = eq < 0 ? pair : pair.substring(0, eq);
                if (key.equals("plugin") && eq >= 0) {
                    String value = percentDecode(pair.substring(eq + 1));
                    int semi = value.indexOf(';');
                    plugin = semi < 0 ? value : value.substring(0, semi);
                    pluginOptions = semi < 0 ? null : value.substring(semi + 1);
                    if (plugin.isEmpty() && pluginOptions != null && !pluginOptions.isEmpty()) {
                        // options for no plugin would be lost on the way back to a URL (a fuzz finding)
                        throw new IllegalArgumentException("the URL's plugin parameter has options but no plugin");
                    }
                } else if (key.equals("prefix") && eq >= 0) {
                    prefix = parsePrefix(pair.substring(eq + 1));
                }
            }
        }
        return new ShadowsocksUrl(method, password, address.getHostString(), address.getPort(), emptyToNull(plugin),
                emptyToNull(pluginOptions), tag, prefix);
    }

    /** Outline's form: percent-decoded to UTF-8 text, then one byte per character (U+0000-U+00FF). */
    private static byte[] parsePrefix(String encoded) {
        byte[] utf8 = percentDecodeBytes(encoded);
        CharsetDecoder strict = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        String text;
        try {
            text = strict.decode(ByteBuffer.wrap(utf8)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("the URL's prefix is not percent-encoded UTF-8; a byte 0x80-0xFF is"
                    + " written as the UTF-8 of that character, e.g. 0xA8 as %C2%A8");
        }
        try {
            return SaltPrefix.fromText(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the URL's prefix: " + e.getMessage(), e);
        }
    }

    private static byte[] percentDecodeBytes(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%') {
                int hi = i + 2 < text.length() ? Character.digit(text.charAt(i + 1), 16) : -1;
                int lo = hi < 0 ? -1 : Character.digit(text.charAt(i + 2), 16);
                if (lo < 0) {
                    throw new IllegalArgumentException("the URL's prefix has a '%' not followed by two hex digits");
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(utf8, 0, utf8.length);
            }
        }
        return out.toByteArray();
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
        String separator = "/?";
        if (plugin != null) {
            sb.append(separator).append("plugin=")
                    .append(percentEncode(pluginOptions == null ? plugin : plugin + ";" + pluginOptions));
            separator = "&";
        }
        if (prefix != null) {
            sb.append(separator).append("prefix=").append(percentEncode(SaltPrefix.toText(prefix)));
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
        return "ss://" + method + "@" + host + ":" + port + (plugin == null ? "" : " plugin " + plugin)
                + (prefix == null ? "" : " prefix of " + prefix.length + " bytes");
    }
}
