package dev.ssjvm.admin.manager;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The ss-manager wire format, byte for byte as libev 3.3.5's ss-manager and ss-server write it, so
 * that panels written against libev read ours unchanged. Text only; no sockets here.
 */
final class ManagerProtocol {
    static final String OK = "ok";
    static final String ERR = "err";
    /** libev's reply when the port cannot be bound. */
    static final String NOT_AVAILABLE = "port is not available";

    /** libev ignores requests larger than half its 64 KiB buffer. */
    static final int MAX_REQUEST = 65535 / 2;
    /** libev starts a new {@code stat} datagram once one is past half its buffer. */
    static final int STAT_SPLIT = 65535 / 2;
    /**
     * The largest {@code list} datagram: libev fills its 64 KiB buffer, which can exceed what one UDP
     * datagram carries over IPv4; we stop at that limit instead.
     */
    static final int LIST_LIMIT = 65507;

    private ManagerProtocol() {}

    /**
     * One request: the action (up to the first blank or colon, after leading blanks) and the JSON
     * object that follows it (from the first <code>{</code>), or {@code null} when there is none.
     */
    record Request(String action, String data) {}

    /**
     * Reads a datagram as libev does: as a C string (it ends at the first NUL).
     *
     * @return {@code null} for an empty or blank datagram (libev does not answer those)
     * @throws CharacterCodingException if it is not UTF-8
     */
    static Request parse(byte[] datagram) throws CharacterCodingException {
        int end = 0;
        while (end < datagram.length && datagram[end] != 0) {
            end++;
        }
        String text = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(datagram, 0, end)).toString();
        int pos = 0;
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
        if (pos == text.length()) {
            return null;
        }
        int start = pos;
        while (pos < text.length() && !Character.isWhitespace(text.charAt(pos)) && text.charAt(pos) != ':') {
            pos++;
        }
        int brace = text.indexOf('{', pos);
        return new Request(text.substring(start, pos), brace < 0 ? null : text.substring(brace));
    }

    /** One port as {@code list} shows it. */
    record ListEntry(int port, String password, String method) {}

    /**
     * The reply to {@code list}: <code>[</code>, then per port
     * <code>\n\t{"server_port":"8001","password":"...","method":"..."},</code> with the last comma
     * replaced by <code>\n]</code> (<code>[\n]</code> when there is none). When it would not fit one
     * datagram, it is cut between entries, as libev cuts it: the parts put together are the whole.
     */
    static List<String> list(List<ListEntry> entries) {
        List<String> out = new ArrayList<>();
        StringBuilder buf = new StringBuilder("[");
        int bytes = 1;
        boolean hasEntry = false;
        for (ListEntry e : entries) {
            String entry = "\n\t{\"server_port\":\"" + e.port() + "\",\"password\":\"" + quote(e.password())
                    + "\",\"method\":\"" + quote(e.method()) + "\"},";
            int size = entry.getBytes(StandardCharsets.UTF_8).length;
            if (hasEntry && bytes + size + 2 > LIST_LIMIT) { // 2: the closing "\n]" must fit the last one
                out.add(buf.toString());
                buf.setLength(0);
                bytes = 0;
            }
            buf.append(entry);
            bytes += size;
            hasEntry = true;
        }
        if (hasEntry) {
            buf.setLength(buf.length() - 1); // the trailing comma
        }
        out.add(buf.append("\n]").toString());
        return out;
    }

    /**
     * The reply to {@code ping} (and the periodic push): <code>stat: {"8001":11370,"8002":0}</code>,
     * compact, ports in the map's order. A datagram past libev's split size is closed and the rest go
     * in further datagrams, each a complete {@code stat} message. (libev's own split loses the entry at
     * the cut and sends the rest without the <code>stat: {</code> prefix; we do not copy that.)
     */
    static List<String> stat(Map<Integer, Long> bytesByPort) {
        List<String> out = new ArrayList<>();
        StringBuilder buf = new StringBuilder("stat: {");
        for (Map.Entry<Integer, Long> e : bytesByPort.entrySet()) {
            if (buf.length() > STAT_SPLIT) { // ASCII only: characters are bytes
                buf.setCharAt(buf.length() - 1, '}');
                out.add(buf.toString());
                buf.setLength(0);
                buf.append("stat: {");
            }
            buf.append('"').append(e.getKey()).append("\":").append(e.getValue()).append(',');
        }
        if (buf.charAt(buf.length() - 1) == ',') {
            buf.setCharAt(buf.length() - 1, '}');
        } else {
            buf.append('}');
        }
        out.add(buf.toString());
        return out;
    }

    /**
     * What libev's ss-server sends its manager every 5 s: <code>stat: {"8388":1234}</code> and the
     * C string's terminating NUL, which libev includes in the datagram.
     */
    static byte[] report(int port, long bytes) {
        return ("stat: {\"" + port + "\":" + bytes + "}\0").getBytes(StandardCharsets.US_ASCII);
    }

    /** A JSON string's content: identical to libev's raw text for ordinary passwords, valid for all. */
    private static String quote(String s) {
        return new String(JsonStringEncoder.getInstance().quoteAsString(s));
    }
}
