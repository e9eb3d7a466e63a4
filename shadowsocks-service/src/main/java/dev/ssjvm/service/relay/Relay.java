package dev.ssjvm.service.relay;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import java.util.List;

/** Joins two connected channels into a relay. Both must live on the same event loop. */
public final class Relay {
    private Relay() {}

    /**
     * Installs a {@link RelayHandler} on both channels, writes {@code pending} (bytes the client sent
     * before the outbound connection was ready) to {@code outbound} and starts reading on both.
     *
     * @param inputEnded the client already half-closed; the outbound output is shut down after
     *     {@code pending} is flushed
     * @param setupHandlers handlers of the setup stage to take out of the inbound pipeline
     */
    public static void start(Channel inbound, Channel outbound, List<ByteBuf> pending, boolean inputEnded,
            Class<?>... setupHandlers) {
        ChannelPipeline in = inbound.pipeline();
        for (Class<?> type : setupHandlers) {
            @SuppressWarnings("unchecked")
            ChannelHandler handler = in.get((Class<? extends ChannelHandler>) type);
            if (handler != null) {
                in.remove(handler);
            }
        }
        in.addLast("relay", new RelayHandler(outbound));
        outbound.pipeline().addLast("relay", new RelayHandler(inbound));
        for (ByteBuf buf : pending) {
            outbound.write(buf, outbound.voidPromise());
        }
        pending.clear();
        outbound.flush();
        if (inputEnded) {
            RelayHandler.shutdownOutputWhenFlushed(outbound);
        } else {
            inbound.config().setAutoRead(true);
        }
        outbound.config().setAutoRead(true);
    }
}
