package dev.ssjvm.service.relay;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import dev.ssjvm.service.metrics.TrafficMeter;

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
        start(inbound, outbound, early, TrafficMeter.NONE, setupHandlers);
    }

    /**
     * As {@link #start(Channel, Channel, EarlyData, Class[])}, metering the payload each way: up is
     * what {@code inbound} sends (early data included), down what {@code outbound} sends back. The
     * meter is told {@link TrafficMeter#closed()} when {@code inbound} closes.
     */
    public static void start(Channel inbound, Channel outbound, EarlyData early, TrafficMeter meter,
            Class<?>... setupHandlers) {
        start(inbound, outbound, early, meter, Throttle.NONE, Throttle.NONE, setupHandlers);
    }

    /**
     * As {@link #start(Channel, Channel, EarlyData, TrafficMeter, Class[])}, pacing each way.
     *
     * @param up paces the reads from {@code inbound}
     * @param down paces the reads from {@code outbound}
     */
    public static void start(Channel inbound, Channel outbound, EarlyData early, TrafficMeter meter, Throttle up,
            Throttle down, Class<?>... setupHandlers) {
        ChannelPipeline in = inbound.pipeline();
        SetupStage.removeAll(in, setupHandlers);
        RelayHandler fromClient = new RelayHandler(outbound, meter, true, up);
        RelayHandler fromTarget = new RelayHandler(inbound, meter, false, down);
        fromClient.partner = fromTarget;
        fromTarget.partner = fromClient;
        in.addLast("relay", fromClient);
        outbound.pipeline().addLast("relay", fromTarget);
        if (meter != TrafficMeter.NONE) {
            inbound.closeFuture().addListener(f -> meter.closed());
        }
        for (ByteBuf buf : early.takeBuffers()) {
            meter.up(buf.readableBytes());
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
