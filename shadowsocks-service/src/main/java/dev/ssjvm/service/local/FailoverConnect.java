package dev.ssjvm.service.local;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.util.concurrent.DefaultPromise;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;

/**
 * The future of a connection through a server that may be retried once on another server: its
 * {@link #channel()} is the attempt under way, and once it completes, the channel that connected
 * (or the last that failed). The retry is safe because nothing of the client's has been written
 * before the connect completes: the request header goes with the first write.
 */
final class FailoverConnect extends DefaultPromise<Void> implements ChannelFuture {
    private volatile Channel channel;

    FailoverConnect(EventExecutor loop, Channel first) {
        super(loop);
        this.channel = first;
    }

    /** The attempt from now on is on {@code next}. */
    void retryOn(Channel next) {
        channel = next;
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
    public FailoverConnect addListener(GenericFutureListener<? extends Future<? super Void>> listener) {
        super.addListener(listener);
        return this;
    }

    @Override
    @SafeVarargs
    @SuppressWarnings("varargs")
    public final FailoverConnect addListeners(GenericFutureListener<? extends Future<? super Void>>... listeners) {
        super.addListeners(listeners);
        return this;
    }

    @Override
    public FailoverConnect removeListener(GenericFutureListener<? extends Future<? super Void>> listener) {
        super.removeListener(listener);
        return this;
    }

    @Override
    @SafeVarargs
    @SuppressWarnings("varargs")
    public final FailoverConnect removeListeners(GenericFutureListener<? extends Future<? super Void>>... listeners) {
        super.removeListeners(listeners);
        return this;
    }

    @Override
    public FailoverConnect sync() throws InterruptedException {
        super.sync();
        return this;
    }

    @Override
    public FailoverConnect syncUninterruptibly() {
        super.syncUninterruptibly();
        return this;
    }

    @Override
    public FailoverConnect await() throws InterruptedException {
        super.await();
        return this;
    }

    @Override
    public FailoverConnect awaitUninterruptibly() {
        super.awaitUninterruptibly();
        return this;
    }
}
