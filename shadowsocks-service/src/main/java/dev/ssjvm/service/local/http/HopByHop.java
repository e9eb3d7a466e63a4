package dev.ssjvm.service.local.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;

/**
 * Removes the headers that belong to one connection (RFC 9110 section 7.6.1), in both directions:
 * {@code Connection} and the headers it names, and the well-known hop-by-hop ones. The framing
 * headers stay: Netty encodes the body again with the framing the message says.
 */
final class HopByHop {
    private static final List<CharSequence> HEADERS = List.of(HttpHeaderNames.CONNECTION, "proxy-connection",
            HttpHeaderNames.KEEP_ALIVE, HttpHeaderNames.PROXY_AUTHORIZATION, HttpHeaderNames.PROXY_AUTHENTICATE,
            HttpHeaderNames.TE, HttpHeaderNames.TRAILER, HttpHeaderNames.UPGRADE);

    private HopByHop() {}

    static void strip(HttpHeaders headers) {
        for (String value : headers.getAll(HttpHeaderNames.CONNECTION)) {
            for (String token : value.split(",")) {
                String name = token.trim();
                if (!name.isEmpty() && !framing(name)) {
                    headers.remove(name);
                }
            }
        }
        for (CharSequence name : HEADERS) {
            headers.remove(name);
        }
    }

    /** Content-Length and Transfer-Encoding describe the body as decoded; removing them would garble it. */
    private static boolean framing(String name) {
        return HttpHeaderNames.CONTENT_LENGTH.contentEqualsIgnoreCase(name)
                || HttpHeaderNames.TRANSFER_ENCODING.contentEqualsIgnoreCase(name);
    }
}
