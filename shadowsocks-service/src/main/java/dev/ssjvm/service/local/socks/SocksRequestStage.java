package dev.ssjvm.service.local.socks;

import dev.ssjvm.core.address.HostAndPort;
import dev.ssjvm.service.acl.Acl;
import dev.ssjvm.service.local.LocalContext;
import dev.ssjvm.service.local.LocalRelay;
import dev.ssjvm.service.relay.SetupStage;
import dev.ssjvm.service.transport.IdleTimeout;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.DecoderResultProvider;
import io.netty.handler.codec.socksx.v4.DefaultSocks4CommandResponse;
import io.netty.handler.codec.socksx.v4.Socks4CommandRequest;
import io.netty.handler.codec.socksx.v4.Socks4CommandStatus;
import io.netty.handler.codec.socksx.v4.Socks4CommandType;
import io.netty.handler.codec.socksx.v4.Socks4ServerDecoder;
import io.netty.handler.codec.socksx.v4.Socks4ServerEncoder;
import io.netty.handler.codec.socksx.v5.DefaultSocks5CommandResponse;
import io.netty.handler.codec.socksx.v5.Socks5AddressType;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequest;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import io.netty.handler.codec.socksx.v5.Socks5CommandType;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5ServerEncoder;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The second SOCKS stage, once the client may send its request: CONNECT opens a connection through
 * the Shadowsocks server, answers once it is up (so a dead server is a SOCKS failure, not a silent
 * close) and becomes a relay; UDP ASSOCIATE hands over to {@link SocksUdpAssociation}; BIND, or a
 * command whose relay is off ({@code -U}, or UDP not enabled), gets "command not supported". Bytes
 * the client sends early are kept and relayed first.
 */
final class SocksRequestStage extends SetupStage {
    private static final Logger LOG = LoggerFactory.getLogger(SocksRequestStage.class);
    /** Everything SOCKS in the pipeline, taken out when the relay starts. */
    private static final Class<?>[] SOCKS_HANDLERS = {
        Socks5InitialRequestDecoder.class, Socks5PasswordAuthRequestDecoder.class, Socks5CommandRequestDecoder.class,
        Socks5ServerEncoder.class, Socks4ServerDecoder.class, Socks4ServerEncoder.class, SocksAuthStage.class,
        SocksRequestStage.class
    };
    /** For UDP ASSOCIATE the encoder stays until the reply is out; the idle timer gives way to udp_timeout. */
    private static final Class<?>[] SETUP_FOR_UDP = {
        Socks5InitialRequestDecoder.class, Socks5PasswordAuthRequestDecoder.class, Socks5CommandRequestDecoder.class,
        SocksAuthStage.class, SocksRequestStage.class, IdleTimeout.class
    };

    private final LocalContext context;
    private final Acl acl;
    private final boolean allowConnect;
    private final boolean allowUdp;
    private boolean connecting;

