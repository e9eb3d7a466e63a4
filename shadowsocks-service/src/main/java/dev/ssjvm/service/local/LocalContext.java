package dev.ssjvm.service.local;

import dev.ssjvm.service.config.LocalSettings;
import dev.ssjvm.service.transport.ServiceIo;
import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;

/**
 * What every front end of one {@code sslocal} shares: the settings, the event loops, the connector
 * to the servers (the one way out), and the group of open channels that closing the service ends.
 */
public record LocalContext(LocalSettings settings, ServiceIo io, ServerConnector connector, ChannelGroup channels) {

    /** Has {@code channel} closed with the service (sockets a front end opens for itself). */
    public void track(Channel channel) {
        channels.add(channel);
    }
}
