package dev.ssjvm.core.sip022;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ssjvm.core.protocol.FuzzFeed;
import dev.ssjvm.core.protocol.TcpClientProtocol;
import dev.ssjvm.core.protocol.TcpServerProtocol;
import dev.ssjvm.core.protocol.UdpClientProtocol;
import dev.ssjvm.core.replay.SaltPool;
import dev.ssjvm.crypto.AeadFactory;
import dev.ssjvm.crypto.CipherKind;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** Coverage-guided fuzzing of the SIP022 decoders (regression inputs in Sip022FuzzTestInputs/). */
class Sip022FuzzTest {
    private static final AeadFactory CRYPTO = AeadFactory.automatic();
    private static final Clock NOW = Clock.fixed(Instant.parse("2026-11-25T12:00:00Z"), ZoneOffset.UTC);
    private static final CipherKind KIND = CipherKind.BLAKE3_AES_128_GCM;
    // a fixed key, so a regression input means the same thing on every run
    private static final String PSK = "AAECAwQFBgcICQoLDA0ODw==";
    private static final Sip022UdpServerProtocol UDP = Sip022Testing.udpServer(KIND, PSK, List.of(), CRYPTO, NOW);
    private static final UdpClientProtocol UDP_CLIENT = Sip022Testing.udpClient(KIND, PSK, CRYPTO, NOW);

    private static TcpServerProtocol server() {
        return Sip022Testing.tcpServer(KIND, PSK, List.of(), CRYPTO, new SaltPool(NOW, 100), NOW);
    }

    /** Arbitrary chunk sequences: never an escaping exception, never a leaked buffer. */
    @FuzzTest(maxDuration = "10s")
    void tcpServerDecoder(FuzzedDataProvider data) {
        EmbeddedChannel server = new EmbeddedChannel(server().newCodec());
        List<ByteBuf> fed = FuzzFeed.feedChunks(server, data);
        FuzzFeed.drain(server, new ArrayList<>());
        FuzzFeed.finish(server, fed);
    }

    /** The client's decoder of the server's replies, fed arbitrary chunks: it may only fail the channel. */
    @FuzzTest(maxDuration = "10s")
    void tcpClientDecoder(FuzzedDataProvider data) {
        TcpClientProtocol protocol = Sip022Testing.tcpClient(KIND, PSK, CRYPTO, NOW);
        EmbeddedChannel client = new EmbeddedChannel(protocol.newCodec(InetSocketAddress.createUnresolved("t.test", 80)));
        client.writeOutbound(Unpooled.EMPTY_BUFFER); // the request goes out first, as in a real connection
        FuzzFeed.drainOutbound(client);
        List<ByteBuf> fed = FuzzFeed.feedChunksFailing(client, data);
        FuzzFeed.drain(client, new ArrayList<>());
        FuzzFeed.finishFailing(client, fed);
    }

    /** What the client codec produced decodes back to the same target and bytes, however it is split. */
    @FuzzTest(maxDuration = "10s")
    void tcpRoundTrip(FuzzedDataProvider data) {
        FuzzFeed.roundTrip(data, Sip022Testing.tcpClient(KIND, PSK, CRYPTO, NOW), server(), 80_000);
    }

    /** Any datagram: opened or dropped (null), never thrown; the packet is left to the caller. */
    @FuzzTest(maxDuration = "10s")
    void udpOpen(byte[] bytes) {
        FuzzFeed.openAsServer(UDP, bytes);
    }

    /** Packets from the server (spoofable on the network): opened or dropped, never thrown; the input stays ours. */
    @FuzzTest(maxDuration = "10s")
    void udpClientOpen(byte[] bytes) {
        FuzzFeed.openAsClient(UDP_CLIENT, bytes);
    }
}
