package dev.ssjvm.service.local.dns;

import dev.ssjvm.service.acl.Acl;
import dev.ssjvm.service.local.LocalContext;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the queries of one DNS front end: from the cache, else from the local resolver (names an
 * ACL rule bypasses) or, through the Shadowsocks server, from the remote one (names a rule proxies),
 * or from both (names no rule matches; see {@link Lookup}). Over UDP
 * first; over TCP when a UDP answer is truncated and the client asked over TCP (a UDP client gets the
 * truncated answer and asks again over TCP itself, as with any resolver), and through the server over
 * TCP alone when the mode has no UDP. A query without an answer in time is answered SERVFAIL.
 * Everything runs on the event loop the query came in on; the UDP sockets to the resolvers are per loop.
 */
final class DnsForwarder {
    private static final Logger LOG = LoggerFactory.getLogger(DnsForwarder.class);
    /** Queries waiting for a resolver at once, per front end. */
    static final int MAX_IN_FLIGHT = 4096;

    private final LocalContext context;
    private final Acl acl;
    private final InetSocketAddress localDns;
    private final InetSocketAddress remoteDns;
    private final DnsCache cache;
    private final Duration timeout;
    private final boolean proxyUdp;
    private final boolean proxyTcp;
    private final Map<EventLoop, Sockets> sockets = new ConcurrentHashMap<>();
    /** Queries on their way, over all loops: a flood gets SERVFAIL rather than a connection per query. */
    private final AtomicInteger inFlight = new AtomicInteger();

    /** The UDP exchanges of one event loop, opened when first needed and again after they idle out. */
    private static final class Sockets {
        UdpExchange direct;
        UdpExchange proxied;
    }

    DnsForwarder(LocalContext context, Acl acl, InetSocketAddress localDns, InetSocketAddress remoteDns,
            DnsCache cache, Duration timeout) {
        this.context = context;
        this.acl = acl;
        this.localDns = localDns;
        this.remoteDns = remoteDns;
        this.cache = cache;
        this.timeout = timeout;
        this.proxyUdp = context.settings().common().mode().udp();
        this.proxyTcp = context.settings().common().mode().tcp();
    }

    /**
     * Answers {@code message}, a query from a client, by calling {@code reply} once on {@code loop}
     * with the answer (carrying the client's id).
     *
     * @param overTcp whether the client asked over TCP, so that an answer of any size reaches it
     * @return false, and no call of {@code reply}, when the message has no query header to answer
     */
    boolean answer(EventLoop loop, byte[] message, boolean overTcp, Consumer<byte[]> reply) {
        DnsWire.Query query;
        try {
            query = DnsWire.readQuery(message);
        } catch (DnsWire.BadQuery e) {
            LOG.debug("dns: refused a query: {}", e.getMessage());
            byte[] refusal = DnsWire.headerOnlyAnswer(message, e.code);
            if (refusal == null) {
                return false;
            }
            reply.accept(refusal);
            return true;
        }
        byte[] cached = cache.get(query.cacheKey(), query.id());
        if (cached != null && (overTcp || cached.length <= query.udpLimit())) {
            reply.accept(DnsWire.withQuestionOf(cached, message, query.name()));
            return true;
        }
        if (inFlight.get() >= MAX_IN_FLIGHT) {
            LOG.debug("dns: {} queries waiting already; {} gets SERVFAIL", MAX_IN_FLIGHT, query.host());
            reply.accept(DnsWire.serverFailure(query));
            return true;
        }
        // no name rule: when address rules could bypass it, both resolvers and the local answer's addresses
        // decide (null); otherwise the default route (no ACL at all: the remote resolver)
        Acl.Route route = acl.matchName(query.host()).orElse(acl.routesNamesByAddress() ? null : acl.defaultRoute());
        inFlight.incrementAndGet();
        new Lookup(loop, query, message, overTcp, route, reply).start();
        return true;
    }

    /**
     * One query on its way: to one resolver, or, for a name no ACL rule matches, to both at once (as
     * shadowsocks-rust does), keeping the local answer when one of its addresses is bypassed and the
     * remote one otherwise. One deadline covers everything.
     */
    private final class Lookup {
        private final EventLoop loop;
        private final DnsWire.Query query;
        private final byte[] message;
        private final boolean overTcp;
        private final Consumer<byte[]> reply;
        private final Leg local;
        private final Leg remote;
        private ScheduledFuture<?> deadline;
        private boolean done;

        Lookup(EventLoop loop, DnsWire.Query query, byte[] message, boolean overTcp, Acl.Route route,
                Consumer<byte[]> reply) {
            this.loop = loop;
            this.query = query;
            this.message = message;
            this.overTcp = overTcp;
            this.reply = reply;
            this.local = route != Acl.Route.PROXY ? new Leg(true) : null;
            this.remote = route != Acl.Route.BYPASS ? new Leg(false) : null;
        }

