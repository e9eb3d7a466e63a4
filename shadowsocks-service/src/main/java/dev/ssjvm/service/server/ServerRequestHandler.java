package dev.ssjvm.service.server;

import dev.ssjvm.core.address.HostAndPort;
import dev.ssjvm.core.protocol.ProtocolViolation;
import dev.ssjvm.core.protocol.ProxyRequest;
import dev.ssjvm.service.limits.PortLimiter;
import dev.ssjvm.service.limits.Refusal;
import dev.ssjvm.service.metrics.Failure;
import dev.ssjvm.service.metrics.ServerMetrics;
import dev.ssjvm.service.metrics.TrafficMeter;
import dev.ssjvm.service.outbound.OutboundRefusal;
import dev.ssjvm.service.relay.Relay;
import dev.ssjvm.service.relay.SetupStage;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request stage of a server connection (the original's ADDR, DNS and CONNECTING stages): takes
 * the {@link ProxyRequest} from the codec, has the outbound policy resolve and check the target on
 * this connection's event loop, connects, and hands both channels to the relay. It also reports the
 * one failure, if any, that ends the connection before the relay: bad input, the handshake deadline,
 * or a target that is refused, unresolvable or unreachable.
 *
 * <p>Payload that arrives before the target is connected is kept (up to a limit, then reading
 * pauses) and written first. Owns those buffers until the relay takes them; releases them if the
 * connection dies first.
 */
final class ServerRequestHandler extends SetupStage {
    private static final Logger LOG = LoggerFactory.getLogger(ServerRequestHandler.class);

    private final ServerPort port;
    private final ServerContext context;
    private ProxyRequest request;
    private boolean violated;
    private boolean failureReported;
    private Channel outbound;
    private PortLimiter.Ticket ticket;

    ServerRequestHandler(ServerPort port, ServerContext context) {
        this.port = port;
        this.context = context;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ProxyRequest proxyRequest && request == null && !violated) {
            request = proxyRequest;
            if (ctx.pipeline().get(PreAuthBudget.class) != null) {
                ctx.pipeline().remove(PreAuthBudget.class); // authenticated: the relay's limits apply now
            }
            HandshakeDeadline deadline = ctx.pipeline().get(HandshakeDeadline.class);
            if (deadline != null) {
                deadline.authenticated(); // its slot is free; the deadline itself still runs until the relay
            }
            if (proxyRequest.user() != null) {
                ctx.channel().attr(ServerPort.USER).set(proxyRequest.user());
            }
            if (admit(ctx)) {
                resolve(ctx, proxyRequest.target());
            }
        } else if (msg instanceof ByteBuf buf && request != null && !violated) {
            keepEarly(ctx, buf);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    /**
     * Takes a connection slot from the limits. A user (or port) that is expired or over quota is
     * treated as a stranger: the connection drains until the handshake deadline, as with a wrong key.
     * One over its connection limit is known to hold the key, and is closed at once.
     */
    private boolean admit(ChannelHandlerContext ctx) {
        Refusal[] why = new Refusal[1];
        ticket = port.limiter().admit(request.user(), why);
        if (ticket != null) {
            ctx.channel().closeFuture().addListener(f -> ticket.release());
            return true;
        }
        context.metrics().limitHit(port.port(), request.user(), why[0]);
        report(Failure.LIMITED);
        if (why[0] == Refusal.CONNECTIONS) {
            LOG.debug("{} user {}: connection limit reached", ctx.channel().remoteAddress(), request.user());
            ctx.close();
        } else {
            LOG.debug("{} user {}: {}; treated as a stranger", ctx.channel().remoteAddress(), request.user(), why[0]);
            drain(ctx);
        }
        return false;
    }

    private void resolve(ChannelHandlerContext ctx, InetSocketAddress target) {
        Future<InetSocketAddress> resolved = context.outbound().resolve(ctx.channel().eventLoop(), target);
        if (resolved.isDone()) {
            resolved(ctx, resolved);
        } else {
            resolved.addListener(f -> resolved(ctx, resolved));
        }
    }

    private void resolved(ChannelHandlerContext ctx, Future<InetSocketAddress> resolved) {
        if (!ctx.channel().isActive() || violated) {
            return;
        }
        if (resolved.isSuccess()) {
            connect(ctx, resolved.getNow());
            return;
        }
        if (resolved.cause() instanceof OutboundRefusal refusal && refusal.reason() == OutboundRefusal.Reason.BLOCKED) {
            LOG.info("{} -> {}: blocked, {}", ctx.channel().remoteAddress(), describe(request.target()),
                    refusal.getMessage());
            report(Failure.BLOCKED_TARGET);
        } else {
            LOG.debug("{} -> {}: {}", ctx.channel().remoteAddress(), describe(request.target()),
                    resolved.cause().getMessage());
            report(Failure.DNS_FAILURE);
        }
        ctx.close();
    }

    private void connect(ChannelHandlerContext ctx, InetSocketAddress target) {
        if (LOG.isDebugEnabled()) { // the arguments cost string building on every connection
            LOG.debug("{} -> {} ({}){}", ctx.channel().remoteAddress(), describe(request.target()),
                    target.getAddress().getHostAddress(), request.user() == null ? "" : " user " + request.user());
        }
        ChannelFuture connected = context.connectToTarget(ctx.channel().eventLoop(), port.targetReads(),
                port.timeout(), target.getAddress()).connect(target);
        outbound = connected.channel();
        connected.addListener((ChannelFutureListener) f -> {
            // first: closing the outbound (client gone, or drain begun) fails a pending connect, and that
            // is neither the target's fault nor a reason to close a connection that is draining
            if (!ctx.channel().isActive() || violated) {
                f.channel().close();
                return;
            }
            if (!f.isSuccess()) {
                LOG.debug("{} -> {}: {}", ctx.channel().remoteAddress(), describe(request.target()),
                        f.cause().getMessage());
                report(Failure.TARGET_REFUSED);
                ctx.close();
                return;
            }
            TrafficMeter meter = TrafficMeter.both(context.metrics().tcpOpened(port.port(), request.user()),
                    port.limiter().quotaMeter(request.user()));
            Relay.start(ctx.channel(), f.channel(), early, meter, ticket.up(), ticket.down(), HandshakeDeadline.class,
                    ServerRequestHandler.class);
        });
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ProtocolViolation violation) {
            LOG.debug("{} bad request ({}); draining until the handshake timeout", ctx.channel().remoteAddress(),
                    violation.reason());
            report(switch (violation.kind()) {
                case AUTHENTICATION -> Failure.AUTHENTICATION;
                case REPLAY -> Failure.REPLAY;
                case MALFORMED -> Failure.MALFORMED;
            });
            drain(ctx);
        } else if (evt == HandshakeDeadline.EXPIRED) {
            report(Failure.TIMEOUT);
        } else {
            super.userEventTriggered(ctx, evt);
        }
    }

    /** From now on the connection's input is read and dropped until the handshake deadline closes it. */
    private void drain(ChannelHandlerContext ctx) {
        violated = true;
        early.release();
        if (outbound != null) {
            outbound.close();
        }
        ctx.channel().config().setAutoRead(true); // keep reading so the drain goes on
    }

    /** Before a complete request, the end of input closes: whatever was sent, as probing requires. */
    @Override
    protected void inputEnded(ChannelHandlerContext ctx) {
        if (request == null || violated) {
            report(Failure.MALFORMED);
            ctx.close();
        } else {
            early.markInputEnded();
        }
    }

    /** Reports the first failure of this connection; later ones are consequences of it. */
    private void report(Failure failure) {
        if (!failureReported) {
            failureReported = true;
            context.metrics().failure(port.port(), request == null ? null : request.user(),
                    ServerMetrics.Protocol.TCP, failure);
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
