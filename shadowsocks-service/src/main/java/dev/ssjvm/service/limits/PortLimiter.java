package dev.ssjvm.service.limits;

import dev.ssjvm.service.metrics.TrafficMeter;
import dev.ssjvm.service.relay.Throttle;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Enforces the limits of one port and its users: admission of new connections and associations
 * (connection count, quota, expiry), the rates of relayed connections, and the quota count of their
 * traffic. When a quota runs out, or a user or the port expires, the {@link Listener} is told once,
 * so that the open connections can be closed. Safe to use from every event loop at once.
 */
public final class PortLimiter {

    /** Told when a user (or, with {@code user == null}, the whole port) may no longer be served. */
    @FunctionalInterface
    public interface Listener {
        void exhausted(String user, Refusal why);
    }

    /** One admitted TCP connection: its rates and meter, and the slot it holds until released. */
    public final class Ticket {
        private final Usage user;
        private boolean released;

        private Ticket(Usage user) {
            this.user = user;
        }

        /** The pace of what the client sends. */
        public Throttle up() {
            return throttle(true);
        }

        /** The pace of what the client receives. */
        public Throttle down() {
            return throttle(false);
        }

        private Throttle throttle(boolean upwards) {
            if (!portUsage.limits().throttles() && (user == null || !user.limits().throttles())) {
                return Throttle.NONE;
            }
            return bytes -> {
                long now = System.nanoTime();
                long p = upwards ? portUsage.pauseUp(bytes, now) : portUsage.pauseDown(bytes, now);
                long u = user == null ? 0 : upwards ? user.pauseUp(bytes, now) : user.pauseDown(bytes, now);
                return Math.max(p, u);
            };
        }

        /** Gives the connection slot back. Idempotent. */
        public void release() {
            synchronized (this) {
                if (released) {
                    return;
                }
                released = true;
            }
            portUsage.closed();
            if (user != null) {
                user.closed();
            }
        }
    }

    private final Clock clock;
    private final Listener listener;
    private final Usage portUsage;
    private final Map<String, Usage> users = new ConcurrentHashMap<>();
    private volatile PortLimits limits;
    private long lastSweep; // guarded by this

    public PortLimiter(PortLimits limits, Clock clock, Listener listener) {
        this.clock = clock;
        this.listener = listener;
        this.limits = limits;
        this.portUsage = new Usage(limits.port(), clock.millis(), System.nanoTime());
        this.lastSweep = clock.millis();
    }

    public PortLimits limits() {
        return limits;
    }

    /**
     * Takes new limits; counts so far carry over. A user (or the port) that the new limits already
     * refuse, expired or over quota, is told to the listener, so its connections are closed.
     */
    public synchronized void update(PortLimits next) {
        long now = System.nanoTime();
        long millis = clock.millis();
        limits = next;
        portUsage.apply(next.port(), now);
        users.forEach((name, usage) -> usage.apply(next.of(name), now));
        Refusal port = portUsage.refusal(millis);
        if (port != null) {
            listener.exhausted(null, port);
        }
        users.forEach((name, usage) -> {
            Refusal why = usage.refusal(millis);
            if (why != null) {
                listener.exhausted(name, why);
            }
        });
    }

    private Usage usage(String user) {
        return user == null ? null : users.computeIfAbsent(user,
                u -> new Usage(limits.of(u), clock.millis(), System.nanoTime()));
    }

    /**
     * Why the port or {@code user} may not open anything now (expired, quota used up), or {@code null};
     * for UDP associations, which hold no connection slot.
     */
    public Refusal check(String user) {
        long now = clock.millis();
        Refusal port = portUsage.refusal(now);
        if (port != null) {
            return port;
        }
        Usage u = usage(user);
        return u == null ? null : u.refusal(now);
    }

    /**
     * Admits a TCP connection of {@code user} ({@code null} on a single-key port).
     *
     * @param refusal receives why not, when the answer is {@code null}
     * @return the ticket to release when the connection ends, or {@code null} if it may not start
     */
    public Ticket admit(String user, Refusal[] refusal) {
        Refusal why = check(user);
        if (why != null) {
            refusal[0] = why;
            return null;
        }
        Usage u = usage(user);
        if (!portUsage.open()) {
            refusal[0] = Refusal.CONNECTIONS;
            return null;
        }
        if (u != null && !u.open()) {
            portUsage.closed();
            refusal[0] = Refusal.CONNECTIONS;
            return null;
        }
        return new Ticket(u);
    }

    /** Counts {@code user}'s traffic against the quotas; the first byte over one tells the listener. */
    public TrafficMeter quotaMeter(String user) {
        if (limits.port().quotaBytes() == 0 && limits.of(user).quotaBytes() == 0) {
            return TrafficMeter.NONE;
        }
        Usage u = usage(user);
        return new TrafficMeter() {
            @Override
            public void up(long bytes) {
                count(bytes);
            }

            @Override
            public void down(long bytes) {
                count(bytes);
            }

            private void count(long bytes) {
                if (portUsage.count(bytes)) {
                    listener.exhausted(null, Refusal.QUOTA);
                }
                if (u != null && u.count(bytes)) {
                    listener.exhausted(user, Refusal.QUOTA);
                }
            }

            @Override
            public void closed() {}
        };
    }

    /**
     * Starts new quota periods that are due and tells the listener of expiries that came since the
     * last sweep; run every second or so.
     */
    public synchronized void sweep() {
        long now = clock.millis();
        long previous = lastSweep;
        lastSweep = now;
        portUsage.roll(now);
        if (expiresWithin(limits.port(), previous, now)) {
            listener.exhausted(null, Refusal.EXPIRED);
        }
        users.forEach((name, usage) -> {
            usage.roll(now);
            if (expiresWithin(usage.limits(), previous, now)) {
                listener.exhausted(name, Refusal.EXPIRED);
            }
        });
    }

    private static boolean expiresWithin(Limits l, long after, long upTo) {
        return l.expires() != null && l.expires().toEpochMilli() > after && l.expires().toEpochMilli() <= upTo;
    }

    /** TCP connections open now, on the whole port and per user. */
    public int connections(String user) {
        Usage u = user == null ? portUsage : users.get(user);
        return u == null ? 0 : u.connections();
    }

    /** Quota states to keep across restarts: the port's under {@code ""}, the users' by name. */
    public Map<String, QuotaState> quotas() {
        Map<String, QuotaState> out = new HashMap<>();
        out.put("", portUsage.quota());
        users.forEach((name, usage) -> out.put(name, usage.quota()));
        return out;
    }

    /** Restores kept quota states (at start, before any traffic). */
    public void restore(Map<String, QuotaState> quotas) {
        long now = System.nanoTime();
        quotas.forEach((name, state) -> {
            if (name.isEmpty()) {
                portUsage.restore(state, now);
            } else {
                usage(name).restore(state, now);
            }
        });
    }
}