        void start() {
            deadline = loop.schedule(() -> finish(null, null, "no answer in " + timeout.toMillis() + " ms"),
                    timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (local != null) {
                local.start();
                if (remote != null) { // a local resolver that does not answer must not hold the remote answer back
                    loop.schedule(local::giveUp, timeout.toMillis() / 2, TimeUnit.MILLISECONDS);
                }
            }
            if (remote != null && !done) {
                remote.start();
            }
        }

        /** A leg has its answer or has failed: answer the client when that settles which answer it gets. */
        void settled() {
            if (done) {
                return;
            }
            if (local == null || remote == null) {
                Leg only = local != null ? local : remote;
                finish(only.answer, only.read, only.failure);
                return;
            }
            if (local.answer != null && localWins(local.read)) {
                finish(local.answer, local.read, null);
            } else if (local.answer != null || local.failure != null) {
                if (remote.answer != null || remote.failure != null) {
                    finish(remote.answer, remote.read, remote.failure); // never the local answer it overruled
                }
            }
        }

        /** The local answer stands when it names a bypassed address (or, naming none, bypass is the default). */
        private boolean localWins(DnsWire.Answer read) {
            if (read.addresses().isEmpty()) {
                return acl.defaultRoute() == Acl.Route.BYPASS;
            }
            return read.addresses().stream().anyMatch(a -> acl.routeAddress(a) == Acl.Route.BYPASS);
        }

        private void finish(byte[] answer, DnsWire.Answer read, String failure) {
            if (done) {
                return;
            }
            done = true;
            inFlight.decrementAndGet();
            deadline.cancel(false);
            for (Leg leg : new Leg[] {local, remote}) {
                if (leg != null) {
                    leg.cancel();
                }
            }
            if (answer == null) {
                LOG.debug("dns: {} {} failed: {}", query.host(), query.type().name(), failure);
                answer = DnsWire.serverFailure(query);
            } else {
                cache.put(query.cacheKey(), answer.clone(), read.ttlOffsets(), read.cacheSeconds());
            }
            reply.accept(answer);
        }

        /** The query to one resolver: over UDP, maybe again over TCP; or over TCP alone. */
        private final class Leg {
            private final boolean bypass;
            private Future<byte[]> current;
            byte[] answer;
            DnsWire.Answer read;
            String failure;

            Leg(boolean bypass) {
                this.bypass = bypass;
            }

            void start() {
                if (bypass || proxyUdp) {
                    send(udp(bypass).query(message), false);
                } else {
                    send(TcpExchange.query(context.connector().viaServer(loop, remoteDns), message), true);
                }
            }

            private void send(Future<byte[]> reply, boolean tcp) {
                current = reply;
                reply.addListener((Future<byte[]> f) -> {
                    if (done || failure != null) {
                        return;
                    }
                    if (!f.isSuccess()) {
                        failed(f.cause().getMessage());
                        return;
                    }
                    received(f.getNow(), tcp);
                });
            }

            private void received(byte[] message, boolean tcp) {
                DnsWire.Answer answered;
                try {
                    answered = DnsWire.readAnswer(message);
                } catch (IllegalArgumentException e) {
                    failed(e.getMessage());
                    return;
                }
                // a UDP answer carries the id we gave it; a TCP one the client's, as the query went out unchanged
                if (!answered.type().equals(query.type()) || !answered.name().equalsIgnoreCase(query.name())
                        || (tcp && answered.id() != query.id())) {
                    failed("an answer to another question");
                    return;
                }
                if (answered.truncated() && !tcp && overTcp && (bypass || proxyTcp)) {
                    send(TcpExchange.query(bypass ? context.connector().direct(loop, localDns)
                            : context.connector().viaServer(loop, remoteDns), Lookup.this.message), true);
                    return;
                }
                answer = DnsWire.withId(message, query.id());
                read = answered;
                settled();
            }

            private void failed(String why) {
                failure = (bypass ? "local" : "remote") + " resolver: " + why;
                settled();
            }

            void giveUp() {
                if (!done && answer == null && failure == null) {
                    failed("no answer in " + timeout.toMillis() / 2 + " ms");
                    cancel();
                }
            }

            void cancel() {
                if (current != null) {
                    current.cancel(false); // forgets the id, closes a TCP connection
                }
            }
        }

        private UdpExchange udp(boolean bypass) {
            Sockets s = sockets.computeIfAbsent(loop, l -> new Sockets());
            if (bypass) {
                if (s.direct == null || s.direct.isClosed()) {
                    s.direct = new UdpExchange.Direct(context, loop, localDns);
                }
                return s.direct;
            }
            if (s.proxied == null || s.proxied.isClosed()) {
                s.proxied = new UdpExchange.Proxied(context, loop, remoteDns);
            }
            return s.proxied;
        }
    }
}
