package dev.ssjvm.service.server;

import dev.ssjvm.service.limits.Refusal;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * Counts the connections of a server still in the handshake (accepted, not yet relaying), in all and
 * per source address, so that a flood of silent or garbage connections holds a bounded number of
 * descriptors and buffers. Over the per-address limit the newcomer is refused. At the total limit the
 * oldest connection in the handshake is reset to make room: a real client sends its request within a
 * round trip, so the oldest is a flood's; refusing the newcomer instead let flood connections from
 * many addresses hold every slot until their handshake deadline, and good clients were refused
 * (bench/flood). Pushing a good client out would take max_handshakes newer connections within its one
 * round trip. Shared by every port and event loop: the slots are a list in arrival order under this
 * object's lock (a few pointer moves per connection).
 */
final class HandshakeSlots {
    /** One connection in the handshake: a node of the arrival-order list. */
    static final class Slot {
        final Channel channel;
        final InetAddress source;
        Slot prev;
        Slot next;
        boolean linked;

        Slot(Channel channel, InetAddress source) {
            this.channel = channel;
            this.source = source;
        }
    }

    private final Map<InetAddress, Integer> perAddress = new HashMap<>();
    private Slot oldest;
    private Slot newest;
    private volatile int total;

    /**
     * Takes a slot for {@code channel} from {@code source}. Returns the slot, or null when the
     * newcomer is refused; {@code refusedBy[0]} then names the limit. A connection reset to make room
     * is closed here, and {@code evicted[0]} is set.
     */
    Slot acquire(Channel channel, InetAddress source, int maxTotal, int maxPerAddress, Refusal[] refusedBy,
            boolean[] evicted) {
        Slot made;
        Slot victim = null;
        synchronized (this) {
            int fromSource = perAddress.getOrDefault(source, 0);
            if (fromSource >= maxPerAddress) {
                refusedBy[0] = Refusal.HANDSHAKES_PER_IP;
                return null;
            }
            if (total >= maxTotal) {
                if (oldest == null) { // max_handshakes 0
                    refusedBy[0] = Refusal.HANDSHAKES;
                    return null;
                }
                victim = oldest;
                unlink(victim);
            }
            made = new Slot(channel, source);
            link(made);
        }
        if (victim != null) {
            evicted[0] = true;
            Channel ch = victim.channel;
            ch.eventLoop().execute(() -> {
                ch.config().setOption(ChannelOption.SO_LINGER, 0);
                ch.close();
            });
        }
        return made;
    }

    /** Gives back {@code slot}: its handshake ended, or it closed (again after an eviction: no-op). */
    synchronized void release(Slot slot) {
        if (slot.linked) {
            unlink(slot);
        }
    }

    private void link(Slot s) {
        s.prev = newest;
        if (newest == null) {
            oldest = s;
        } else {
            newest.next = s;
        }
        newest = s;
        s.linked = true;
        perAddress.merge(s.source, 1, Integer::sum);
        total++;
    }

    private void unlink(Slot s) {
        if (s.prev == null) {
            oldest = s.next;
        } else {
            s.prev.next = s.next;
        }
        if (s.next == null) {
            newest = s.prev;
        } else {
            s.next.prev = s.prev;
        }
        s.prev = null;
        s.next = null;
        s.linked = false;
        perAddress.computeIfPresent(s.source, (a, n) -> n <= 1 ? null : n - 1);
        total--;
    }

    /** Connections in the handshake now. */
    int total() {
        return total;
    }

    /** Source addresses with a connection in the handshake now. */
    synchronized int addresses() {
        return perAddress.size();
    }
}
