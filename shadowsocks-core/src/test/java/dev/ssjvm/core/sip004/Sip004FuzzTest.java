package dev.ssjvm.core.sip004;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ssjvm.core.protocol.FuzzFeed;
import dev.ssjvm.core.replay.SaltFilter;
import dev.ssjvm.crypto.AeadFactory;
import dev.ssjvm.crypto.CipherKind;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/** Coverage-guided fuzzing of the SIP004 server decoders (regression inputs in Sip004FuzzTestInputs/). */
class Sip004FuzzTest {
    private static final AeadFactory CRYPTO = AeadFactory.automatic();
    private static final Sip004TcpProtocol TCP =
            new Sip004TcpProtocol(CipherKind.AES_128_GCM, "fuzz", CRYPTO, SaltFilter.NONE);
    private static final Sip004UdpProtocol UDP =
            new Sip004UdpProtocol(CipherKind.AES_128_GCM, "fuzz", CRYPTO, SaltFilter.NONE);

    /** Arbitrary chunk sequences: never an escaping exception, never a leaked buffer. */
    @FuzzTest(maxDuration = "10s")
    void tcpServerDecoder(FuzzedDataProvider data) {
        EmbeddedChannel server = new EmbeddedChannel(TCP.newCodec());
        List<ByteBuf> fed = FuzzFeed.feedChunks(server, data);
        FuzzFeed.drain(server, new ArrayList<>());
        FuzzFeed.finish(server, fed);
    }

    /** The client's decoder of the server's replies, fed arbitrary chunks: it may only fail the channel. */
    @FuzzTest(maxDuration = "10s")
    void tcpClientDecoder(FuzzedDataProvider data) {
        EmbeddedChannel client = new EmbeddedChannel(TCP.newCodec(InetSocketAddress.createUnresolved("t.test", 80)));
        List<ByteBuf> fed = FuzzFeed.feedChunksFailing(client, data);
        FuzzFeed.drain(client, new ArrayList<>());
        FuzzFeed.finishFailing(client, fed);
    }

    /** What the client codec produced decodes back to the same target and bytes, however it is split. */
    @FuzzTest(maxDuration = "10s")
    void tcpRoundTrip(FuzzedDataProvider data) {
        FuzzFeed.roundTrip(data, TCP, TCP, 40_000);
    }

    /** Any datagram: opened or dropped (null), never thrown; the packet is left to the caller. */
    @FuzzTest(maxDuration = "10s")
    void udpOpen(byte[] bytes) {
        FuzzFeed.openAsServer(UDP, bytes);
    }

    /** Packets from the server (spoofable on the network): opened or dropped, never thrown; the input stays ours. */
    @FuzzTest(maxDuration = "10s")
    void udpClientOpen(byte[] bytes) {
        FuzzFeed.openAsClient(UDP, bytes);
    }
}
