package dev.ssjvm.service.outbound;

import dev.ssjvm.core.address.HostAndPort;
import dev.ssjvm.service.dns.DnsResolver;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Where a server may send its clients' traffic: the one resolve-then-check step that the TCP request
 * stage and the UDP associations both go through. Checking the resolved address, not the name, is
 * what keeps {@code localhost}, {@code 0.0.0.0} or an IPv4-mapped address from slipping past a rule.
 */
public final class OutboundPolicy {
    private final DnsResolver resolver;
    private volatile List<TargetRule> rules;

    public OutboundPolicy(DnsResolver resolver, List<TargetRule> rules) {
        this.resolver = resolver;
        this.rules = List.copyOf(rules);
    }

    /** Replaces the rules (on reload); checks already under way finish under the old ones. */
    public void rules(List<TargetRule> value) {
        rules = List.copyOf(value);
    }

    /**
     * Resolves {@code target} on {@code loop} if it is a name, and checks it. A target that needs no
     * lookup is answered at once, with a future that is already done.
     *
     * @return the address to use, or a failure with an {@link OutboundRefusal}
     */
    public Future<InetSocketAddress> resolve(EventLoop loop, InetSocketAddress target) {
        List<TargetRule> rules = this.rules;
        if (!target.isUnresolved()) {
            OutboundRefusal refusal = check(target, rules);
            return refusal == null ? loop.newSucceededFuture(target) : loop.newFailedFuture(refusal);
        }
        String host = target.getHostString();
        for (TargetRule rule : rules) {
            if (rule.blocksName(host)) {
                return loop.newFailedFuture(new OutboundRefusal(OutboundRefusal.Reason.BLOCKED,
                        host + " is in " + rule.name()));
            }
        }
        Promise<InetSocketAddress> checked = loop.newPromise();
        resolver.resolve(loop, target).addListener((Future<InetSocketAddress> f) -> {
            if (!f.isSuccess()) {
                checked.setFailure(new OutboundRefusal(OutboundRefusal.Reason.DNS_FAILURE,
                        "cannot resolve " + host + ": " + f.cause().getMessage()));
                return;
            }
            OutboundRefusal refusal = check(f.getNow(), rules);
            if (refusal == null) {
                checked.setSuccess(f.getNow());
            } else {
                checked.setFailure(refusal);
            }
        });
        return checked;
    }

    private static OutboundRefusal check(InetSocketAddress resolved, List<TargetRule> rules) {
        InetAddress ip = resolved.getAddress();
        for (TargetRule rule : rules) {
            if (rule.blocksAddress(ip)) {
                return new OutboundRefusal(OutboundRefusal.Reason.BLOCKED,
                        HostAndPort.format(resolved) + " is in " + rule.name());
            }
        }
        return null;
    }

    /** For the startup log. */
    public String describe() {
        return rules.isEmpty() ? "every target allowed"
                : rules.stream().map(Object::toString).collect(Collectors.joining("; ")) + " refused";
    }
}
