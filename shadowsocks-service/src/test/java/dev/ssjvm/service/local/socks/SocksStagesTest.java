package dev.ssjvm.service.local.socks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssjvm.service.acl.Acl;
import dev.ssjvm.service.testing.LeakCheck;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.socksx.SocksPortUnificationServerHandler;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthRequestDecoder;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The SOCKS front end's pipeline on an embedded channel: version detection, the auth stage, the
 * request stage, fed raw client bytes. Only paths that end before a CONNECT are here, so the request
 * stage needs no {@code LocalContext} (it is given none); BIND, which it always answers with
 * "command not supported", is the probe that shows a request reached it.
 */
@ExtendWith(LeakCheck.class)
class SocksStagesTest {
    private static final byte[] NO_AUTH_GREETING = {5, 1, 0};
    private static final byte[] PASSWORD_GREETING = {5, 1, 2};
    /** BIND 127.0.0.1:80. */
    private static final byte[] BIND_REQUEST = {5, 2, 0, 1, 127, 0, 0, 1, 0, 80};
    private static final byte[] METHOD_NO_AUTH = {5, 0};
    private static final byte[] METHOD_PASSWORD = {5, 2};
    private static final byte[] COMMAND_UNSUPPORTED = {5, 7, 0, 1, 0, 0, 0, 0, 0, 0};

    private EmbeddedChannel channel;

    @AfterEach
    void release() {
        channel.finishAndReleaseAll();
    }

    private EmbeddedChannel socks(Map<String, String> users) {
        channel = new EmbeddedChannel(new SocksPortUnificationServerHandler(), new SocksAuthStage(users),
                new SocksRequestStage(null, Acl.PROXY_ALL, true, true));
        return channel;
    }

    private static ByteBuf bytes(byte[]... parts) {
        ByteBuf buf = Unpooled.buffer();
        for (byte[] part : parts) {
            buf.writeBytes(part);
        }
        return buf;
    }

    private static byte[] auth(String user, String password) {
        byte[] u = user.getBytes(StandardCharsets.UTF_8);
        byte[] p = password.getBytes(StandardCharsets.UTF_8);
        ByteBuf buf = Unpooled.buffer().writeByte(1).writeByte(u.length).writeBytes(u).writeByte(p.length).writeBytes(p);
        byte[] out = ByteBufUtil.getBytes(buf);
        buf.release();
        return out;
    }

    /** Everything written back to the client so far (and takes it). */
    private static byte[] written(EmbeddedChannel ch) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuf buf;
        while ((buf = ch.readOutbound()) != null) {
            out.writeBytes(ByteBufUtil.getBytes(buf));
            buf.release();
        }
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    @Test
    void afterANoAuthGreetingTheAuthStageIsGoneAndTheCommandDecoderWaits() {
        EmbeddedChannel ch = socks(Map.of());

        ch.writeInbound(bytes(NO_AUTH_GREETING));

        assertThat(written(ch)).containsExactly(METHOD_NO_AUTH);
        assertThat(ch.pipeline().get(SocksAuthStage.class)).isNull();
        assertThat(ch.pipeline().get(Socks5InitialRequestDecoder.class)).isNull();
        assertThat(ch.pipeline().get(Socks5CommandRequestDecoder.class)).isNotNull();
        assertThat(ch.pipeline().get(SocksRequestStage.class)).isNotNull();
        assertThat(ch.isOpen()).isTrue();
    }

    @Test
    void aRequestInTheSamePacketAsTheGreetingReachesTheRequestStage() {
        EmbeddedChannel ch = socks(Map.of());

        ch.writeInbound(bytes(NO_AUTH_GREETING, BIND_REQUEST)); // a client that does not wait for our answer

        // only the request stage answers BIND; lost bytes would leave the channel open and silent
        assertThat(written(ch)).containsExactly(concat(METHOD_NO_AUTH, COMMAND_UNSUPPORTED));
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void aRequestSentAfterTheAnswerReachesTheRequestStageToo() {
        EmbeddedChannel ch = socks(Map.of());
        ch.writeInbound(bytes(NO_AUTH_GREETING));
        assertThat(written(ch)).containsExactly(METHOD_NO_AUTH);

        ch.writeInbound(bytes(BIND_REQUEST));

        assertThat(written(ch)).containsExactly(COMMAND_UNSUPPORTED);
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void theRightPasswordHandsOverEvenWithTheRequestInTheSamePacket() {
        EmbeddedChannel ch = socks(Map.of("alice", "secret"));

        ch.writeInbound(bytes(PASSWORD_GREETING, auth("alice", "secret"), BIND_REQUEST));

        assertThat(written(ch)).containsExactly(concat(METHOD_PASSWORD, new byte[] {1, 0}, COMMAND_UNSUPPORTED));
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void theRightPasswordLeavesTheCommandDecoderInPlace() {
        EmbeddedChannel ch = socks(Map.of("alice", "secret"));

        ch.writeInbound(bytes(PASSWORD_GREETING));
        assertThat(written(ch)).containsExactly(METHOD_PASSWORD);
        assertThat(ch.pipeline().get(Socks5PasswordAuthRequestDecoder.class)).isNotNull();

        ch.writeInbound(bytes(auth("alice", "secret")));
        assertThat(written(ch)).containsExactly(1, 0);
        assertThat(ch.pipeline().get(SocksAuthStage.class)).isNull();
        assertThat(ch.pipeline().get(Socks5PasswordAuthRequestDecoder.class)).isNull();
        assertThat(ch.pipeline().get(Socks5CommandRequestDecoder.class)).isNotNull();
        assertThat(ch.isOpen()).isTrue();
    }

    @Test
    void aWrongPasswordGetsTheRfc1929FailureAndTheConnectionCloses() {
        EmbeddedChannel ch = socks(Map.of("alice", "secret"));

        ch.writeInbound(bytes(PASSWORD_GREETING, auth("alice", "guess"), BIND_REQUEST));

        byte[] reply = written(ch);
        assertThat(reply).startsWith(METHOD_PASSWORD).hasSize(4);
        assertThat(reply[2]).as("RFC 1929 version").isEqualTo((byte) 1);
        assertThat(reply[3]).as("RFC 1929: any status but 0 is a failure").isNotZero();
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void anUnknownUserFailsTheSameWay() {
        EmbeddedChannel ch = socks(Map.of("alice", "secret"));

        ch.writeInbound(bytes(PASSWORD_GREETING, auth("mallory", "secret")));

        byte[] reply = written(ch);
        assertThat(reply).hasSize(4);
        assertThat(reply[3]).isNotZero();
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void aClientThatOffersNoPasswordIsRefusedWhenUsersAreConfigured() {
        EmbeddedChannel ch = socks(Map.of("alice", "secret"));

        ch.writeInbound(bytes(NO_AUTH_GREETING));

        assertThat(written(ch)).containsExactly(5, 0xff);
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void socks4IsRefusedWhenUsersAreConfigured() {
        EmbeddedChannel ch = socks(Map.of("alice", "secret"));

        // SOCKS4 CONNECT 127.0.0.1:80, user id "alice": SOCKS4 has no passwords to check
        ch.writeInbound(bytes(new byte[] {4, 1, 0, 80, 127, 0, 0, 1}, "alice".getBytes(StandardCharsets.US_ASCII),
                new byte[] {0}));

        byte[] reply = written(ch);
        assertThat(reply).hasSize(8);
        assertThat(reply[0]).isZero();
        assertThat(reply[1]).as("request rejected or failed").isEqualTo((byte) 0x5b);
        assertThat(ch.isOpen()).isFalse();
    }
}
