package dev.ssjvm.service.local.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ssjvm.service.acl.Acl;
import dev.ssjvm.service.testing.LeakCheck;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Coverage-guided fuzzing of the HTTP proxy front end's pipeline (Netty's HTTP codec, our proxy
 * handler), fed arbitrary chunks. There is no upstream: a connect fails, at once or on a later turn of
 * the loop, so every request ends in an error answer or a close. Properties: nothing escapes the
 * pipeline (EmbeddedChannel rethrows it), no buffer leaks, and every answer is a 4xx, or a 502 once a
 * target was asked for.
 */
@ExtendWith(LeakCheck.class)
class HttpFrontEndFuzzTest {
    private static final Pattern STATUS = Pattern.compile("(?:^|\n)HTTP/1\\.[01] (\\d{3}) ");

    @FuzzTest(maxDuration = "10s")
    void pipeline(FuzzedDataProvider data) {
        Map<String, String> users = data.consumeBoolean() ? Map.of("user", "secret") : Map.of();
        boolean later = data.consumeBoolean();
        boolean[] asked = {false};
        EmbeddedChannel channel = new EmbeddedChannel();
        HttpFrontEnd.install(channel.pipeline(), (loop, target, acl) -> {
            asked[0] = true;
            ChannelPromise connect = channel.newPromise();
            ConnectException refused = new ConnectException("fuzz: no upstream");
            if (later) {
                loop.execute(() -> connect.setFailure(refused));
            } else {
                connect.setFailure(refused);
            }
            return connect;
        }, Acl.PROXY_ALL, users);
        while (data.remainingBytes() > 0 && channel.isOpen()) {
            byte[] bytes = data.consumeBytes(data.consumeInt(0, 600));
            channel.writeInbound(Unpooled.buffer(bytes.length).writeBytes(bytes));
            channel.runPendingTasks();
        }
        channel.runPendingTasks();
        StringBuilder answer = new StringBuilder();
        Object out;
        while ((out = channel.readOutbound()) != null) {
            ByteBuf buf = (ByteBuf) out;
            answer.append(buf.toString(StandardCharsets.ISO_8859_1));
            buf.release();
        }
        channel.finishAndReleaseAll();
        Matcher status = STATUS.matcher(answer);
        while (status.find()) {
            int code = Integer.parseInt(status.group(1));
            assertThat(code >= 400 && code < 500 || asked[0] && code == 502)
                    .as("status %d (a target asked for: %s)", code, asked[0]).isTrue();
        }
    }
}
