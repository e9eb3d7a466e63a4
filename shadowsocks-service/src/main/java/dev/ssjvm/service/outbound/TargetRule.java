package dev.ssjvm.service.outbound;

import dev.ssjvm.service.acl.IpRangeSet;
import dev.ssjvm.service.acl.RuleList;
import java.net.InetAddress;
import java.util.function.Predicate;

/**
 * One reason to refuse a target: {@code forbidden_ip}, an ACL's outbound block list. A
 * name is checked before it is resolved (so a blocked name is never looked up), the address after.
 */
public interface TargetRule {

    /** Whether a target given by name is refused before any lookup. */
    default boolean blocksName(String host) {
        return false;
    }

    /** Whether a resolved address is refused. */
    boolean blocksAddress(InetAddress address);

    /** The rule's name for logs, e.g. {@code forbidden_ip}. */
    String name();

    /** Refuses the names {@code blocked} accepts, before any lookup; addresses pass. */
    static TargetRule names(String name, Predicate<String> blocked) {
        return new TargetRule() {
            @Override
            public boolean blocksName(String host) {
                return blocked.test(host);
            }

            @Override
            public boolean blocksAddress(InetAddress address) {
                return false;
            }

            @Override
            public String name() {
                return name;
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }

    /** Refuses the addresses in {@code ranges}. */
    static TargetRule addresses(String name, IpRangeSet ranges) {
        return new TargetRule() {
            @Override
            public boolean blocksAddress(InetAddress address) {
                return ranges.contains(address);
            }

            @Override
            public String name() {
                return name;
            }

            @Override
            public String toString() {
                return name + " " + ranges;
            }
        };
    }

    /** Refuses what an ACL list matches: names by its name rules before any lookup, addresses by its ranges. */
    static TargetRule list(String name, RuleList list) {
        return new TargetRule() {
            @Override
            public boolean blocksName(String host) {
                return list.matchesName(host);
            }

            @Override
            public boolean blocksAddress(InetAddress address) {
                return list.matchesAddress(address);
            }

            @Override
            public String name() {
                return name;
            }

            @Override
            public String toString() {
                return name + " (" + list + ")";
            }
        };
    }
}
