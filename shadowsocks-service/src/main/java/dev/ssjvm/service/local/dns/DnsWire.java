package dev.ssjvm.service.local.dns;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.DefaultAddressedEnvelope;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponseDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DefaultDnsRecordDecoder;
import io.netty.handler.codec.dns.DefaultDnsResponse;
import io.netty.handler.codec.dns.DnsOpCode;
import io.netty.handler.codec.dns.DnsQuery;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordEncoder;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * DNS messages as the front end handles them: read with Netty's DNS codec, but forwarded and cached
 * as the exact bytes that came in. Re-encoding a decoded answer would break it: Netty keeps the
 * record data of MX, SOA, SRV and the like raw, with compression pointers into the original message.
 * What we change in place is only the id (bytes 0-1) and the TTLs, whose offsets the codec's record
 * decoder reports to us.
 */
final class DnsWire {
    static final int HEADER = 12;
    /** The UDP answer size a client without EDNS accepts (RFC 1035). */
    static final int CLASSIC_UDP_LIMIT = 512;
    /** How long a negative answer without an SOA record is kept. */
    static final long NEGATIVE_DEFAULT_SECONDS = 10;
    /** No answer is kept longer than a day, whatever its TTL. */
    static final long MAX_CACHE_SECONDS = 86_400;
    private static final InetSocketAddress NOWHERE = InetSocketAddress.createUnresolved("dns", 53);

    private DnsWire() {}

    /** A query the front end can forward: a standard query with exactly one question. */
    record Query(int id, String name, DnsRecordType type, int dnsClass, boolean recursionDesired, int udpLimit,
            boolean dnssecOk) {

        /** The name without its final dot, as ACL rules write names. */
        String host() {
            return name.endsWith(".") && name.length() > 1 ? name.substring(0, name.length() - 1) : name;
        }

        /** Answers differ by question and by whether DNSSEC records were asked for. */
        String cacheKey() {
            return name.toLowerCase(Locale.ROOT) + " " + type.intValue() + " " + dnsClass + (dnssecOk ? " do" : "");
        }
    }

    /** A query we refuse to forward, with the response code its header-only answer carries. */
    static final class BadQuery extends Exception {
        final DnsResponseCode code;

        BadQuery(DnsResponseCode code, String why) {
            super(why, null, false, false);
            this.code = code;
        }
    }

    /**
     * Reads a client's query.
     *
     * @throws BadQuery for a message that is not a standard query with one question
     */
    static Query readQuery(byte[] message) throws BadQuery {
        DnsQuery query;
        try {
            query = QueryReader.INSTANCE.read(message);
        } catch (Exception e) {
            throw new BadQuery(DnsResponseCode.FORMERR, "not a DNS query: " + e.getMessage());
        }
        try {
            if (!query.opCode().equals(DnsOpCode.QUERY)) {
                throw new BadQuery(DnsResponseCode.NOTIMP, "opcode " + query.opCode());
            }
            if (query.count(DnsSection.QUESTION) != 1) {
                throw new BadQuery(DnsResponseCode.FORMERR, query.count(DnsSection.QUESTION) + " questions");
            }
            DnsQuestion question = query.recordAt(DnsSection.QUESTION);
            requireEncodable(question);
            int udpLimit = CLASSIC_UDP_LIMIT;
            boolean dnssecOk = false;
            for (int i = 0; i < query.count(DnsSection.ADDITIONAL); i++) {
                DnsRecord r = query.recordAt(DnsSection.ADDITIONAL, i);
                if (r.type().equals(DnsRecordType.OPT)) { // EDNS: the class is the UDP size, the TTL holds DO
                    udpLimit = Math.max(CLASSIC_UDP_LIMIT, r.dnsClass());
                    dnssecOk = (r.timeToLive() & 0x8000) != 0;
                }
            }
            return new Query(query.id(), question.name(), question.type(), question.dnsClass(),
                    query.isRecursionDesired(), udpLimit, dnssecOk);
        } finally {
            query.release();
        }
    }

