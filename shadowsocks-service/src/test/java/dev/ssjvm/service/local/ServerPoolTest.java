package dev.ssjvm.service.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.service.config.ServerEndpoint;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The balancer's choice from results fed by hand: scores, weights, down and up, a replaced list. */
class ServerPoolTest {
    private static final double MAX_RTT = 5000;

    private static ServerConnector.Remote remote(int port, double tcpWeight, double udpWeight) {
        return new ServerConnector.Remote(new ServerEndpoint("127.0.0.1", port, CipherKind.AES_256_GCM, "secret")
                .withWeights(tcpWeight, udpWeight), null);
    }

    private static ServerPool pool(ServerConnector.Remote... remotes) {
        ServerPool pool = new ServerPool(MAX_RTT);
        pool.replace(List.of(remotes));
        return pool;
    }

    private static int port(ServerPool.Server s) {
        return s.remote().endpoint().port();
    }

    @Test
    void beforeAnyResultTheListOrderAndTheWeightsDecide() {
        assertThat(port(pool(remote(1, 1, 1), remote(2, 1, 1)).tcp())).isEqualTo(1);
        ServerPool weighted = pool(remote(1, 0.5, 1), remote(2, 1, 0.5));
        assertThat(port(weighted.tcp())).isEqualTo(2);
        assertThat(port(weighted.udp())).isEqualTo(1);
    }

    @Test
    void theFasterServerWinsAndTcpAndUdpAreRankedApart() {
        ServerPool pool = pool(remote(1, 1, 1), remote(2, 1, 1));
        ServerPool.Server a = pool.servers().get(0);
        ServerPool.Server b = pool.servers().get(1);
        for (int i = 0; i < 5; i++) {
            pool.success(a, ServerPool.Protocol.TCP, 300);
            pool.success(b, ServerPool.Protocol.TCP, 40);
            pool.success(a, ServerPool.Protocol.UDP, 30);
            pool.success(b, ServerPool.Protocol.UDP, 200);
        }
        assertThat(port(pool.tcp())).isEqualTo(2);
        assertThat(port(pool.udp())).isEqualTo(1);
    }

    @Test
    void weightsOutweighLatenciesUsersCannotTellApart() {
        ServerPool pool = pool(remote(1, 0.2, 1), remote(2, 1, 1));
        pool.success(pool.servers().get(0), ServerPool.Protocol.TCP, 1);
        pool.success(pool.servers().get(1), ServerPool.Protocol.TCP, 9);
        assertThat(port(pool.tcp())).isEqualTo(2);
        // a real difference in latency still counts: 20 + 1 ms at weight 0.2 beats 20 + 300 ms at weight 1
        for (int i = 0; i < 5; i++) {
            pool.success(pool.servers().get(1), ServerPool.Protocol.TCP, 300);
        }
        assertThat(port(pool.tcp())).isEqualTo(1);
    }

    @Test
    void aServerIsDownAfterFailuresInARowAndUpAfterASuccess() {
        ServerPool pool = pool(remote(1, 1, 1), remote(2, 0.1, 1));
        ServerPool.Server a = pool.servers().get(0);
        for (int i = 0; i < ServerHealth.DOWN_AFTER - 1; i++) {
            pool.failure(a, ServerPool.Protocol.TCP);
            assertThat(a.tcp().down()).isFalse();
        }
        pool.failure(a, ServerPool.Protocol.TCP);
        assertThat(a.tcp().down()).isTrue();
        assertThat(port(pool.tcp())).isEqualTo(2);
        assertThat(port(pool.udp())).as("UDP has its own health").isEqualTo(1);
        assertThat(port(pool.other(ServerPool.Protocol.TCP, pool.servers().get(1)))).isEqualTo(1);

        pool.success(a, ServerPool.Protocol.TCP, 5);
        assertThat(a.tcp().down()).isFalse();
    }

    @Test
    void whenEveryServerIsDownTheLeastBadOneIsTried() {
        ServerPool pool = pool(remote(1, 1, 1), remote(2, 1, 1));
        pool.success(pool.servers().get(1), ServerPool.Protocol.TCP, 5);
        for (int i = 0; i < ServerHealth.DOWN_AFTER; i++) {
            pool.failure(pool.servers().get(0), ServerPool.Protocol.TCP);
            pool.failure(pool.servers().get(1), ServerPool.Protocol.TCP);
        }
        assertThat(pool.servers()).allMatch(s -> s.tcp().down());
        assertThat(port(pool.tcp())).as("fewer failures in its window").isEqualTo(2);
    }

    @Test
    void aReplacedListKeepsTheHealthOfTheServersInBoth() {
        ServerPool pool = pool(remote(1, 1, 1), remote(2, 1, 1));
        for (int i = 0; i < ServerHealth.DOWN_AFTER; i++) {
            pool.failure(pool.servers().get(0), ServerPool.Protocol.TCP);
        }
        pool.replace(List.of(remote(3, 1, 1), remote(1, 1, 1)));
        assertThat(pool.servers().get(1).tcp().down()).isTrue();
        assertThat(port(pool.tcp())).isEqualTo(3);
        assertThat(pool.other(ServerPool.Protocol.TCP, pool.servers().get(0))).isSameAs(pool.servers().get(1));
        pool.replace(List.of(remote(4, 1, 1)));
        assertThat(pool.other(ServerPool.Protocol.TCP, pool.tcp())).isNull();
    }

    @Test
    void theScoreFollowsTheDocumentedFormula() {
        ServerHealth h = new ServerHealth(0.5, MAX_RTT);
        assertThat(h.score()).isEqualTo(ServerHealth.FLOOR_MILLIS / 0.5);
        h.success(10);
        h.success(30);
        h.success(20);
        h.failure();
        // median 20, MAD median(|10-20|, |30-20|, 0) = 10, fail rate 1/4
        assertThat(h.score()).isEqualTo((ServerHealth.FLOOR_MILLIS + 20 + 10 + 3 * 0.25 * MAX_RTT) / 0.5);
        ServerHealth dead = new ServerHealth(1, MAX_RTT);
        dead.failure();
        assertThat(dead.score()).isEqualTo(ServerHealth.FLOOR_MILLIS + MAX_RTT + 3 * MAX_RTT);
        for (int i = 0; i < ServerHealth.WINDOW; i++) {
            dead.success(7);
        }
        assertThat(dead.score()).as("old results leave the window").isEqualTo(ServerHealth.FLOOR_MILLIS + 7);
    }
}
