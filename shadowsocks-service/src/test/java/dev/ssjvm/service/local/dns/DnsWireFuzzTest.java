package dev.ssjvm.service.local.dns;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ssjvm.service.testing.LeakCheck;
import io.netty.handler.codec.dns.DnsResponseCode;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Coverage-guided fuzzing of the DNS front end's wire parsing (what a client or a resolver may send):
 * a query is read or refused with BadQuery, an answer read or refused with IllegalArgumentException,
 * nothing else escapes and no buffer leaks; what the front end sends back about a query has its id.
 */
@ExtendWith(LeakCheck.class)
class DnsWireFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void query(byte[] message) {
        byte[] refusal = DnsWire.headerOnlyAnswer(message, DnsResponseCode.FORMERR);
        if (refusal != null) {
            assertThat(DnsWire.id(refusal)).isEqualTo(DnsWire.id(message));
        }
        DnsWire.Query query;
        try {
            query = DnsWire.readQuery(message);
        } catch (DnsWire.BadQuery expected) {
            return;
        }
        assertThat(query.id()).isEqualTo(DnsWire.id(message));
        query.cacheKey();
        byte[] failure = DnsWire.serverFailure(query);
        assertThat(DnsWire.readAnswer(failure).id()).isEqualTo(query.id());
    }

    @FuzzTest(maxDuration = "10s")
    void answer(byte[] message) {
        try {
            DnsWire.readAnswer(message);
        } catch (IllegalArgumentException expected) {
            // refused
        }
    }
}