    /**
     * The decoder takes names the encoder refuses (a NUL byte, a dot inside a label, an empty label):
     * such a question could not be echoed in our own answers (SERVFAIL), so it is refused here (a fuzz
     * finding: serverFailure threw).
     */
    private static void requireEncodable(DnsQuestion question) throws BadQuery {
        ByteBuf scratch = Unpooled.buffer(question.name().length() + 8);
        try {
            DnsRecordEncoder.DEFAULT.encodeQuestion(question, scratch);
        } catch (Exception e) {
            throw new BadQuery(DnsResponseCode.FORMERR, "a name that cannot be written back: " + e.getMessage());
        } finally {
            scratch.release();
        }
    }

    /**
     * What the front end needs to know of an answer.
     *
     * @param ttlOffsets where each record's TTL sits in the message (EDNS's OPT excluded)
     * @param cacheSeconds how long it may be kept: 0 for not at all
     * @param addresses of its A and AAAA records, in every section
     */
    record Answer(int id, DnsResponseCode code, boolean truncated, String name, DnsRecordType type, int[] ttlOffsets,
            long cacheSeconds, List<InetAddress> addresses) {}

    /** @throws IllegalArgumentException when the message is not a DNS response with one question */
    static Answer readAnswer(byte[] message) {
        TtlRecorder records = new TtlRecorder();
        DnsResponse response;
        try {
            response = new AnswerReader(records).read(message);
        } catch (Exception e) {
            throw new IllegalArgumentException("not a DNS response: " + e.getMessage(), e);
        }
        try {
            if (response.count(DnsSection.QUESTION) != 1) {
                throw new IllegalArgumentException(response.count(DnsSection.QUESTION) + " questions in the answer");
            }
            DnsQuestion question = response.recordAt(DnsSection.QUESTION);
            DnsResponseCode code = response.code();
            long seconds = 0;
            if (!response.isTruncated()) {
                boolean negative = code.equals(DnsResponseCode.NXDOMAIN)
                        || (code.equals(DnsResponseCode.NOERROR) && response.count(DnsSection.ANSWER) == 0);
                if (negative) { // RFC 2308: the SOA's TTL, at most its minimum field
                    seconds = records.soaSeconds >= 0 ? records.soaSeconds : NEGATIVE_DEFAULT_SECONDS;
                } else if (code.equals(DnsResponseCode.NOERROR)) {
                    seconds = records.minTtl;
                }
            }
            return new Answer(response.id(), code, response.isTruncated(), question.name(), question.type(),
                    records.offsets.stream().mapToInt(Integer::intValue).toArray(),
                    Math.min(seconds, MAX_CACHE_SECONDS), List.copyOf(records.addresses));
        } finally {
            response.release();
        }
    }

    /** A header-only answer to a query we do not forward: its id and opcode, the given code. */
    static byte[] headerOnlyAnswer(byte[] query, DnsResponseCode code) {
        if (query.length < HEADER || (query[2] & 0x80) != 0) {
            return null; // no header to answer, or itself an answer: answering could start a loop
        }
        int id = ((query[0] & 0xff) << 8) | (query[1] & 0xff);
        DefaultDnsResponse response = new DefaultDnsResponse(id, DnsOpCode.valueOf((query[2] >> 3) & 0x0f), code);
        response.setRecursionDesired((query[2] & 0x01) != 0).setRecursionAvailable(true);
        return AnswerWriter.INSTANCE.write(response);
    }

    /** The answer we give when no resolver answered in time (or at all). */
    static byte[] serverFailure(Query query) {
        DefaultDnsResponse response = new DefaultDnsResponse(query.id(), DnsOpCode.QUERY, DnsResponseCode.SERVFAIL);
        response.setRecursionDesired(query.recursionDesired()).setRecursionAvailable(true);
        response.addRecord(DnsSection.QUESTION, new DefaultDnsQuestion(query.name(), query.type(), query.dnsClass()));
        return AnswerWriter.INSTANCE.write(response);
    }

    /**
     * {@code answer} with its question's name spelled as in {@code query}: a kept answer may have been
     * asked with other letter cases, and a client that randomises them (DNS 0x20) checks the echo. The
     * name is the first thing after both headers; it is copied only when it is the same name.
     */
    static byte[] withQuestionOf(byte[] answer, byte[] query, String name) {
        int length = name.length() + (name.endsWith(".") ? 1 : 2); // a length byte per label, then the root
        if (answer.length < HEADER + length || query.length < HEADER + length) {
            return answer;
        }
        for (int i = HEADER; i < HEADER + length; i++) {
            if (Character.toLowerCase(answer[i]) != Character.toLowerCase(query[i])) {
                return answer; // not laid out as we thought (a label with a dot in it): leave it
            }
        }
        System.arraycopy(query, HEADER, answer, HEADER, length);
        return answer;
    }

