package dev.ssjvm.service.acl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IpRangeSetTest {

    private static InetAddress ip(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void cidrsAndSingleAddresses() {
        IpRangeSet set = IpRangeSet.parse("10.0.0.0/8, 192.168.1.7, 2001:db8::/32, ::1");
        assertThat(set.contains(ip("10.0.0.0"))).isTrue();
        assertThat(set.contains(ip("10.255.255.255"))).isTrue();
        assertThat(set.contains(ip("11.0.0.0"))).isFalse();
        assertThat(set.contains(ip("9.255.255.255"))).isFalse();
        assertThat(set.contains(ip("192.168.1.7"))).isTrue();
        assertThat(set.contains(ip("192.168.1.8"))).isFalse();
        assertThat(set.contains(ip("2001:db8:ffff::1"))).isTrue();
        assertThat(set.contains(ip("2001:db9::"))).isFalse();
        assertThat(set.contains(ip("::1"))).isTrue();
        assertThat(set.contains(ip("::2"))).isFalse();
    }

    @Test
    void disguisedAddressesAreSeenThrough() {
        IpRangeSet set = IpRangeSet.parse(IpRangeSet.DEFAULT_FORBIDDEN);
        assertThat(set.contains(ip("0.0.0.0"))).isTrue();
        assertThat(set.contains(ip("::"))).isTrue();
        assertThat(set.contains(ip("::ffff:127.0.0.2"))).isTrue();
        assertThat(set.contains(ip("::127.0.0.3"))).as("IPv4-compatible").isTrue();
        assertThat(IpRangeSet.parse("::ffff:10.0.0.0/104").contains(ip("10.1.2.3"))).as("a mapped CIDR").isTrue();
    }

    @Test
    void extremesAndWholeSpaces() {
        IpRangeSet all = IpRangeSet.parse("0.0.0.0/0,::/0");
        assertThat(all.contains(ip("255.255.255.255"))).isTrue();
        assertThat(all.contains(ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"))).isTrue();
        assertThat(all.contains(ip("2001:db8::"))).isTrue();
        IpRangeSet top = IpRangeSet.parse("255.255.255.255/32,ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128");
        assertThat(top.contains(ip("255.255.255.255"))).isTrue();
        assertThat(top.contains(ip("255.255.255.254"))).isFalse();
        assertThat(top.contains(ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe"))).isFalse();
        assertThat(IpRangeSet.parse("2001:db8::/64").contains(ip("2001:db8::ffff:ffff:ffff:ffff"))).isTrue();
        assertThat(IpRangeSet.parse("2001:db8::/64").contains(ip("2001:db8:0:1::"))).isFalse();
        assertThat(IpRangeSet.parse("2001:db8::/65").contains(ip("2001:db8::8000:0:0:0"))).isFalse();
    }

    @Test
    void overlappingAndAdjacentRangesMerge() {
        IpRangeSet set = IpRangeSet.parse("10.0.0.0/24,10.0.1.0/24,10.0.0.128/25,10.0.3.0/24,"
                + "2001:db8::/64,2001:db8:0:1::/64,2001:db8::1");
        assertThat(set.rangeCount()).isEqualTo(3);
        assertThat(set.contains(ip("10.0.1.255"))).isTrue();
        assertThat(set.contains(ip("10.0.2.0"))).isFalse();
        assertThat(set.contains(ip("10.0.3.1"))).isTrue();
        assertThat(set.contains(ip("2001:db8:0:1:ffff::"))).isTrue();
    }

    @Test
    void badEntriesAreNamed() {
        assertThatThrownBy(() -> IpRangeSet.parse("10.0.0.0/33")).hasMessageContaining("10.0.0.0/33")
                .hasMessageContaining("0-32");
        assertThatThrownBy(() -> IpRangeSet.parse("::/129")).hasMessageContaining("0-128");
        assertThatThrownBy(() -> IpRangeSet.parse("10.0.0.0/x")).hasMessageContaining("prefix");
        assertThatThrownBy(() -> IpRangeSet.parse("example.com")).hasMessageContaining("not an IP address");
    }

    /** Binary search over merged ranges agrees with a plain scan of the CIDRs, for random sets. */
    @Test
    void agreesWithAPlainScan() {
        Random random = new Random(11);
        for (int round = 0; round < 20; round++) {
            List<long[]> v4 = new ArrayList<>();
            List<BigInteger[]> v6 = new ArrayList<>();
            IpRangeSet.Builder b = IpRangeSet.builder();
            for (int i = 0; i < 200; i++) {
                int prefix = 8 + random.nextInt(25);
                long base = random.nextLong() & 0xffffffffL & 0x0fffffffL | 0x10000000L;
                long size = 1L << (32 - prefix);
                long start = base & ~(size - 1);
                v4.add(new long[] {start, start + size - 1});
                b.add(v4Text(start) + "/" + prefix);
                int prefix6 = 16 + random.nextInt(113);
                BigInteger addr = new BigInteger(1, bytes(random, 16)).setBit(125).clearBit(127).clearBit(126);
                BigInteger size6 = BigInteger.ONE.shiftLeft(128 - prefix6);
                BigInteger start6 = addr.subtract(addr.mod(size6));
                v6.add(new BigInteger[] {start6, start6.add(size6).subtract(BigInteger.ONE)});
                b.add(v6Text(start6) + "/" + prefix6);
            }
            IpRangeSet set = b.build();
            for (int probe = 0; probe < 2000; probe++) {
                long a = random.nextBoolean() ? v4.get(random.nextInt(v4.size()))[random.nextInt(2)]
                        + random.nextInt(3) - 1 : (random.nextLong() & 0x0fffffffL | 0x10000000L);
                boolean expected = v4.stream().anyMatch(r -> r[0] <= a && a <= r[1]);
                assertThat(set.contains(ip(v4Text(a)))).as(v4Text(a)).isEqualTo(expected);
                BigInteger[] r6 = v6.get(random.nextInt(v6.size()));
                BigInteger x = random.nextBoolean() ? r6[random.nextInt(2)].add(BigInteger.valueOf(random.nextInt(3) - 1))
                        : new BigInteger(1, bytes(random, 16)).setBit(125).clearBit(127).clearBit(126);
                boolean expected6 = v6.stream().anyMatch(r -> r[0].compareTo(x) <= 0 && x.compareTo(r[1]) <= 0);
                assertThat(set.contains(ip(v6Text(x)))).as(v6Text(x)).isEqualTo(expected6);
            }
        }
    }

    private static byte[] bytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static String v4Text(long a) {
        return (a >>> 24 & 255) + "." + (a >>> 16 & 255) + "." + (a >>> 8 & 255) + "." + (a & 255);
    }

    private static String v6Text(BigInteger a) {
        String hex = String.format("%032x", a);
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 32; i += 4) {
            s.append(i == 0 ? "" : ":").append(hex, i, i + 4);
        }
        return s.toString();
    }
}
