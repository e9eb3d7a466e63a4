package dev.ssjvm.service.local.dns;

import dev.ssjvm.core.address.HostAndPort;
import dev.ssjvm.service.local.LocalContext;
import dev.ssjvm.service.local.UdpUpstream;
import dev.ssjvm.service.udp.AssociationSocket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One socket to one resolver, shared by the queries of one event loop (and confined to it): each query
 * goes out under an id of ours that no other outstanding query has, and the answer carrying that id
 * completes it. Forgetting a query (done, timed out) frees its id. The socket closes after
 * {@code udp_timeout} without traffic; the owner then opens a new exchange for the next query.
 */
abstract class UdpExchange {
    /** Half the id space: past that, finding a free id by chance gets slow, and something is wrong. */
    private static final int MAX_PENDING = 32_768;
    private static final IOException FULL = new IOException("too many outstanding DNS queries");
    private static final IOException CLOSED = new IOException("the resolver's socket closed");

    protected final EventLoop loop;
    private final Map<Integer, Promise<byte[]>> pending = new HashMap<>();
    private boolean closed;

    UdpExchange(EventLoop loop) {
        this.loop = loop;
    }

    /** Sends {@code query} under an id of ours; the answer comes back with that id still in it. */
    final Future<byte[]> query(byte[] query) {
        Promise<byte[]> answer = loop.newPromise();
        if (closed || pending.size() >= MAX_PENDING) {
            return answer.setFailure(closed ? CLOSED : FULL);
        }
        int id;
        do {
            id = ThreadLocalRandom.current().nextInt(65536);
        } while (pending.containsKey(id));
        Integer key = id;
        pending.put(key, answer);
        answer.addListener(f -> pending.remove(key, answer));
        ByteBuf out = Unpooled.wrappedBuffer(DnsWire.withId(query, id));
        send(out);
        return answer;
    }

    /** Hands a received message (not owned) to the query it answers, if one is waiting for it. */
    protected final void received(ByteBuf message) {
        if (message.readableBytes() < DnsWire.HEADER) {
            return;
        }
        Promise<byte[]> answer = pending.remove(message.getUnsignedShort(message.readerIndex()));
        if (answer != null) {
            answer.trySuccess(ByteBufUtil.getBytes(message));
        }
    }

    protected final void closed() {
        closed = true;
        for (Promise<byte[]> answer : Map.copyOf(pending).values()) {
            answer.tryFailure(CLOSED);
        }
    }

    final boolean isClosed() {
        return closed;
    }

    /** Sends one message to the resolver; takes ownership. */
    protected abstract void send(ByteBuf message);

    abstract void close();

    /** Straight to a resolver, from a socket of our own (a bypassed name). */
    static final class Direct extends UdpExchange {
        private final InetSocketAddress resolver;
        private final AssociationSocket socket;

        Direct(LocalContext context, EventLoop loop, InetSocketAddress resolver) {
            super(loop);
            this.resolver = resolver;
            this.socket = new AssociationSocket(context.io(), loop, context.settings().common().udpTimeout(),
                    (ctx, packet) -> {
                        if (HostAndPort.unmapped(packet.sender()).equals(resolver)) {
                            received(packet.content());
                        }
                    }, this::closed);
        }

        @Override
        protected void send(ByteBuf message) {
            socket.send(new DatagramPacket(message, resolver));
        }

        @Override
        void close() {
            socket.close();
        }
    }

    /**
     * Through the Shadowsocks server to a resolver (a proxied name): one UDP association per loop. The
     * server authenticates every answer, so only the id is checked, not the address it names.
     */
    static final class Proxied extends UdpExchange {
        private final InetSocketAddress resolver;
        private final UdpUpstream upstream;

        Proxied(LocalContext context, EventLoop loop, InetSocketAddress resolver) {
            super(loop);
            this.resolver = resolver;
            this.upstream = new UdpUpstream(context, loop, packet -> {
                try {
                    received(packet.payload());
                } finally {
                    packet.payload().release();
                }
            }, this::closed);
        }

        @Override
        protected void send(ByteBuf message) {
            upstream.send(resolver, message);
        }

        @Override
        void close() {
            upstream.close();
        }
    }
}
