package dev.ssjvm.service.udp;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The handler of a UDP socket that keeps one association per peer (the server's relay, the local
 * tunnel): it owns their table, and they end with the socket. Errors on a UDP socket (a send to an
 * unreachable address and the like) end nothing.
 *
 * @param <K> what tells associations apart
 * @param <V> the association
 */
public abstract class AssociationsHandler<K, V> extends SimpleChannelInboundHandler<DatagramPacket> {
    private static final Logger LOG = LoggerFactory.getLogger(AssociationsHandler.class);

    protected final AssociationTable<K, V> associations;

    /**
     * @param closer closes an association that is evicted, or that outlives the socket
     * @param autoRelease whether each datagram is released after {@code channelRead0} returns
     */
    protected AssociationsHandler(int capacity, Consumer<V> closer, boolean autoRelease) {
        super(autoRelease);
        this.associations = new AssociationTable<>(capacity, closer);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        associations.closeAll();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("udp {}: {}", ctx.channel().localAddress(), cause.toString());
    }
}
