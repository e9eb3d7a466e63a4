package dev.ssjvm.service.local;

import dev.ssjvm.core.address.HostAndPort;
import dev.ssjvm.service.relay.SetupStage;
import dev.ssjvm.service.transport.IdleTimeout;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
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
import io.netty.handler.codec.socksx.v5.DefaultSocks5InitialResponse;
import io.netty.handler.codec.socksx.v5.DefaultSocks5PasswordAuthResponse;
import io.netty.handler.codec.socksx.v5.Socks5AddressType;
import io.netty.handler.codec.socksx.v5.Socks5AuthMethod;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequest;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import io.netty.handler.codec.socksx.v5.Socks5CommandType;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequest;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthRequest;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthStatus;
import io.netty.handler.codec.socksx.v5.Socks5ServerEncoder;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SOCKS front end of {@code sslocal}: SOCKS5 (RFC 1928) with no authentication or, when users are
 * configured, username/password (RFC 1929); SOCKS4 and 4a for old clients when no authentication is
 * required. CONNECT opens a connection through the Shadowsocks server and becomes a relay; UDP
 * ASSOCIATE (when UDP is on) hands over to {@link SocksUdpAssociation}; BIND gets "command not
 * supported".
 *
 * <p>Netty's SOCKS decoders in front of this handler parse the messages; this handler answers them and
 * removes the SOCKS codecs once the relay starts. Bytes the client sends early are kept and relayed
 * first.
 */
final class SocksServerHandler extends SetupStage {
    private static final Logger LOG = LoggerFactory.getLogger(SocksServerHandler.class);
    private static final Class<?>[] SOCKS_HANDLERS = {
        Socks5InitialRequestDecoder.class, Socks5PasswordAuthRequestDecoder.class, Socks5CommandRequestDecoder.class,
        Socks5ServerEncoder.class, Socks4ServerDecoder.class, Socks4ServerEncoder.class, SocksServerHandler.class
    };
    /** For UDP ASSOCIATE the encoder stays until the reply is out; the idle timer gives way to udp_timeout. */
    private static final Class<?>[] SETUP_FOR_UDP = {
        Socks5InitialRequestDecoder.class, Socks5PasswordAuthRequestDecoder.class, Socks5CommandRequestDecoder.class,
        SocksServerHandler.class, IdleTimeout.class
    };

    /** Starts a UDP association for the client on a control connection. */
    interface UdpAssociate {
        void start(Channel control, Class<?>... setupHandlers);
    }

    private final ServerConnector connector;
    private final Map<String, String> users;
    private final boolean allowConnect;
    private final UdpAssociate udp;
    private boolean connecting;

    /**
     * @param allowConnect false when TCP relaying is off ({@code -U}): CONNECT is refused
     * @param udp how to serve UDP ASSOCIATE, or {@code null} when UDP relaying is off
     */
    SocksServerHandler(ServerConnector connector, Map<String, String> users, boolean allowConnect, UdpAssociate udp) {
        this.connector = connector;
        this.users = users;
        this.allowConnect = allowConnect;
        this.udp = udp;
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
            if (msg instanceof Socks5InitialRequest initial) {
                negotiate(ctx, initial);
            } else if (msg instanceof Socks5PasswordAuthRequest auth) {
                authenticate(ctx, auth);
            } else if (msg instanceof Socks5CommandRequest command) {
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
            replyAndClose(ctx, new DefaultSocks5CommandResponse(Socks5CommandStatus.FAILURE, Socks5AddressType.IPv4));
        } else if (msg instanceof Socks4CommandRequest) {
            replyAndClose(ctx, new DefaultSocks4CommandResponse(Socks4CommandStatus.REJECTED_OR_FAILED));
        } else {
            ctx.close();
        }
        return true;
    }

