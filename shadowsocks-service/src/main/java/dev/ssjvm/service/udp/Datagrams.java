package dev.ssjvm.service.udp;

import io.netty.channel.Channel;
import java.util.concurrent.RejectedExecutionException;

/** What every UDP socket of ours needs from Netty beyond its API. */
public final class Datagrams {
    private Datagrams() {}

    /**
     * Closes a UDP channel once the event loop is done with the events it is handling. Netty's epoll
     * datagram read loop does not stop when a handler closes the channel: it reads again on the
     * closed descriptor's number (and, by its code, a later event of the same epoll batch for that
     * channel would too, since the channel leaves the loop's table only at deregistration). By then another
     * thread may have been given that number for a socket of its own. Seen: an sslocal event loop
     * blocked for good in {@code recvmmsg} on a test's blocking TCP socket after a health probe closed
     * its socket on the answer. Closed from a task that runs after the batch, the descriptor is gone
     * before any read can reach its number.
     */
    public static void close(Channel channel) {
        if (channel.eventLoop().inEventLoop()) {
            try {
                channel.eventLoop().execute(channel::close);
            } catch (RejectedExecutionException loopEnded) {
                channel.close(); // the loop runs no more batches: nothing left to race with
            }
        } else {
            channel.close(); // runs as a task on the loop, after its current batch
        }
    }
}
