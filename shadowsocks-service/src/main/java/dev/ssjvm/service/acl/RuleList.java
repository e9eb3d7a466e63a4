package dev.ssjvm.service.acl;

import java.net.InetAddress;

/**
 * The rules of one list of an ACL file ({@code [bypass_list]}, {@code [proxy_list]},
 * {@code [outbound_block_list]}): host name rules and address ranges.
 */
public record RuleList(DomainRules names, IpRangeSet addresses) {

    /** Whether a name rule matches {@code host}. */
    public boolean matchesName(String host) {
        return names.matches(host);
    }

    /** Whether an address rule matches {@code address}. */
    public boolean matchesAddress(InetAddress address) {
        return addresses.contains(address);
    }

    public boolean isEmpty() {
        return names.isEmpty() && addresses.isEmpty();
    }

    @Override
    public String toString() {
        return names + ", " + addresses.rangeCount() + " address ranges";
    }
}
