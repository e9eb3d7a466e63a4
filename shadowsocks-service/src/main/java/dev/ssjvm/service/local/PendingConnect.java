package dev.ssjvm.service.local;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.util.concurrent.DefaultPromise;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;

/**
 * The future of a connection whose attempt is not settled when the caller gets it: the ACL may have
 * to see a name's address before it is known whether the connection goes to a server or straight
 * to the target, and a server that cannot be reached is retried once on another (safe, because
 * nothing of the client's is written before the connect completes: the request header goes with the
 * first write). {@link #channel()} is the attempt under way ({@code null} before the first), and
 * once this completes, the channel that connected or the last that failed.
 */
final class PendingConnect extends DefaultPromise<Void> implements ChannelFuture {
    private volatile Channel channel;

    PendingConnect(EventExecutor loop) {
        super(loop);
    }

    /** Makes {@code attempt} the one under way; the caller completes this future. */
    void attempt(ChannelFuture attempt) {
        channel = attempt.channel();
    }

    /** Makes {@code attempt} the one under way and completes this future as it completes. */
    void follow(ChannelFuture attempt) {
        attempt(attempt);
        attempt.addListener((Future<Void> f) -> {
            if (f.isSuccess()) {
                trySuccess(null);
            } else {
                tryFailure(f.cause());
            }
        });
    }

    @Override
    public Channel channel() {
        return channel;
    }

    @Override
    public boolean isVoid() {
        return false;
    }

    @Override
    public PendingConnect addListener(GenericFutureListener<? extends Future<? super Void>> listener) {
        super.addListener(listener);
        return this;
    }

    @Override
    @SafeVarargs
    @SuppressWarnings("varargs")
    public final PendingConnect addListeners(GenericFutureListener<? extends Future<? super Void>>... listeners) {
        super.addListeners(listeners);
        return this;
    }

    @Override
    public PendingConnect removeListener(GenericFutureListener<? extends Future<? super Void>> listener) {
        super.removeListener(listener);
        return this;
    }

    @Override
    @SafeVarargs
    @SuppressWarnings("varargs")
    public final PendingConnect removeListeners(GenericFutureListener<? extends Future<? super Void>>... listeners) {
        super.removeListeners(listeners);
        return this;
    }

    @Override
    public PendingConnect sync() throws InterruptedException {
        super.sync();
        return this;
    }

    @Override
    public PendingConnect syncUninterruptibly() {
        super.syncUninterruptibly();
        return this;
    }

    @Override
    public PendingConnect await() throws InterruptedException {
        super.await();
        return this;
    }

    @Override
    public PendingConnect awaitUninterruptibly() {
        super.awaitUninterruptibly();
        return this;
    }
}
