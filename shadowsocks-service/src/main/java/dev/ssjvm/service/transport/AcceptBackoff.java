package dev.ssjvm.service.transport;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On the listening sockets of one service: a failed accept (EMFILE/ENFILE "Too many open files", or
 * ENOBUFS) pauses accepting on that socket for {@link #PAUSE_MILLIS} and then tries again, so the loop
 * neither spins nor stops, and open connections go on being served. It logs at most one line per
 * {@link #LOG_INTERVAL_NANOS} for all sockets together, with the count of failures since the last line,
 * and one line when accepting works again. Without it Netty's acceptor would pause for a second and
 * log every single failure.
 */
@ChannelHandler.Sharable
final class AcceptBackoff extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(AcceptBackoff.class);
    static final long PAUSE_MILLIS = 100;
    static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final AtomicLong failures = new AtomicLong(); // since the last line
    private final AtomicLong total = new AtomicLong(); // since start, for the metrics
    private final AtomicLong lastLine = new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);
    private volatile boolean warned;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object child) {
        if (warned) {
            warned = false;
            long missed = failures.getAndSet(0);
            LOG.info("{}: accepting connections again{}", ctx.channel().localAddress(),
                    missed == 0 ? "" : " (" + missed + " more failed accepts)");
        }
        ctx.fireChannelRead(child);
    }

    /** Accepts that failed (out of descriptors, mostly) since start. */
    long failures() {
        return total.get();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof IOException)) {
            ctx.fireExceptionCaught(cause);
            return;
        }
        total.incrementAndGet();
        long count = failures.incrementAndGet();
        long now = System.nanoTime();
        long last = lastLine.get();
        if (now - last >= LOG_INTERVAL_NANOS && lastLine.compareAndSet(last, now)) {
            failures.addAndGet(-count);
            warned = true;
            LOG.warn("{}: cannot accept connections ({}); {} failed accepts, pausing {} ms each time",
                    ctx.channel().localAddress(), cause.getMessage(), count, PAUSE_MILLIS);
        }
        if (ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(false);
            ctx.executor().schedule(() -> ctx.channel().config().setAutoRead(true), PAUSE_MILLIS,
                    TimeUnit.MILLISECONDS);
        }
    }
}
