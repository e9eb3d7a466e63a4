package dev.ssjvm.service.local;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.DefaultPromise;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;

/**
 * A {@link ChannelFuture} (a promise only this package completes) for a connection whose channel does not exist yet when the caller gets the
 * future: the ACL has to see a name's address before it is known whether the connection goes to a
 * server or to the target. It completes as the connect it is {@link #follow given} completes, and
 * then has that connect's channel.
 */
final class DeferredChannelFuture extends DefaultPromise<Void> implements ChannelPromise {
    private volatile Channel channel;

    DeferredChannelFuture(EventExecutor executor) {
        super(executor);
    }

    /** Completes this future as {@code connect} completes. */
    void follow(ChannelFuture connect) {
        connect.addListener((Future<Void> f) -> {
            channel = connect.channel();
            if (f.isSuccess()) {
                trySuccess(null);
            } else {
                tryFailure(f.cause());
            }
        });
    }

    /** The connection's channel; {@code null} until this future is done. */
    @Override
    public Channel channel() {
        return channel;
    }

    @Override
    public ChannelPromise setSuccess(Void result) {
        super.setSuccess(result);
        return this;
    }

    @Override
    public ChannelPromise setSuccess() {
        return setSuccess(null);
    }

    @Override
    public boolean trySuccess() {
        return trySuccess(null);
    }

    @Override
    public ChannelPromise setFailure(Throwable cause) {
        super.setFailure(cause);
        return this;
    }

    @Override
    public ChannelPromise unvoid() {
        return this;
    }

    @Override
    public boolean isVoid() {
        return false;
    }

    @Override
    public ChannelPromise addListener(GenericFutureListener<? extends Future<? super Void>> listener) {
        super.addListener(listener);
        return this;
    }

    @Override
    @SafeVarargs
    @SuppressWarnings("varargs")
    public final ChannelPromise addListeners(GenericFutureListener<? extends Future<? super Void>>... listeners) {
        super.addListeners(listeners);
        return this;
    }

    @Override
    public ChannelPromise removeListener(GenericFutureListener<? extends Future<? super Void>> listener) {
        super.removeListener(listener);
        return this;
    }

    @Override
    @SafeVarargs
    @SuppressWarnings("varargs")
    public final ChannelPromise removeListeners(GenericFutureListener<? extends Future<? super Void>>... listeners) {
        super.removeListeners(listeners);
        return this;
    }

    @Override
    public ChannelPromise sync() throws InterruptedException {
        super.sync();
        return this;
    }

    @Override
    public ChannelPromise syncUninterruptibly() {
        super.syncUninterruptibly();
        return this;
    }

    @Override
    public ChannelPromise await() throws InterruptedException {
        super.await();
        return this;
    }

    @Override
    public ChannelPromise awaitUninterruptibly() {
        super.awaitUninterruptibly();
        return this;
    }
}
