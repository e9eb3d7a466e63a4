package dev.ssjvm.service.local;

import dev.ssjvm.core.address.HostAndPort;
import dev.ssjvm.core.protocol.ServerPacket;
import dev.ssjvm.service.udp.AssociationSocket;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One local UDP association's way straight to bypassed targets: its own {@link AssociationSocket},
 * plaintext both ways. A target name is resolved with the service's resolver (which caches); what
 * comes back is handed on as a packet from its sender. Closes after the idle timeout.
 */
public final class DirectUdp implements UdpWay {
    private static final Logger LOG = LoggerFactory.getLogger(DirectUdp.class);

    private final LocalContext context;
    private final EventLoop loop;
    private final Consumer<ServerPacket> onReply;
    private final AssociationSocket socket;

    public DirectUdp(LocalContext context, EventLoop loop, Consumer<ServerPacket> onReply, Runnable onClose) {
        this.context = context;
        this.loop = loop;
        this.onReply = onReply;
        this.socket = new AssociationSocket(context.io(), loop, context.settings().common().udpTimeout(),
                this::received, onClose);
    }

    @Override
    public void send(InetSocketAddress target, ByteBuf payload) {
        if (!target.isUnresolved()) {
            socket.send(new DatagramPacket(payload, target));
            return;
        }
        context.io().resolver().resolve(loop, target).addListener((Future<InetSocketAddress> f) -> {
            if (f.isSuccess()) {
                socket.send(new DatagramPacket(payload, f.getNow()));
            } else {
                LOG.debug("udp: cannot resolve bypassed {}: {}", HostAndPort.format(target), f.cause().getMessage());
                payload.release();
            }
        });
    }

    private void received(ChannelHandlerContext ctx, DatagramPacket packet) {
        onReply.accept(new ServerPacket(HostAndPort.unmapped(packet.sender()), packet.content().retain()));
    }

    @Override
    public void close() {
        socket.close();
    }
}