    /**
     * @param allowConnect false when TCP relaying is off ({@code -U}): CONNECT is refused
     * @param allowUdp whether UDP ASSOCIATE is served
     */
    SocksRequestStage(LocalContext context, Acl acl, boolean allowConnect, boolean allowUdp) {
        this.context = context;
        this.acl = acl;
        this.allowConnect = allowConnect;
        this.allowUdp = allowUdp;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf) {
            if (connecting) {
                keepEarly(ctx, buf);
            } else {
                buf.release();
            }
            return;
        }
        try {
            if (msg instanceof DecoderResultProvider provider && failed(ctx, provider.decoderResult(), msg)) {
                return;
            }
            if (msg instanceof Socks5CommandRequest command) {
                command5(ctx, command);
            } else if (msg instanceof Socks4CommandRequest command) {
                command4(ctx, command);
            } else {
                ctx.close();
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private boolean failed(ChannelHandlerContext ctx, DecoderResult result, Object msg) {
        if (!result.isFailure()) {
            return false;
        }
        LOG.debug("{} malformed SOCKS message: {}", ctx.channel().remoteAddress(), result.cause().getMessage());
        if (msg instanceof Socks5CommandRequest) {
            SocksAuthStage.replyAndClose(ctx,
                    new DefaultSocks5CommandResponse(Socks5CommandStatus.FAILURE, Socks5AddressType.IPv4));
        } else if (msg instanceof Socks4CommandRequest) {
            SocksAuthStage.replyAndClose(ctx, new DefaultSocks4CommandResponse(Socks4CommandStatus.REJECTED_OR_FAILED));
        } else {
            ctx.close();
        }
        return true;
    }

    private void command5(ChannelHandlerContext ctx, Socks5CommandRequest command) {
        if (command.type() == Socks5CommandType.UDP_ASSOCIATE && allowUdp) {
            SocksUdpAssociation.start(ctx.channel(), context, acl, SETUP_FOR_UDP);
        } else if (command.type() == Socks5CommandType.CONNECT && allowConnect) {
            InetSocketAddress target = command.dstAddrType() == Socks5AddressType.DOMAIN
                    ? InetSocketAddress.createUnresolved(command.dstAddr(), command.dstPort())
                    : HostAndPort.of(command.dstAddr(), command.dstPort());
            connect(ctx, target, true);
        } else {
            LOG.debug("{} SOCKS5 command {} not supported", ctx.channel().remoteAddress(), command.type());
            SocksAuthStage.replyAndClose(ctx, new DefaultSocks5CommandResponse(Socks5CommandStatus.COMMAND_UNSUPPORTED,
                    Socks5AddressType.IPv4));
        }
    }

    private void command4(ChannelHandlerContext ctx, Socks4CommandRequest command) {
        if (command.type() != Socks4CommandType.CONNECT || !allowConnect) {
            LOG.debug("{} SOCKS4 request refused", ctx.channel().remoteAddress());
            SocksAuthStage.replyAndClose(ctx, new DefaultSocks4CommandResponse(Socks4CommandStatus.REJECTED_OR_FAILED));
            return;
        }
        connect(ctx, HostAndPort.of(command.dstAddr(), command.dstPort()), false);
    }

    private void connect(ChannelHandlerContext ctx, InetSocketAddress target, boolean socks5) {
        connecting = true;
        if (LOG.isDebugEnabled()) {
            LOG.debug("{} CONNECT {}", ctx.channel().remoteAddress(), HostAndPort.format(target));
        }
        context.connector().connect(ctx.channel().eventLoop(), target, acl).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                LOG.warn("cannot reach server for {}: {}", HostAndPort.format(target), f.cause().getMessage());
                SocksAuthStage.replyAndClose(ctx, socks5
                        ? new DefaultSocks5CommandResponse(Socks5CommandStatus.FAILURE, Socks5AddressType.IPv4)
                        : new DefaultSocks4CommandResponse(Socks4CommandStatus.REJECTED_OR_FAILED));
                return;
            }
            if (!ctx.channel().isActive()) {
                f.channel().close();
                return;
            }
            Object reply = socks5
                    ? new DefaultSocks5CommandResponse(Socks5CommandStatus.SUCCESS, Socks5AddressType.IPv4, "0.0.0.0", 0)
                    : new DefaultSocks4CommandResponse(Socks4CommandStatus.SUCCESS);
            ctx.writeAndFlush(reply).addListener((ChannelFutureListener) replied -> {
                if (!replied.isSuccess()) {
                    f.channel().close();
                    return;
                }
                LocalRelay.start(ctx.channel(), f.channel(), early, SOCKS_HANDLERS);
            });
        });
    }

    /** Before CONNECT there is nothing to relay, so the end of input closes. */
    @Override
    protected void inputEnded(ChannelHandlerContext ctx) {
        if (connecting) {
            early.markInputEnded();
        } else {
            ctx.close();
        }
    }
}
