package dev.ssjvm.service.relay;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import java.util.function.LongConsumer;

/** Joins two connected channels into a relay. Both must live on the same event loop. */
public final class Relay {
    private Relay() {}

    /**
     * Installs a {@link RelayHandler} on both channels, writes the early data to {@code outbound} and
     * starts reading on both. If the client already half-closed, the outbound output is shut down
     * once the early data is flushed.
     *
     * @param setupHandlers handlers of the setup stage to take out of the inbound pipeline
     */
    public static void start(Channel inbound, Channel outbound, EarlyData early, Class<?>... setupHandlers) {
        start(inbound, outbound, early, n -> { }, n -> { }, setupHandlers);
    }

    /**
     * As {@link #start(Channel, Channel, EarlyData, Class[])}, counting the payload each way.
     *
     * @param up told the bytes read from {@code inbound} (early data included)
     * @param down told the bytes read from {@code outbound}
     */
    public static void start(Channel inbound, Channel outbound, EarlyData early, LongConsumer up, LongConsumer down,
            Class<?>... setupHandlers) {
        ChannelPipeline in = inbound.pipeline();
        for (Class<?> type : setupHandlers) {
            @SuppressWarnings("unchecked")
            ChannelHandler handler = in.get((Class<? extends ChannelHandler>) type);
            if (handler != null) {
                in.remove(handler);
            }
        }
        in.addLast("relay", new RelayHandler(outbound, up));
        outbound.pipeline().addLast("relay", new RelayHandler(inbound, down));
        for (ByteBuf buf : early.takeBuffers()) {
            up.accept(buf.readableBytes());
            outbound.write(buf, outbound.voidPromise());
        }
        outbound.flush();
        if (early.inputEnded()) {
            RelayHandler.shutdownOutputWhenFlushed(outbound);
        } else {
            inbound.config().setAutoRead(true);
        }
        outbound.config().setAutoRead(true);
    }
}
