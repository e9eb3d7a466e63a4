package dev.ssjvm.service.local.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;

/** {@code Proxy-Authorization: Basic ...} (RFC 7617) against the listener's users. */
final class BasicAuth {
    static final String CHALLENGE = "Basic realm=\"sslocal\"";

    private final Map<String, String> users;

    BasicAuth(Map<String, String> users) {
        this.users = users;
    }

    boolean accepts(HttpHeaders headers) {
        String value = headers.get(HttpHeaderNames.PROXY_AUTHORIZATION);
        if (value == null) {
            return false;
        }
        value = value.trim();
        if (!value.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(value.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return false;
        }
        String expected = users.get(decoded.substring(0, colon));
        // compare digests, also for unknown users, so that timing tells neither names nor lengths
        boolean same = MessageDigest.isEqual(sha256(decoded.substring(colon + 1)),
                sha256(expected == null ? "\u0000unknown-user" : expected));
        return same && expected != null;
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }
}
