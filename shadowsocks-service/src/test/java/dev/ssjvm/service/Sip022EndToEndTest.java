package dev.ssjvm.service;

import dev.ssjvm.service.metrics.TrafficStats;
import dev.ssjvm.core.protocol.UserKey;
import dev.ssjvm.service.config.CommonSettings;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.crypto.Sip022Keys;
import dev.ssjvm.service.config.Mode;
import dev.ssjvm.service.local.ShadowsocksLocal;
import dev.ssjvm.service.testing.LeakCheck;
import dev.ssjvm.service.testing.ProxyStack;
import dev.ssjvm.service.testing.Socks;
import dev.ssjvm.service.testing.SocksUdpClient;
import dev.ssjvm.service.testing.TestData;
import dev.ssjvm.service.testing.UdpEcho;
import java.io.DataOutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Shadowsocks 2022 end to end through our sslocal and ssserver: every method, TCP and UDP, one and many users. */
@ExtendWith(LeakCheck.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class Sip022EndToEndTest {
    private static final long HUNDRED_MB = 100L * 1024 * 1024;

    @ParameterizedTest
    @EnumSource(names = {"BLAKE3_AES_128_GCM", "BLAKE3_AES_256_GCM", "BLAKE3_CHACHA20_POLY1305", "BLAKE3_CHACHA8_POLY1305"})
    void hundredMegabytesEachWayAndUdpForEveryMethod(CipherKind method) throws Exception {
        String psk = Sip022Keys.generatePsk(method);
        try (UdpEcho echo = new UdpEcho("U:");
                ProxyStack stack = ProxyStack.start(method, psk, Map.of(), Mode.TCP_AND_UDP,
                        CommonSettings.DEFAULT_TIMEOUT, null)) {
            transferBothWays(stack.socks(), stack, HUNDRED_MB);
            try (SocksUdpClient udp = new SocksUdpClient(stack.socks())) {
                for (int i = 0; i < 10; i++) {
                    byte[] data = ("2022 datagram " + i).getBytes(StandardCharsets.US_ASCII);
                    udp.send(echo.address(), data);
                    SocksUdpClient.Reply reply = udp.receive(5000);
                    assertThat(reply).isNotNull();
                    assertThat(reply.source()).isEqualTo(echo.address());
                    assertThat(new String(reply.data(), StandardCharsets.US_ASCII)).isEqualTo("U:2022 datagram " + i);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"BLAKE3_AES_128_GCM", "BLAKE3_AES_256_GCM"})
    void severalUsersOnOnePortEachWithTheirOwnKey(CipherKind method) throws Exception {
        String ipsk = Sip022Keys.generatePsk(method);
        String alice = Sip022Keys.generatePsk(method);
        String bob = Sip022Keys.generatePsk(method);
        List<UserKey> users = List.of(new UserKey("alice", alice),
                new UserKey("bob", bob));
        try (UdpEcho echo = new UdpEcho("U:");
                ProxyStack stack = ProxyStack.start(method, ipsk, users, ipsk + ":" + alice, Map.of(), Mode.TCP_AND_UDP,
                        CommonSettings.DEFAULT_TIMEOUT, null);
                ShadowsocksLocal bobsLocal = stack.startLocal(method, ipsk + ":" + bob, Mode.TCP_AND_UDP);
                ShadowsocksLocal intruder = stack.startLocal(method, ipsk + ":" + Sip022Keys.generatePsk(method),
                        Mode.TCP_AND_UDP)) {
            transferBothWays(stack.socks(), stack, HUNDRED_MB);
            transferBothWays(bobsLocal.tcpAddresses().get(0), stack, 3_000_000);
            for (InetSocketAddress socks : List.of(stack.socks(), bobsLocal.tcpAddresses().get(0))) {
                try (SocksUdpClient udp = new SocksUdpClient(socks)) {
                    udp.send(echo.address(), new byte[] {42});
                    assertThat(udp.receive(5000).data()).containsExactly('U', ':', 42);
                }
            }
            // a user the server does not know gets nowhere, over TCP or UDP
            int accepted = stack.target.accepted();
            try (Socket s = Socks.connect(intruder.tcpAddresses().get(0), ProxyStack.TARGET_NAME, stack.target.port())) {
                s.getOutputStream().write(new byte[] {'E', 1});
                s.setSoTimeout(1000);
                assertThat(EndToEndTest.readToEndOrTimeout(s.getInputStream())).isEmpty();
            }
            try (SocksUdpClient udp = new SocksUdpClient(intruder.tcpAddresses().get(0))) {
                int before = echo.received();
                udp.send(echo.address(), new byte[] {1});
                assertThat(udp.receive(1000)).isNull();
                assertThat(echo.received()).isEqualTo(before);
            }
            assertThat(stack.target.accepted()).isEqualTo(accepted);

            Map<String, TrafficStats.UserTotals> traffic = stack.server.traffic().snapshot()
                    .get(stack.serverAddress().getPort()).users();
            assertThat(traffic).containsKeys("alice", "bob").doesNotContainKey("");
            // alice uploaded 100 MB plus the request bytes; bob 3 MB plus a few
            assertThat(traffic.get("alice").tcpBytesUp()).isGreaterThanOrEqualTo(HUNDRED_MB);
            assertThat(traffic.get("alice").tcpBytesDown()).isGreaterThanOrEqualTo(HUNDRED_MB);
            assertThat(traffic.get("bob").tcpBytesUp()).isBetween(3_000_000L, 3_100_000L);
            assertThat(traffic.get("bob").udpPacketsUp()).isEqualTo(1);
        }
    }

    @Test
    void chachaMethodsRefuseIdentityKeys() {
        CipherKind method = CipherKind.BLAKE3_CHACHA20_POLY1305;
        String k = Sip022Keys.generatePsk(method);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ProxyStack.start(method, k,
                List.of(new UserKey("alice", k)), k, Map.of(), Mode.TCP_ONLY, CommonSettings.DEFAULT_TIMEOUT,
                null)).hasMessageContaining("AES");
    }

    static void transferBothWays(InetSocketAddress socks, ProxyStack stack, long size) throws Exception {
        try (Socket s = Socks.connect(socks, ProxyStack.TARGET_NAME, stack.target.port())) {
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeByte('U');
            out.writeLong(size);
            TestData.stream(size, out);
            out.flush();
            assertThat(s.getInputStream().readNBytes(32)).as("upload hash").isEqualTo(TestData.streamHash(size));
        }
        try (Socket s = Socks.connect(socks, ProxyStack.TARGET_NAME, stack.target.port())) {
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeByte('D');
            out.writeLong(size);
            out.flush();
            TestData.Digest got = TestData.readAll(s.getInputStream());
            assertThat(got.count()).isEqualTo(size);
            assertThat(Arrays.equals(got.sha256(), TestData.streamHash(size))).as("download hash").isTrue();
        }
    }
}
