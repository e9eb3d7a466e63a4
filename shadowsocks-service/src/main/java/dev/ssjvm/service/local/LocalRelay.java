package dev.ssjvm.service.local;

import dev.ssjvm.service.relay.EarlyData;
import dev.ssjvm.service.relay.Relay;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import java.util.concurrent.TimeUnit;

/** Starts the relay between a local client and its connection to the Shadowsocks server. */
public final class LocalRelay {
    /**
     * How long the request header waits for the client's first bytes. Sending the header together
     * with the first payload makes the first packet's size vary with the payload, not with the
     * target address alone; a server-speaks-first protocol pays this delay once.
     */
    static final long HEADER_WAIT_MILLIS = 10;

    private LocalRelay() {}

    /** @param setupHandlers handlers of the front end's setup to take out of the client's pipeline */
    public static void start(Channel client, Channel server, EarlyData early, Class<?>... setupHandlers) {
        boolean nothingYet = early.isEmpty();
        Relay.start(client, server, early, setupHandlers);
        if (nothingYet) {
            // an empty write makes the codec send the header alone if no payload went first
            server.eventLoop().schedule(() -> {
                if (server.isActive()) {
                    server.writeAndFlush(Unpooled.EMPTY_BUFFER);
                }
            }, HEADER_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        }
    }
}
