package dev.ssjvm.service.local;

import dev.ssjvm.core.address.HostAndPort;
import dev.ssjvm.core.protocol.ServerPacket;
import dev.ssjvm.core.protocol.UdpClientProtocol;
import dev.ssjvm.service.udp.AssociationSocket;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One local UDP association's way to a Shadowsocks server: its own {@link AssociationSocket} and its
 * own protocol session (for SIP022, its own session id). Payloads are sealed for the server; packets
 * from the server are opened and handed to {@code onReply}, which owns the payload. Anything else
 * arriving on the socket is dropped. Closes after the idle timeout and then runs {@code onClose}.
 */
public final class UdpUpstream implements UdpWay {
    private static final Logger LOG = LoggerFactory.getLogger(UdpUpstream.class);
    /** Payloads held while the server's name is being resolved. */
    private static final int MAX_WAITING = 64;

    private record Pending(InetSocketAddress target, ByteBuf payload) {}

    private final AssociationSocket socket;
    private final Consumer<ServerPacket> onReply;
    private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
    private UdpClientProtocol.Session session;
    private InetSocketAddress server;
    private boolean closed;

    public UdpUpstream(LocalContext context, EventLoop loop, Consumer<ServerPacket> onReply, Runnable onClose) {
        this.onReply = onReply;
        this.socket = new AssociationSocket(context.io(), loop, context.settings().common().udpTimeout(),
                this::received, () -> {
                    closed = true;
                    releaseWaiting();
                    onClose.run();
                });
        context.connector().udpRemote(loop).addListener((Future<ServerConnector.UdpRemote> f) -> {
            if (!f.isSuccess()) {
                LOG.warn("udp: cannot resolve the server: {}", f.cause().getMessage());
                close();
                return;
            }
            server = f.getNow().address();
            session = f.getNow().protocol().newSession();
            Pending p;
            while ((p = waiting.poll()) != null) {
                sendNow(p.target(), p.payload());
            }
        });
    }

    /** Seals {@code payload} for {@code target} and sends it to the server. Takes ownership of the payload. */
    @Override
    public void send(InetSocketAddress target, ByteBuf payload) {
        if (closed) {
            payload.release();
        } else if (session != null) {
            sendNow(target, payload);
        } else if (waiting.size() < MAX_WAITING) {
            waiting.add(new Pending(target, payload));
        } else {
            payload.release();
        }
    }

    private void sendNow(InetSocketAddress target, ByteBuf payload) {
        try {
            ByteBuf sealed = session.seal(socket.channel().alloc(), target, payload);
            socket.send(new DatagramPacket(sealed, server));
        } finally {
            payload.release();
        }
    }

    private void received(ChannelHandlerContext ctx, DatagramPacket packet) {
        if (session == null || !HostAndPort.unmapped(packet.sender()).equals(server)) {
            return; // not from our server: ignore
        }
        ServerPacket opened = session.open(ctx.alloc(), packet.content());
        if (opened == null) {
            LOG.debug("udp: dropped a packet from the server that does not authenticate");
            return;
        }
        onReply.accept(opened);
    }

    private void releaseWaiting() {
        Pending p;
        while ((p = waiting.poll()) != null) {
            p.payload().release();
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
