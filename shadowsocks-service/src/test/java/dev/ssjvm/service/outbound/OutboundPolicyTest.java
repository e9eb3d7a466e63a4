package dev.ssjvm.service.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssjvm.service.acl.IpRangeSet;
import dev.ssjvm.service.testing.LeakCheck;
import dev.ssjvm.service.testing.TestDns;
import dev.ssjvm.service.transport.ServiceIo;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Resolve-then-check, with a loopback test DNS that counts the queries it gets. Names are looked up
 * on a real event loop; each test uses names no other test looks up, so the shared cache cannot
 * hide a query.
 */
@ExtendWith(LeakCheck.class)
class OutboundPolicyTest {
    private static final TargetRule FORBIDDEN = TargetRule.addresses("forbidden_ip",
            IpRangeSet.parse(IpRangeSet.DEFAULT_FORBIDDEN));
    /** A name list as an ACL would have: names under blocked.test are refused without a lookup. */
    private static final TargetRule BLOCKED_NAMES = TargetRule.names("test block list", host -> host.endsWith(".blocked.test"));
    private static final InetAddress PUBLIC = address("192.0.2.10");

    private static TestDns dns;
    private static ServiceIo io;
    private static EventLoop loop;

    @BeforeAll
    static void start() throws Exception {
        dns = new TestDns()
                .add("public.test", PUBLIC)
                .add("loopback.test", InetAddress.getLoopbackAddress())
                .add("mapped-loopback.test", mappedLoopback())
                .add("ads.blocked.test", PUBLIC); // resolvable, so only the name check can refuse it
        io = new ServiceIo("policy-test", null, 1, List.of(dns.address()), false);
        loop = io.group().next();
    }

    @AfterAll
    static void stop() {
        io.close();
        dns.close();
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal); // a literal: no lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** ::ffff:127.0.0.1 as an Inet6Address (InetAddress.getByName would unwrap it to IPv4). */
    private static InetAddress mappedLoopback() throws UnknownHostException {
        byte[] ip = new byte[16];
        ip[10] = (byte) 0xff;
        ip[11] = (byte) 0xff;
        ip[12] = 127;
        ip[15] = 1;
        return Inet6Address.getByAddress(null, ip, -1);
    }

    private static OutboundPolicy policy(TargetRule... rules) {
        return new OutboundPolicy(io.resolver(), List.of(rules));
    }

    /** What {@code resolve} returned, and whether it was already done when it returned. */
    private record Answer(boolean doneAtOnce, Future<InetSocketAddress> future) {
        Answer await() throws InterruptedException {
            assertThat(future.await(10, TimeUnit.SECONDS)).as("answered").isTrue();
            return this;
        }

        OutboundRefusal.Reason refusal() {
            assertThat(future.isSuccess()).as("refused").isFalse();
            assertThat(future.cause()).isInstanceOf(OutboundRefusal.class);
            return ((OutboundRefusal) future.cause()).reason();
        }
    }

    /** Asks on the loop, as the request stage and the UDP associations do. */
    private static Answer resolve(OutboundPolicy policy, InetSocketAddress target) throws Exception {
        return loop.submit(() -> {
            Future<InetSocketAddress> f = policy.resolve(loop, target);
            return new Answer(f.isDone(), f);
        }).get(5, TimeUnit.SECONDS);
    }

    @Test
    void anAllowedAddressIsAnsweredAtOnceWithoutALookup() throws Exception {
        int queries = dns.queries();
        InetSocketAddress target = new InetSocketAddress(PUBLIC, 443);

        Answer answer = resolve(policy(FORBIDDEN, BLOCKED_NAMES), target);

        assertThat(answer.doneAtOnce()).isTrue();
        assertThat(answer.future().getNow()).isEqualTo(target);
        assertThat(dns.queries()).isEqualTo(queries);
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.1.2.3", "::1", "0.0.0.0", "::", "0.1.2.3", "::ffff:127.0.0.1"})
    void theLoopbackInEveryDisguiseIsRefusedAtOnceByTheDefaultSet(String literal) throws Exception {
        Answer answer = resolve(policy(FORBIDDEN), new InetSocketAddress(address(literal), 80));

        assertThat(answer.doneAtOnce()).isTrue();
        assertThat(answer.refusal()).isEqualTo(OutboundRefusal.Reason.BLOCKED);
        assertThat(answer.future().cause()).hasMessageContaining("forbidden_ip");
    }

    @Test
    void anIpv4MappedIpv6LoopbackIsRefused() throws Exception {
        // InetAddress.getByName unwraps the literal: here it stays an Inet6Address, as some APIs hand it over
        Answer answer = resolve(policy(FORBIDDEN), new InetSocketAddress(mappedLoopback(), 80));

        assertThat(answer.doneAtOnce()).isTrue();
        assertThat(answer.refusal()).isEqualTo(OutboundRefusal.Reason.BLOCKED);
    }

    @Test
    void withoutRulesEvenTheLoopbackIsAllowed() throws Exception {
        Answer answer = resolve(policy(), new InetSocketAddress(InetAddress.getLoopbackAddress(), 80));

        assertThat(answer.doneAtOnce()).isTrue();
        assertThat(answer.future().isSuccess()).isTrue();
    }

    @Test
    void aBlockedNameIsRefusedBeforeItIsLookedUp() throws Exception {
        int queries = dns.queries();

        Answer answer = resolve(policy(FORBIDDEN, BLOCKED_NAMES),
                InetSocketAddress.createUnresolved("ads.blocked.test", 443));

        assertThat(answer.doneAtOnce()).isTrue();
        assertThat(answer.refusal()).isEqualTo(OutboundRefusal.Reason.BLOCKED);
        assertThat(answer.future().cause()).hasMessageContaining("test block list");
        assertThat(dns.queries()).as("no DNS query for a blocked name").isEqualTo(queries);
    }

    @Test
    void aNameIsLookedUpAndItsAddressAllowed() throws Exception {
        int queries = dns.queries();

        Answer answer = resolve(policy(FORBIDDEN, BLOCKED_NAMES), InetSocketAddress.createUnresolved("public.test", 8443))
                .await();

        assertThat(answer.future().isSuccess()).isTrue();
        assertThat(answer.future().getNow()).isEqualTo(new InetSocketAddress(PUBLIC, 8443));
        assertThat(dns.queries()).isGreaterThan(queries);
    }

    @Test
    void aNameThatResolvesToAForbiddenAddressIsBlocked() throws Exception {
        Answer answer = resolve(policy(FORBIDDEN), InetSocketAddress.createUnresolved("loopback.test", 80)).await();

        assertThat(answer.refusal()).isEqualTo(OutboundRefusal.Reason.BLOCKED);
    }

    @Test
    void aNameWhoseOnlyAnswerIsAMappedLoopbackIsBlocked() throws Exception {
        // no A record, an AAAA record of ::ffff:127.0.0.1
        Answer answer = resolve(policy(FORBIDDEN), InetSocketAddress.createUnresolved("mapped-loopback.test", 80))
                .await();

        assertThat(answer.refusal()).isEqualTo(OutboundRefusal.Reason.BLOCKED);
    }

    @Test
    void aNameThatDoesNotResolveIsADnsFailure() throws Exception {
        Answer answer = resolve(policy(FORBIDDEN), InetSocketAddress.createUnresolved("nowhere.test", 80)).await();

        assertThat(answer.refusal()).isEqualTo(OutboundRefusal.Reason.DNS_FAILURE);
        assertThat(answer.future().cause()).hasMessageContaining("nowhere.test");
    }
}
