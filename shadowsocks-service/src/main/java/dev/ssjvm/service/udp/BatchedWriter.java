package dev.ssjvm.service.udp;

import io.netty.channel.Channel;

/**
 * Writes datagrams to one UDP socket and flushes them once per event-loop turn instead of once per
 * datagram: the flush runs as a task after the loop has handled every ready socket, so the datagrams
 * that one batch of reads produced leave in one {@code sendmmsg} (Netty's epoll datagram channel uses
 * it whenever more than one packet is flushed). Confined to the channel's event loop.
 */
public final class BatchedWriter implements Runnable {
    private final Channel channel;
    private boolean scheduled;

    public BatchedWriter(Channel channel) {
        this.channel = channel;
    }

    /** Queues a datagram (taking ownership); it is flushed with the others of this loop turn. */
    public void write(Object datagram) {
        channel.write(datagram, channel.voidPromise());
        if (!scheduled) {
            scheduled = true;
            channel.eventLoop().execute(this);
        }
    }

    /** The flush; a closed channel has already released what it held. */
    @Override
    public void run() {
        scheduled = false;
        channel.flush();
    }
}
