package dev.ssjvm.core.sip022;

import dev.ssjvm.core.protocol.TcpClientProtocol;
import dev.ssjvm.core.protocol.TcpServerProtocol;
import dev.ssjvm.core.protocol.UdpClientProtocol;
import dev.ssjvm.core.protocol.UserKey;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ssjvm.core.replay.SaltPool;
import dev.ssjvm.core.protocol.ProxyRequest;
import dev.ssjvm.core.protocol.ServerPacket;
import dev.ssjvm.crypto.AeadFactory;
import dev.ssjvm.crypto.CipherKind;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SIP022/SIP023 known answers from {@code sip022-vectors.txt}, made by a standalone program on the
 * noble libraries (src/test/vectors/sip022): our decoders must read them, and our encoders, given the
 * same salts, ids and padding, must produce them byte for byte.
 */
class Sip022VectorsTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final AeadFactory CRYPTO = AeadFactory.automatic();
    private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;
    private static final InetSocketAddress EXAMPLE = InetSocketAddress.createUnresolved("example.com", 443);

    record Vector(Map<String, String> f) {
        String get(String k) {
            String v = f.get(k);
            if (v == null) {
                throw new IllegalStateException("no " + k + " in " + f);
            }
            return v;
        }

        byte[] hex(String k) {
            return HEX.parseHex(get(k));
        }

        CipherKind method() {
            return CipherKind.of(get("method"));
        }

        Clock clock() {
            return Clock.fixed(Instant.ofEpochSecond(Long.parseLong(get("timestamp_decimal"))), ZoneOffset.UTC);
        }

        boolean decodeOnly() {
            return Boolean.parseBoolean(f.getOrDefault("decode_only", "false"));
        }

        long id(String k) {
            return ByteBuffer.wrap(hex(k)).getLong();
        }

        @Override
        public String toString() {
            return get("kind") + " " + get("method") + (decodeOnly() ? " (decode only)" : "");
        }
    }

    static List<Vector> all() throws IOException {
        try (InputStream in = Sip022VectorsTest.class.getResourceAsStream("/sip022-vectors.txt")) {
            List<Vector> out = new ArrayList<>();
            Map<String, String> current = new LinkedHashMap<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.startsWith("#")) {
                    continue;
                }
                if (line.isBlank()) {
                    if (!current.isEmpty()) {
                        out.add(new Vector(current));
                        current = new LinkedHashMap<>();
                    }
                    continue;
                }
                int eq = line.indexOf('=');
                current.put(line.substring(0, eq), line.substring(eq + 1));
            }
            if (!current.isEmpty()) {
                out.add(new Vector(current));
            }
            return out;
        }
    }

    static Stream<Vector> kind(String kind) throws IOException {
        return all().stream().filter(v -> v.get("kind").equals(kind));
    }

    static Stream<Vector> tcpRequests() throws IOException {
        return kind("tcp-request");
    }

    static Stream<Vector> tcpResponses() throws IOException {
        return kind("tcp-response");
    }

    static Stream<Vector> tcpRequestsEih() throws IOException {
        return kind("tcp-request-eih");
    }

    static Stream<Vector> udpClients() throws IOException {
        return kind("udp-client");
    }

    static Stream<Vector> udpServers() throws IOException {
        return kind("udp-server");
    }

    static Stream<Vector> udpClientsEih() throws IOException {
        return kind("udp-client-eih");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tcpRequests")
    void tcpRequestHeader(Vector v) {
        TcpServerProtocol server = Sip022Testing.tcpServer(v.method(), v.get("psk_base64"), List.of(), CRYPTO,
                new SaltPool(v.clock(), 100), v.clock());
        EmbeddedChannel ch = new EmbeddedChannel(server.newCodec());
        byte[] request = v.hex("request");
        for (byte b : request) { // one byte at a time: any split must do
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        ProxyRequest proxyRequest = ch.readInbound();
        assertThat(proxyRequest.target()).isEqualTo(EXAMPLE);
        assertThat(proxyRequest.user()).isNull();
        assertThat(readAll(ch)).isEqualTo(v.hex("payload"));
        ch.finishAndReleaseAll();

        if (!v.decodeOnly()) {
            FixedEntropy entropy = new FixedEntropy(v.hex("padding").length).bytes(v.hex("salt"));
            TcpClientProtocol client = Sip022Testing.tcpClient(v.method(), v.get("psk_base64"), CRYPTO, v.clock(),
                    entropy);
            EmbeddedChannel out = new EmbeddedChannel(client.newCodec(EXAMPLE));
            out.writeOutbound(Unpooled.wrappedBuffer(v.hex("payload")));
            assertThat(HEX.formatHex(drain(out))).isEqualTo(v.get("request"));
            out.finishAndReleaseAll();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tcpResponses")
    void tcpResponseHeader(Vector v) throws IOException {
        // the client reads the response to its request (same salt)
        FixedEntropy clientEntropy = new FixedEntropy(1).bytes(v.hex("request_salt"));
        TcpClientProtocol client = Sip022Testing.tcpClient(v.method(), v.get("psk_base64"), CRYPTO, v.clock(),
                clientEntropy);
        EmbeddedChannel c = new EmbeddedChannel(client.newCodec(EXAMPLE));
        c.writeOutbound(Unpooled.wrappedBuffer(new byte[] {1}));
        drain(c);
        c.writeInbound(Unpooled.wrappedBuffer(v.hex("response")));
        byte[] expected = concat(v.hex("payload"), v.hex("payload2"));
        assertThat(readAll(c)).isEqualTo(expected);
        c.finishAndReleaseAll();

        // the server, having read a request with that salt, writes exactly this response
        Vector request = tcpRequests().filter(r -> r.method() == v.method() && !r.decodeOnly()).findFirst().orElseThrow();
        assertThat(request.get("salt")).isEqualTo(v.get("request_salt"));
        TcpServerProtocol server = Sip022Testing.tcpServer(v.method(), v.get("psk_base64"), List.of(), CRYPTO,
                new SaltPool(v.clock(), 100), v.clock(), new FixedEntropy(0).bytes(v.hex("salt")));
        EmbeddedChannel s = new EmbeddedChannel(server.newCodec());
        s.writeInbound(Unpooled.wrappedBuffer(request.hex("request")));
        s.releaseInbound();
        s.writeOutbound(Unpooled.wrappedBuffer(v.hex("payload")));
        s.writeOutbound(Unpooled.wrappedBuffer(v.hex("payload2")));
        assertThat(HEX.formatHex(drain(s))).isEqualTo(v.get("response"));
        s.finishAndReleaseAll();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tcpRequestsEih")
    void tcpIdentityHeader(Vector v) {
        String password = v.get("ipsk_base64") + ":" + v.get("upsk_base64");
        FixedEntropy entropy = new FixedEntropy(v.hex("padding").length).bytes(v.hex("salt"));
        TcpClientProtocol client = Sip022Testing.tcpClient(v.method(), password, CRYPTO, v.clock(), entropy);
        EmbeddedChannel out = new EmbeddedChannel(client.newCodec(EXAMPLE));
        out.writeOutbound(Unpooled.wrappedBuffer(v.hex("payload")));
        assertThat(HEX.formatHex(drain(out))).isEqualTo(v.get("request"));
        out.finishAndReleaseAll();

        TcpServerProtocol server = Sip022Testing.tcpServer(v.method(), v.get("ipsk_base64"),
                List.of(new UserKey("bob", Sip022Keys64.other(v)), new UserKey("alice",
                        v.get("upsk_base64"))), CRYPTO, new SaltPool(v.clock(), 100), v.clock());
        EmbeddedChannel in = new EmbeddedChannel(server.newCodec());
        in.writeInbound(Unpooled.wrappedBuffer(v.hex("request")));
        ProxyRequest request = in.readInbound();
        assertThat(request.user()).isEqualTo("alice");
        assertThat(request.target()).isEqualTo(EXAMPLE);
        assertThat(readAll(in)).isEqualTo(v.hex("payload"));
        in.finishAndReleaseAll();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("udpClients")
    void udpClientPacket(Vector v) {
        var server = Sip022Testing.udpServer(v.method(), v.get("psk_base64"), List.of(), CRYPTO,
                v.clock());
        var packet = server.open(ALLOC, Unpooled.wrappedBuffer(v.hex("packet")));
        assertThat(packet).isNotNull();
        assertThat(packet.sessionKey()).isEqualTo(v.id("session_id"));
        assertThat(packet.target()).isEqualTo(loopback53());
        assertThat(ByteBufUtil.getBytes(packet.payload())).isEqualTo(v.hex("payload"));
        packet.release();

        if (!v.decodeOnly()) {
            FixedEntropy entropy = new FixedEntropy(0).longValue(v.id("session_id"));
            if (v.f().containsKey("nonce")) {
                entropy.bytes(v.hex("nonce"));
            }
            UdpClientProtocol.Session session = Sip022Testing.udpClient(v.method(), v.get("psk_base64"),
                    CRYPTO, v.clock(), entropy).newSession();
            ByteBuf sealed = session.seal(ALLOC, loopback53(), Unpooled.wrappedBuffer(v.hex("payload")));
            assertThat(HEX.formatHex(ByteBufUtil.getBytes(sealed))).isEqualTo(v.get("packet"));
            sealed.release();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("udpServers")
    void udpServerPacket(Vector v) throws IOException {
        Vector clientVector = udpClients().filter(c -> c.method() == v.method() && !c.decodeOnly()).findFirst().orElseThrow();
        // the client of that session opens the server's packet
        FixedEntropy clientEntropy = new FixedEntropy(0).longValue(v.id("client_session_id"));
        UdpClientProtocol.Session client = Sip022Testing.udpClient(v.method(), v.get("psk_base64"), CRYPTO,
                v.clock(), clientEntropy).newSession();
        ServerPacket opened = client.open(ALLOC, Unpooled.wrappedBuffer(v.hex("packet")));
        assertThat(opened).isNotNull();
        assertThat(opened.source()).isEqualTo(loopback53());
        assertThat(ByteBufUtil.getBytes(opened.payload())).isEqualTo(v.hex("payload"));
        opened.payload().release();
        assertThat(client.open(ALLOC, Unpooled.wrappedBuffer(v.hex("packet")))).as("replayed server packet").isNull();

        // the server, answering that client session, seals exactly this packet
        FixedEntropy serverEntropy = new FixedEntropy(0).longValue(v.id("session_id"));
        if (v.f().containsKey("nonce")) {
            serverEntropy.bytes(v.hex("nonce"));
        }
        var server = Sip022Testing.udpServer(v.method(), v.get("psk_base64"), List.of(), CRYPTO,
                v.clock(), serverEntropy);
        var first = server.open(ALLOC, Unpooled.wrappedBuffer(clientVector.hex("packet")));
        var session = server.newSession(first);
        first.release();
        ByteBuf sealed = session.sealReply(ALLOC, loopback53(), Unpooled.wrappedBuffer(v.hex("payload")));
        assertThat(HEX.formatHex(ByteBufUtil.getBytes(sealed))).isEqualTo(v.get("packet"));
        sealed.release();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("udpClientsEih")
    void udpIdentityHeader(Vector v) {
        String password = v.get("ipsk_base64") + ":" + v.get("upsk_base64");
        FixedEntropy entropy = new FixedEntropy(0).longValue(v.id("session_id"));
        UdpClientProtocol.Session session = Sip022Testing.udpClient(v.method(), password, CRYPTO, v.clock(),
                entropy).newSession();
        ByteBuf sealed = session.seal(ALLOC, loopback53(), Unpooled.wrappedBuffer(v.hex("payload")));
        assertThat(HEX.formatHex(ByteBufUtil.getBytes(sealed))).isEqualTo(v.get("packet"));
        sealed.release();

        var server = Sip022Testing.udpServer(v.method(), v.get("ipsk_base64"),
                List.of(new UserKey("alice", v.get("upsk_base64"))), CRYPTO, v.clock());
        var packet = server.open(ALLOC, Unpooled.wrappedBuffer(v.hex("packet")));
        assertThat(packet).isNotNull();
        assertThat(packet.user()).isEqualTo("alice");
        assertThat(ByteBufUtil.getBytes(packet.payload())).isEqualTo(v.hex("payload"));
        packet.release();
    }

    private static InetSocketAddress loopback53() {
        try {
            return new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 53);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    static byte[] readAll(EmbeddedChannel ch) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Object msg;
        while ((msg = ch.readInbound()) != null) {
            ByteBuf b = (ByteBuf) msg;
            out.writeBytes(ByteBufUtil.getBytes(b));
            b.release();
        }
        return out.toByteArray();
    }

    static byte[] drain(EmbeddedChannel ch) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            out.writeBytes(ByteBufUtil.getBytes(b));
            b.release();
        }
        return out.toByteArray();
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** A second user's key, different from the vector's, so the lookup has something to skip. */
    static final class Sip022Keys64 {
        static String other(Vector v) {
            byte[] key = new byte[v.method().keySize()];
            java.util.Arrays.fill(key, (byte) 7);
            return java.util.Base64.getEncoder().encodeToString(key);
        }
    }
}