    static int id(byte[] message) {
        return ((message[0] & 0xff) << 8) | (message[1] & 0xff);
    }

    /** {@code message} with {@code id} in its header (a copy: the original may be sent again). */
    static byte[] withId(byte[] message, int id) {
        byte[] copy = message.clone();
        copy[0] = (byte) (id >> 8);
        copy[1] = (byte) id;
        return copy;
    }

    /** Netty's query decoder, asked directly: we keep the bytes, it only tells us what they say. */
    private static final class QueryReader extends DatagramDnsQueryDecoder {
        static final QueryReader INSTANCE = new QueryReader();

        DnsQuery read(byte[] message) throws Exception {
            List<Object> out = new ArrayList<>(1);
            decode(null, new DatagramPacket(Unpooled.wrappedBuffer(message), NOWHERE, NOWHERE), out);
            return (DnsQuery) out.get(0);
        }
    }

    /** Netty's response decoder with our record decoder; one per answer, as the recorder has state. */
    private static final class AnswerReader extends DatagramDnsResponseDecoder {
        AnswerReader(TtlRecorder records) {
            super(records);
        }

        DnsResponse read(byte[] message) throws Exception {
            return decodeResponse(null, new DatagramPacket(Unpooled.wrappedBuffer(message), NOWHERE, NOWHERE));
        }
    }

    /**
     * Notes each record's TTL and where it is (just before the record data's length), and the SOA's
     * negative-caching time; keeps no record data, since only the header fields are used.
     */
    private static final class TtlRecorder extends DefaultDnsRecordDecoder {
        final List<Integer> offsets = new ArrayList<>();
        final List<InetAddress> addresses = new ArrayList<>();
        long minTtl = Long.MAX_VALUE;
        long soaSeconds = -1;

        @Override
        protected DnsRecord decodeRecord(String name, DnsRecordType type, int dnsClass, long timeToLive, ByteBuf in,
                int offset, int length) {
            if (!type.equals(DnsRecordType.OPT)) {
                offsets.add(offset - 6); // TTL (4 bytes), then RDLENGTH (2), then the data at offset
                minTtl = Math.min(minTtl, timeToLive);
                boolean address = type.equals(DnsRecordType.A) && length == 4
                        || type.equals(DnsRecordType.AAAA) && length == 16;
                if (address) {
                    byte[] ip = new byte[length];
                    in.getBytes(offset, ip);
                    try {
                        addresses.add(InetAddress.getByAddress(ip)); // from bytes: no lookup
                    } catch (UnknownHostException impossible) {
                        throw new IllegalStateException(impossible);
                    }
                }
                if (type.equals(DnsRecordType.SOA) && length >= 20) {
                    long minimum = in.getUnsignedInt(offset + length - 4);
                    soaSeconds = Math.min(timeToLive, minimum);
                }
            }
            return new DefaultDnsRawRecord(name, type, dnsClass, timeToLive, Unpooled.EMPTY_BUFFER);
        }
    }

    /** Netty's response encoder, asked directly for the bytes. */
    private static final class AnswerWriter extends DatagramDnsResponseEncoder {
        static final AnswerWriter INSTANCE = new AnswerWriter();

        byte[] write(DnsResponse response) {
            List<Object> out = new ArrayList<>(1);
            AddressedEnvelope<DnsResponse, InetSocketAddress> envelope = new DefaultAddressedEnvelope<>(response,
                    NOWHERE);
            try {
                encode(null, envelope, out);
                DatagramPacket packet = (DatagramPacket) out.get(0);
                try {
                    return ByteBufUtil.getBytes(packet.content());
                } finally {
                    packet.release();
                }
            } catch (Exception e) {
                throw new IllegalStateException("cannot encode a DNS answer", e);
            } finally {
                response.release();
            }
        }

        @Override
        protected ByteBuf allocateBuffer(ChannelHandlerContext ctx,
                AddressedEnvelope<DnsResponse, InetSocketAddress> msg) {
            return Unpooled.buffer(CLASSIC_UDP_LIMIT);
        }
    }
}
