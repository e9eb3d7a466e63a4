package dev.ssjvm.service.local.socks;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ssjvm.service.acl.Acl;
import dev.ssjvm.service.testing.LeakCheck;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.socksx.SocksPortUnificationServerHandler;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Coverage-guided fuzzing of the SOCKS4/SOCKS5 front end's pipeline (Netty's decoders, our auth and
 * request stages), fed arbitrary chunks. CONNECT and UDP ASSOCIATE are switched off, as in
 * SocksStagesTest, so the stages need no LocalContext: every request ends in a reply or a close.
 */
@ExtendWith(LeakCheck.class)
class SocksFrontEndFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void pipeline(FuzzedDataProvider data) {
        Map<String, String> users = data.consumeBoolean() ? Map.of("user", "secret") : Map.of();
        EmbeddedChannel channel = new EmbeddedChannel(new SocksPortUnificationServerHandler(), new SocksAuthStage(users),
                new SocksRequestStage(null, Acl.PROXY_ALL, false, false));
        while (data.remainingBytes() > 0 && channel.isOpen()) {
            byte[] bytes = data.consumeBytes(data.consumeInt(0, 600));
            channel.writeInbound(Unpooled.buffer(bytes.length).writeBytes(bytes));
        }
        ByteBuf out;
        while ((out = channel.readOutbound()) != null) {
            out.release();
        }
        channel.finishAndReleaseAll();
    }
}