    private void negotiate(ChannelHandlerContext ctx, Socks5InitialRequest initial) {
        if (!users.isEmpty()) {
            if (initial.authMethods().contains(Socks5AuthMethod.PASSWORD)) {
                ctx.pipeline().replace(Socks5InitialRequestDecoder.class, "socks5-auth",
                        new Socks5PasswordAuthRequestDecoder());
                ctx.writeAndFlush(new DefaultSocks5InitialResponse(Socks5AuthMethod.PASSWORD));
                return;
            }
        } else if (initial.authMethods().contains(Socks5AuthMethod.NO_AUTH)) {
            ctx.pipeline().replace(Socks5InitialRequestDecoder.class, "socks5-command", new Socks5CommandRequestDecoder());
            ctx.writeAndFlush(new DefaultSocks5InitialResponse(Socks5AuthMethod.NO_AUTH));
            return;
        }
        LOG.debug("{} offers no acceptable SOCKS5 method", ctx.channel().remoteAddress());
        replyAndClose(ctx, new DefaultSocks5InitialResponse(Socks5AuthMethod.UNACCEPTED));
    }

    private void authenticate(ChannelHandlerContext ctx, Socks5PasswordAuthRequest auth) {
        String expected = users.get(auth.username());
        // compare even for unknown users so timing does not tell which names exist
        byte[] given = auth.password().getBytes(StandardCharsets.UTF_8);
        byte[] wanted = (expected == null ? "\u0000unknown-user" : expected).getBytes(StandardCharsets.UTF_8);
        if (MessageDigest.isEqual(given, wanted) && expected != null) {
            ctx.pipeline().replace(Socks5PasswordAuthRequestDecoder.class, "socks5-command",
                    new Socks5CommandRequestDecoder());
            ctx.writeAndFlush(new DefaultSocks5PasswordAuthResponse(Socks5PasswordAuthStatus.SUCCESS));
        } else {
            LOG.info("{} SOCKS5 authentication failed for user '{}'", ctx.channel().remoteAddress(), auth.username());
            replyAndClose(ctx, new DefaultSocks5PasswordAuthResponse(Socks5PasswordAuthStatus.FAILURE));
        }
    }

    private void command5(ChannelHandlerContext ctx, Socks5CommandRequest command) {
        if (command.type() == Socks5CommandType.UDP_ASSOCIATE && udp != null) {
            udp.start(ctx.channel(), SETUP_FOR_UDP);
        } else if (command.type() == Socks5CommandType.CONNECT && allowConnect) {
            InetSocketAddress target = command.dstAddrType() == Socks5AddressType.DOMAIN
                    ? InetSocketAddress.createUnresolved(command.dstAddr(), command.dstPort())
                    : HostAndPort.of(command.dstAddr(), command.dstPort());
            connect(ctx, target, true);
        } else {
            LOG.debug("{} SOCKS5 command {} not supported", ctx.channel().remoteAddress(), command.type());
            replyAndClose(ctx, new DefaultSocks5CommandResponse(Socks5CommandStatus.COMMAND_UNSUPPORTED,
                    Socks5AddressType.IPv4));
        }
    }

    private void command4(ChannelHandlerContext ctx, Socks4CommandRequest command) {
        if (!users.isEmpty() || command.type() != Socks4CommandType.CONNECT || !allowConnect) {
            LOG.debug("{} SOCKS4 request refused", ctx.channel().remoteAddress());
            replyAndClose(ctx, new DefaultSocks4CommandResponse(Socks4CommandStatus.REJECTED_OR_FAILED));
            return;
        }
        connect(ctx, HostAndPort.of(command.dstAddr(), command.dstPort()), false);
    }

    private void connect(ChannelHandlerContext ctx, InetSocketAddress target, boolean socks5) {
        connecting = true;
        if (LOG.isDebugEnabled()) {
            LOG.debug("{} CONNECT {}", ctx.channel().remoteAddress(), HostAndPort.format(target));
        }
        connector.connect(ctx.channel().eventLoop(), target).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                LOG.warn("cannot reach server for {}: {}", HostAndPort.format(target), f.cause().getMessage());
                replyAndClose(ctx, socks5
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

    private static void replyAndClose(ChannelHandlerContext ctx, Object reply) {
        ctx.writeAndFlush(reply).addListener(ChannelFutureListener.CLOSE);
    }
}
