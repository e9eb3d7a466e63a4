package dev.ssjvm.service.server;

import dev.ssjvm.core.address.HostAndPort;
import dev.ssjvm.core.tcp.ProtocolViolation;
import dev.ssjvm.core.tcp.ProxyRequest;
import dev.ssjvm.service.relay.Relay;
import dev.ssjvm.service.relay.TrafficCounters;
import dev.ssjvm.service.relay.SetupStage;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request stage of a server connection (the original's ADDR, DNS and CONNECTING stages): takes
 * the {@link ProxyRequest} from the codec, resolves the target on this connection's event loop,
 * checks it against the block list, connects, and hands both channels to the relay.
 *
 * <p>Payload that arrives before the target is connected is kept (up to a limit, then reading
 * pauses) and written first. Owns those buffers until the relay takes them; releases them if the
 * connection dies first.
 */
final class ServerRequestHandler extends SetupStage {
    private static final Logger LOG = LoggerFactory.getLogger(ServerRequestHandler.class);

    private final ServerContext server;
    private final RecvByteBufAllocator targetReads;
    private ProxyRequest request;
    private boolean violated;
    private Channel outbound;

    /** @param targetReads read sizes for the target, in whole chunks of this port's protocol */
    ServerRequestHandler(ServerContext server, RecvByteBufAllocator targetReads) {
        this.server = server;
        this.targetReads = targetReads;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ProxyRequest proxyRequest && request == null && !violated) {
            request = proxyRequest;
            resolve(ctx, proxyRequest.target());
        } else if (msg instanceof ByteBuf buf && request != null && !violated) {
            keepEarly(ctx, buf);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void resolve(ChannelHandlerContext ctx, InetSocketAddress target) {
        if (!target.isUnresolved()) {
            connect(ctx, target);
            return;
        }
        server.resolver().resolve(ctx.channel().eventLoop(), target).addListener((Future<InetSocketAddress> f) -> {
            if (!ctx.channel().isActive() || violated) {
                return;
            }
            if (f.isSuccess()) {
                connect(ctx, f.getNow());
            } else {
                LOG.debug("{} -> {}: cannot resolve: {}", ctx.channel().remoteAddress(), target.getHostString(),
                        f.cause().getMessage());
                ctx.close();
            }
        });
    }

    private void connect(ChannelHandlerContext ctx, InetSocketAddress resolved) {
        InetAddress ip = resolved.getAddress();
        if (server.forbidden().contains(ip)) {
            LOG.info("{} -> {}: blocked, {} is in forbidden_ip", ctx.channel().remoteAddress(),
                    describe(request.target()), ip.getHostAddress());
            ctx.close();
            return;
        }
        if (LOG.isDebugEnabled()) { // the arguments cost string building on every connection
            LOG.debug("{} -> {} ({}){}", ctx.channel().remoteAddress(), describe(request.target()), ip.getHostAddress(),
                    request.user() == null ? "" : " user " + request.user());
        }
        ChannelFuture connected = server.outbound(ctx.channel().eventLoop(), targetReads).connect(resolved);
        outbound = connected.channel();
        connected.addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                LOG.debug("{} -> {}: {}", ctx.channel().remoteAddress(), describe(request.target()),
                        f.cause().getMessage());
                ctx.close();
                return;
            }
            if (!ctx.channel().isActive() || violated) {
                f.channel().close();
                return;
            }
            TrafficCounters.Counter counter = server.traffic().of(request.user());
            Relay.start(ctx.channel(), f.channel(), early, counter::addUp, counter::addDown, HandshakeDeadline.class,
                    ServerRequestHandler.class);
        });
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ProtocolViolation violation) {
            LOG.debug("{} bad request ({}); draining until the handshake timeout", ctx.channel().remoteAddress(),
                    violation.reason());
            violated = true;
            early.release();
            if (outbound != null) {
                outbound.close();
            }
            ctx.channel().config().setAutoRead(true); // keep reading so the drain goes on
        } else {
            super.userEventTriggered(ctx, evt);
        }
    }

    /** Before a complete request, the end of input closes: whatever was sent, as probing requires. */
    @Override
    protected void inputEnded(ChannelHandlerContext ctx) {
        if (request == null || violated) {
            ctx.close();
        } else {
            early.markInputEnded();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (outbound != null) {
            outbound.close();
        }
        super.channelInactive(ctx);
    }

    private static String describe(InetSocketAddress target) {
        return HostAndPort.format(target);
    }
}
