package dev.ssjvm.service.local.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ssjvm.service.testing.LeakCheck;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryEncoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsOpCode;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Reading queries and answers, and the cache, on messages that Netty's encoders (not ours) build, and
 * read back with Netty's decoder: ids, TTL offsets, negative caching, EDNS, refusals.
 */
@ExtendWith(LeakCheck.class)
class DnsWireTest {
    private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 53);

    private static byte[] answer(int id, DnsResponseCode code, boolean truncated, DnsRecord... records) {
        DatagramDnsResponse r = new DatagramDnsResponse(PEER, PEER, id, DnsOpCode.QUERY, code);
        r.setTruncated(truncated);
        r.addRecord(DnsSection.QUESTION, new DefaultDnsQuestion("name.test.", DnsRecordType.A));
        for (DnsRecord record : records) {
            r.addRecord(record.type().equals(DnsRecordType.SOA) ? DnsSection.AUTHORITY : DnsSection.ANSWER, record);
        }
        EmbeddedChannel ch = new EmbeddedChannel(new DatagramDnsResponseEncoder());
        ch.writeOutbound(r);
        DatagramPacket packet = ch.readOutbound();
        try {
            return ByteBufUtil.getBytes(packet.content());
        } finally {
            packet.release();
            ch.finishAndReleaseAll();
        }
    }

    private static DnsRecord a(long ttl, int last) {
        return new DefaultDnsRawRecord("name.test.", DnsRecordType.A, ttl, Unpooled.wrappedBuffer(new byte[] {10, 0, 0,
                (byte) last}));
    }

    /** An SOA whose names are the root, so its data is 2 names of one byte and 5 numbers. */
    private static DnsRecord soa(long ttl, int minimum) {
        ByteBuf data = Unpooled.buffer().writeByte(0).writeByte(0).writeInt(1).writeInt(2).writeInt(3).writeInt(4)
                .writeInt(minimum);
        return new DefaultDnsRawRecord("test.", DnsRecordType.SOA, ttl, data);
    }

    private static DnsResponse decode(byte[] message) {
        EmbeddedChannel ch = new EmbeddedChannel(new DatagramDnsResponseDecoder());
        ch.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(message), PEER, PEER));
        DnsResponse r = ch.readInbound();
        ch.finishAndReleaseAll();
        return r;
    }

    @Test
    void aPositiveAnswerIsKeptForItsSmallestTtlAndServedWithTheNewIdAndAgedTtls() {
        byte[] message = answer(0x4242, DnsResponseCode.NOERROR, false, a(300, 1), a(120, 2));
        DnsWire.Answer read = DnsWire.readAnswer(message);
        assertThat(read.id()).isEqualTo(0x4242);
        assertThat(read.cacheSeconds()).isEqualTo(120);
        assertThat(read.ttlOffsets()).hasSize(2);
        assertThat(read.addresses()).extracting(java.net.InetAddress::getHostAddress)
                .containsExactly("10.0.0.1", "10.0.0.2");

        AtomicLong now = new AtomicLong(1_000);
        DnsCache cache = new DnsCache(10, now::get);
        cache.put("k", message, read.ttlOffsets(), read.cacheSeconds());
        now.addAndGet(TimeUnit.SECONDS.toNanos(50) + 1);
        byte[] served = cache.get("k", 7);
        DnsResponse r = decode(served);
        try {
            assertThat(r.id()).isEqualTo(7);
            assertThat(r.recordAt(DnsSection.ANSWER, 0).timeToLive()).isEqualTo(250);
            assertThat(r.recordAt(DnsSection.ANSWER, 1).timeToLive()).isEqualTo(70);
            assertThat(r.count(DnsSection.ANSWER)).isEqualTo(2);
        } finally {
            r.release();
        }
        assertThat(DnsWire.id(message)).as("the kept message is not changed").isEqualTo(0x4242);
        now.addAndGet(TimeUnit.SECONDS.toNanos(70));
        assertThat(cache.get("k", 8)).as("expired").isNull();
        assertThat(cache.size()).isZero();
    }

    @Test
    void negativeAnswersAreKeptPerTheirSoaOrBriefly() {
        byte[] withSoa = answer(1, DnsResponseCode.NXDOMAIN, false, soa(3600, 60));
        assertThat(DnsWire.readAnswer(withSoa).cacheSeconds()).isEqualTo(60);
        assertThat(DnsWire.readAnswer(answer(1, DnsResponseCode.NOERROR, false, soa(30, 900))).cacheSeconds())
                .as("no data: the SOA's TTL when it is the smaller").isEqualTo(30);
        assertThat(DnsWire.readAnswer(answer(1, DnsResponseCode.NXDOMAIN, false)).cacheSeconds())
                .isEqualTo(DnsWire.NEGATIVE_DEFAULT_SECONDS);
        assertThat(DnsWire.readAnswer(answer(1, DnsResponseCode.SERVFAIL, false)).cacheSeconds()).isZero();
        assertThat(DnsWire.readAnswer(answer(1, DnsResponseCode.NOERROR, true, a(300, 1))).cacheSeconds())
                .as("a truncated answer is not kept").isZero();
        assertThat(DnsWire.readAnswer(answer(1, DnsResponseCode.NOERROR, false, a(0, 1))).cacheSeconds()).isZero();
        assertThat(DnsWire.readAnswer(answer(1, DnsResponseCode.NOERROR, false, a(10_000_000, 1))).cacheSeconds())
                .isEqualTo(DnsWire.MAX_CACHE_SECONDS);
    }

    @Test
    void theCacheIsBoundedLeastRecentlyUsedFirst() {
        byte[] message = answer(1, DnsResponseCode.NOERROR, false, a(300, 1));
        int[] offsets = DnsWire.readAnswer(message).ttlOffsets();
        DnsCache cache = new DnsCache(2);
        cache.put("a", message, offsets, 300);
        cache.put("b", message, offsets, 300);
        assertThat(cache.get("a", 1)).isNotNull();
        cache.put("c", message, offsets, 300);
        assertThat(cache.get("b", 1)).isNull();
        assertThat(cache.get("a", 1)).isNotNull();
        assertThat(cache.get("c", 1)).isNotNull();
        cache.put("d", message, offsets, 0);
        assertThat(cache.get("d", 1)).as("a TTL of 0 is not kept").isNull();
    }

    private static byte[] query(int id, DnsRecord... additional) {
        DatagramDnsQuery q = new DatagramDnsQuery(PEER, PEER, id);
        q.setRecursionDesired(true);
        q.addRecord(DnsSection.QUESTION, new DefaultDnsQuestion("Name.Test.", DnsRecordType.AAAA));
        for (DnsRecord r : additional) {
            q.addRecord(DnsSection.ADDITIONAL, r);
        }
        EmbeddedChannel ch = new EmbeddedChannel(new DatagramDnsQueryEncoder());
        ch.writeOutbound(q);
        DatagramPacket packet = ch.readOutbound();
        try {
            return ByteBufUtil.getBytes(packet.content());
        } finally {
            packet.release();
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void queriesTellTheirQuestionAndEdnsLimits() throws Exception {
        DnsWire.Query plain = DnsWire.readQuery(query(99));
        assertThat(plain.id()).isEqualTo(99);
        assertThat(plain.host()).isEqualTo("Name.Test");
        assertThat(plain.type()).isEqualTo(DnsRecordType.AAAA);
        assertThat(plain.udpLimit()).isEqualTo(512);
        assertThat(plain.recursionDesired()).isTrue();
        DnsWire.Query edns = DnsWire.readQuery(query(99,
                new DefaultDnsRawRecord("", DnsRecordType.OPT, 4096, 0x8000, Unpooled.EMPTY_BUFFER)));
        assertThat(edns.udpLimit()).isEqualTo(4096);
        assertThat(edns.dnssecOk()).isTrue();
        assertThat(edns.cacheKey()).isNotEqualTo(plain.cacheKey()).startsWith("name.test.");

        byte[] servfail = DnsWire.serverFailure(plain);
        DnsResponse r = decode(servfail);
        try {
            assertThat(r.id()).isEqualTo(99);
            assertThat(r.code()).isEqualTo(DnsResponseCode.SERVFAIL);
            assertThat(r.recordAt(DnsSection.QUESTION).name()).isEqualTo("Name.Test.");
        } finally {
            r.release();
        }
    }

    @Test
    void badQueriesAreRefusedWithTheirCodeAndAnswersAreNeverAnswered() {
        assertThatThrownBy(() -> DnsWire.readQuery(new byte[] {1, 2, 3})).isInstanceOf(DnsWire.BadQuery.class);
        byte[] answer = answer(5, DnsResponseCode.NOERROR, false, a(300, 1));
        assertThatThrownBy(() -> DnsWire.readQuery(answer)).isInstanceOf(DnsWire.BadQuery.class);
        assertThat(DnsWire.headerOnlyAnswer(answer, DnsResponseCode.FORMERR)).as("no answer to an answer").isNull();
        assertThat(DnsWire.headerOnlyAnswer(new byte[] {1, 2, 3}, DnsResponseCode.FORMERR)).isNull();

        // a label with a NUL byte: Netty decodes it but will not encode it, so no SERVFAIL could echo it
        byte[] nul = {0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 3, 'a', 0, 'b', 0, 0, 1, 0, 1};
        assertThatThrownBy(() -> DnsWire.readQuery(nul)).isInstanceOfSatisfying(DnsWire.BadQuery.class,
                e -> assertThat(e.code).isEqualTo(DnsResponseCode.FORMERR));

        byte[] update = query(6);
        update[2] = (byte) ((update[2] & 0x87) | (5 << 3)); // opcode UPDATE
        assertThatThrownBy(() -> DnsWire.readQuery(update)).isInstanceOfSatisfying(DnsWire.BadQuery.class,
                e -> assertThat(e.code).isEqualTo(DnsResponseCode.NOTIMP));
        DnsResponse r = decode(DnsWire.headerOnlyAnswer(update, DnsResponseCode.NOTIMP));
        try {
            assertThat(r.id()).isEqualTo(6);
            assertThat(r.code()).isEqualTo(DnsResponseCode.NOTIMP);
            assertThat(r.count()).isZero();
        } finally {
            r.release();
        }
        assertThatThrownBy(() -> DnsWire.readAnswer(new byte[] {0, 1})).isInstanceOf(IllegalArgumentException.class);
    }
}
