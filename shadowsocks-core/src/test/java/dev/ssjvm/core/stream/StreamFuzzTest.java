package dev.ssjvm.core.stream;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ssjvm.core.protocol.FuzzFeed;
import dev.ssjvm.core.replay.SaltFilter;
import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.crypto.StreamCiphers;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;

/** Coverage-guided fuzzing of the stream-cipher decoders (regression inputs in StreamFuzzTestInputs/). */
class StreamFuzzTest {
    private static final CipherKind KIND = CipherKind.AES_256_CFB;
    private static final byte[] KEY = StreamCiphers.masterKey(KIND, "fuzz");
    private static final StreamTcpProtocol TCP = new StreamTcpProtocol(KIND, KEY, SaltFilter.NONE);
    private static final StreamUdpProtocol UDP = new StreamUdpProtocol(KIND, KEY, SaltFilter.NONE);

    /** Arbitrary chunk sequences: no authentication, so this reaches the address parsing behind the IV. */
    @FuzzTest(maxDuration = "10s")
    void tcpServerDecoder(FuzzedDataProvider data) {
        EmbeddedChannel server = new EmbeddedChannel(TCP.newCodec());
        List<ByteBuf> fed = FuzzFeed.feedChunks(server, data);
        FuzzFeed.drain(server, new ArrayList<>());
        FuzzFeed.finish(server, fed);
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
