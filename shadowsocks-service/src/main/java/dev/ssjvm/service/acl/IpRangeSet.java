package dev.ssjvm.service.acl;

import io.netty.util.NetUtil;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * A set of IP ranges in CIDR notation, as in the original's {@code forbidden_ip} and in ACL files: for
 * example {@code 127.0.0.0/8,::1/128}. A single address without a prefix means just that address.
 *
 * <p>The ranges are kept sorted and merged, IPv4 as one {@code long} per bound and IPv6 as two, so a
 * lookup is a binary search (logarithmic in the number of ranges, no allocation besides the address
 * bytes {@link InetAddress#getAddress()} hands out) and a list of 100,000 CIDRs builds in milliseconds.
 *
 * <p>Lookups see through the disguises a target address can wear: an IPv4-mapped or IPv4-compatible
 * IPv6 address is checked as the IPv4 address inside it, and the unspecified addresses
 * {@code 0.0.0.0} and {@code ::} (which the kernel connects to the loopback) are checked as
 * {@code 127.0.0.1} and {@code ::1}.
 */
public final class IpRangeSet {
    /** The server's default outbound block list: its own loopback. */
    public static final String DEFAULT_FORBIDDEN = "127.0.0.0/8,::1/128";

    private static final IpRangeSet EMPTY = new IpRangeSet(new long[0], new long[0], new long[0], "");

    /** IPv4: sorted, disjoint, non-adjacent ranges; {@code v4Start[i]..v4End[i]} inclusive, as unsigned ints. */
    private final long[] v4Start;
    private final long[] v4End;
    /** IPv6: range i is {@code v6[4i], v6[4i+1]} (start high, low) to {@code v6[4i+2], v6[4i+3]} (end). */
    private final long[] v6;
    private final String text;

    private IpRangeSet(long[] v4Start, long[] v4End, long[] v6, String text) {
        this.v4Start = v4Start;
        this.v4End = v4End;
        this.v6 = v6;
        this.text = text;
    }

    public static IpRangeSet empty() {
        return EMPTY;
    }

    /**
     * Parses comma-separated CIDRs. Blank text gives the empty set.
     *
     * @throws IllegalArgumentException naming the entry that is not a CIDR
     */
    public static IpRangeSet parse(String commaSeparated) {
        Builder b = builder();
        for (String raw : commaSeparated.split(",")) {
            String entry = raw.trim();
            if (!entry.isEmpty()) {
                b.add(entry);
            }
        }
        return b.build(commaSeparated.trim());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Collects ranges in any order; {@link #build} sorts and merges them. Not thread-safe. */
    public static final class Builder {
        private long[] v4 = new long[16]; // start << 32 | end, sorted later as unsigned longs
        private int v4Count;
        private final List<long[]> v6 = new ArrayList<>();

        private Builder() {}

        /**
         * Adds a CIDR ({@code 10.0.0.0/8}, {@code 2001:db8::/32}) or a single address.
         *
         * @throws IllegalArgumentException saying why {@code entry} is not one
         */
        public Builder add(String entry) {
            if (!tryAdd(entry)) {
                throw new IllegalArgumentException("'" + entry + "' is not an IP address or CIDR range");
            }
            return this;
        }

        /**
         * Adds {@code entry} if its part before any {@code /} is an IP address.
         *
         * @return false if it is not an address at all (so it may be something else, a host rule)
         * @throws IllegalArgumentException if it is an address with a bad prefix length
         */
        public boolean tryAdd(String entry) {
            int slash = entry.indexOf('/');
            byte[] network = NetUtil.createByteArrayFromIpAddressString(slash < 0 ? entry : entry.substring(0, slash));
            if (network == null) {
                return false;
            }
            int prefix = network.length * 8;
            if (slash >= 0) {
                prefix = prefix(entry.substring(slash + 1));
                if (prefix < 0 || prefix > network.length * 8) {
                    throw new IllegalArgumentException("'" + entry + "' has a prefix length outside 0-"
                            + network.length * 8);
                }
            }
            if (network.length == 16 && isMappedV4(network)) {
                network = Arrays.copyOfRange(network, 12, 16);
                prefix = Math.max(0, prefix - 96);
            }
            if (network.length == 4) {
                addV4(network, prefix);
            } else {
                addV6(network, prefix);
            }
            return true;
        }

        private static int prefix(String digits) {
            if (digits.isEmpty() || digits.length() > 3) {
                return -1;
            }
            int value = 0;
            for (int i = 0; i < digits.length(); i++) {
                char c = digits.charAt(i);
                if (c < '0' || c > '9') {
                    return -1;
                }
                value = value * 10 + (c - '0');
            }
            return value;
        }

        private void addV4(byte[] ip, int prefix) {
            long value = (ip[0] & 0xffL) << 24 | (ip[1] & 0xffL) << 16 | (ip[2] & 0xffL) << 8 | (ip[3] & 0xffL);
            long host = prefix == 0 ? 0xffffffffL : (1L << (32 - prefix)) - 1;
            long start = value & ~host & 0xffffffffL;
            if (v4Count == v4.length) {
                v4 = Arrays.copyOf(v4, v4.length * 2);
            }
            v4[v4Count++] = start << 32 | (start | host);
        }

        private void addV6(byte[] ip, int prefix) {
            long hi = toLong(ip, 0);
            long lo = toLong(ip, 8);
            long hiHost = prefix >= 64 ? 0 : prefix == 0 ? -1L : -1L >>> prefix;
            long loHost = prefix >= 128 ? 0 : prefix <= 64 ? -1L : -1L >>> (prefix - 64);
            v6.add(new long[] {hi & ~hiHost, lo & ~loHost, hi | hiHost, lo | loHost});
        }

        public IpRangeSet build() {
            return build("");
        }

        /** @param text how the set is shown in logs */
        public IpRangeSet build(String text) {
            if (v4Count == 0 && v6.isEmpty()) {
                return text.isEmpty() ? EMPTY : new IpRangeSet(EMPTY.v4Start, EMPTY.v4End, EMPTY.v6, text);
            }
            // unsigned order of start << 32 | end is the order of starts, then ends
            long[] sorted = Arrays.copyOf(v4, v4Count);
            for (int i = 0; i < sorted.length; i++) {
                sorted[i] ^= Long.MIN_VALUE;
            }
            Arrays.sort(sorted);
            long[] starts = new long[sorted.length];
            long[] ends = new long[sorted.length];
            int n = 0;
            for (long packed : sorted) {
                packed ^= Long.MIN_VALUE;
                long start = packed >>> 32;
                long end = packed & 0xffffffffL;
                if (n > 0 && start <= ends[n - 1] + 1) {
                    ends[n - 1] = Math.max(ends[n - 1], end);
                } else {
                    starts[n] = start;
                    ends[n] = end;
                    n++;
                }
            }
            return new IpRangeSet(Arrays.copyOf(starts, n), Arrays.copyOf(ends, n), mergeV6(), text);
        }

        private long[] mergeV6() {
            v6.sort(Comparator.<long[]>comparingLong(r -> r[0] ^ Long.MIN_VALUE).thenComparingLong(r -> r[1] ^ Long.MIN_VALUE));
            long[] out = new long[v6.size() * 4];
            int n = 0;
            for (long[] r : v6) {
                // merge when this range starts at or before the previous end + 1
                if (n > 0 && (compare(r[0], r[1], out[n - 2], out[n - 1]) <= 0
                        || isNext(out[n - 2], out[n - 1], r[0], r[1]))) {
                    if (compare(r[2], r[3], out[n - 2], out[n - 1]) > 0) {
                        out[n - 2] = r[2];
                        out[n - 1] = r[3];
                    }
                } else {
                    System.arraycopy(r, 0, out, n, 4);
                    n += 4;
                }
            }
            return Arrays.copyOf(out, n);
        }

        private static boolean isNext(long hi, long lo, long nextHi, long nextLo) {
            long lo1 = lo + 1;
            long hi1 = lo1 == 0 ? hi + 1 : hi;
            return !(hi == -1L && lo == -1L) && hi1 == nextHi && lo1 == nextLo;
        }
    }

    public boolean isEmpty() {
        return v4Start.length == 0 && v6.length == 0;
    }

    /** The number of disjoint ranges left after merging. */
    public int rangeCount() {
        return v4Start.length + v6.length / 4;
    }

    public boolean contains(InetAddress address) {
        if (isEmpty()) {
            return false;
        }
        byte[] ip = address.getAddress();
        if (address instanceof Inet6Address) {
            if (isMappedV4(ip) || isCompatibleV4(ip)) {
                return containsV4((ip[12] & 0xffL) << 24 | (ip[13] & 0xffL) << 16 | (ip[14] & 0xffL) << 8
                        | (ip[15] & 0xffL));
            }
            long hi = toLong(ip, 0);
            long lo = toLong(ip, 8);
            if (hi == 0 && lo == 0) {
                lo = 1; // :: as a destination is this host: treat it as the loopback
            }
            return containsV6(hi, lo);
        }
        if (ip[0] == 0) {
            // 0.0.0.0/8 as a destination is "this host": treat it as the loopback
            return containsV4(0x7f000001L);
        }
        return containsV4((ip[0] & 0xffL) << 24 | (ip[1] & 0xffL) << 16 | (ip[2] & 0xffL) << 8 | (ip[3] & 0xffL));
    }

    private boolean containsV4(long ip) {
        // the last range starting at or before ip
        int low = 0;
        int high = v4Start.length - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            if (v4Start[mid] <= ip) {
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        return high >= 0 && ip <= v4End[high];
    }

    private boolean containsV6(long hi, long lo) {
        int low = 0;
        int high = v6.length / 4 - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            if (compare(v6[mid * 4], v6[mid * 4 + 1], hi, lo) <= 0) {
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        return high >= 0 && compare(hi, lo, v6[high * 4 + 2], v6[high * 4 + 3]) <= 0;
    }

    private static int compare(long hiA, long loA, long hiB, long loB) {
        int c = Long.compareUnsigned(hiA, hiB);
        return c != 0 ? c : Long.compareUnsigned(loA, loB);
    }

    private static long toLong(byte[] b, int offset) {
        long v = 0;
        for (int i = offset; i < offset + 8; i++) {
            v = v << 8 | (b[i] & 0xffL);
        }
        return v;
    }

    private static boolean isMappedV4(byte[] ip) {
        for (int i = 0; i < 10; i++) {
            if (ip[i] != 0) {
                return false;
            }
        }
        return ip[10] == (byte) 0xff && ip[11] == (byte) 0xff;
    }

    private static boolean isCompatibleV4(byte[] ip) {
        for (int i = 0; i < 12; i++) {
            if (ip[i] != 0) {
                return false;
            }
        }
        // ::, ::1 are IPv6 addresses in their own right, not IPv4-compatible ones
        return (ip[12] | ip[13] | ip[14]) != 0 || (ip[15] & 0xff) > 1;
    }

    @Override
    public String toString() {
        if (!text.isEmpty()) {
            return text;
        }
        return isEmpty() ? "(none)" : rangeCount() + " ranges";
    }
}
