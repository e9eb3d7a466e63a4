package dev.ssjvm.service.acl;

import io.netty.util.NetUtil;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A set of IP ranges in CIDR notation, as in the original's {@code forbidden_ip}: for example
 * {@code 127.0.0.0/8,::1/128}. A single address without a prefix means just that address.
 *
 * <p>Lookups see through the disguises a target address can wear: an IPv4-mapped or IPv4-compatible
 * IPv6 address is checked as the IPv4 address inside it, and the unspecified addresses
 * {@code 0.0.0.0} and {@code ::} (which the kernel connects to the loopback) are checked as
 * {@code 127.0.0.1} and {@code ::1}.
 */
public final class IpRangeSet {
    /** The server's default outbound block list: its own loopback. */
    public static final String DEFAULT_FORBIDDEN = "127.0.0.0/8,::1/128";

    private final List<Range> ranges;
    private final String text;

    private record Range(byte[] network, int prefix) {
        boolean contains(byte[] ip) {
            if (ip.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (ip[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (ip[full] & mask) == (network[full] & mask);
        }
    }

    private IpRangeSet(List<Range> ranges, String text) {
        this.ranges = Collections.unmodifiableList(ranges);
        this.text = text;
    }

    public static IpRangeSet empty() {
        return new IpRangeSet(List.of(), "");
    }

    /**
     * Parses comma-separated CIDRs. Blank text gives the empty set.
     *
     * @throws IllegalArgumentException naming the entry that is not a CIDR
     */
    public static IpRangeSet parse(String commaSeparated) {
        List<Range> ranges = new ArrayList<>();
        for (String raw : commaSeparated.split(",")) {
            String entry = raw.trim();
            if (entry.isEmpty()) {
                continue;
            }
            ranges.add(parseRange(entry));
        }
        return new IpRangeSet(ranges, commaSeparated.trim());
    }

    private static Range parseRange(String entry) {
        int slash = entry.indexOf('/');
        String ip = slash < 0 ? entry : entry.substring(0, slash);
        byte[] network = NetUtil.createByteArrayFromIpAddressString(ip);
        if (network == null) {
            throw new IllegalArgumentException("'" + entry + "' is not an IP address or CIDR range");
        }
        if (network.length == 16 && isMappedV4(network)) {
            network = java.util.Arrays.copyOfRange(network, 12, 16);
        }
        int bits = network.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(entry.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("'" + entry + "' has a prefix length outside 0-" + bits);
            }
        }
        return new Range(network, prefix);
    }

    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    public boolean contains(InetAddress address) {
        if (ranges.isEmpty()) {
            return false;
        }
        byte[] ip = normalize(address);
        for (Range range : ranges) {
            if (range.contains(ip)) {
                return true;
            }
        }
        return false;
    }

    private static byte[] normalize(InetAddress address) {
        byte[] ip = address.getAddress();
        if (address instanceof Inet6Address) {
            if (isMappedV4(ip) || isCompatibleV4(ip)) {
                ip = java.util.Arrays.copyOfRange(ip, 12, 16);
            } else if (address.isAnyLocalAddress()) {
                ip = new byte[16];
                ip[15] = 1;
                return ip;
            }
        }
        if (ip.length == 4 && ip[0] == 0) {
            // 0.0.0.0/8 as a destination is "this host": treat it as the loopback
            return new byte[] {127, 0, 0, 1};
        }
        return ip;
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
        return text.isEmpty() ? "(none)" : text;
    }
}
