package dev.ssjvm.service.local.socks;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResultProvider;
import io.netty.handler.codec.socksx.v4.DefaultSocks4CommandResponse;
import io.netty.handler.codec.socksx.v4.Socks4CommandRequest;
import io.netty.handler.codec.socksx.v4.Socks4CommandStatus;
import io.netty.handler.codec.socksx.v5.DefaultSocks5InitialResponse;
import io.netty.handler.codec.socksx.v5.DefaultSocks5PasswordAuthResponse;
import io.netty.handler.codec.socksx.v5.Socks5AuthMethod;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequest;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthRequest;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthStatus;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first SOCKS stage: method negotiation and, when users are configured, RFC 1929
 * username/password authentication. Once the client may send its request, it installs the command
 * decoder and removes itself, leaving the request to {@link SocksRequestStage}. A SOCKS4 request is
 * a request straight away: passed on when no authentication is required, refused otherwise.
 */
final class SocksAuthStage extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(SocksAuthStage.class);

    private final Map<String, String> users;

    SocksAuthStage(Map<String, String> users) {
        this.users = users;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Socks4CommandRequest && users.isEmpty()) {
            ctx.fireChannelRead(msg); // SOCKS4 has no negotiation: the request stage takes it
            ctx.pipeline().remove(this);
            return;
        }
        try {
            if (msg instanceof DecoderResultProvider provider && provider.decoderResult().isFailure()) {
                LOG.debug("{} malformed SOCKS message: {}", ctx.channel().remoteAddress(),
                        provider.decoderResult().cause().getMessage());
                if (msg instanceof Socks4CommandRequest) {
                    replyAndClose(ctx, new DefaultSocks4CommandResponse(Socks4CommandStatus.REJECTED_OR_FAILED));
                } else {
                    ctx.close();
                }
            } else if (msg instanceof Socks5InitialRequest initial) {
                negotiate(ctx, initial);
            } else if (msg instanceof Socks5PasswordAuthRequest auth) {
                authenticate(ctx, auth);
            } else if (msg instanceof Socks4CommandRequest) {
                LOG.debug("{} SOCKS4 refused: authentication is required", ctx.channel().remoteAddress());
                replyAndClose(ctx, new DefaultSocks4CommandResponse(Socks4CommandStatus.REJECTED_OR_FAILED));
            } else {
                ctx.close(); // bytes before the negotiation finished, or a message out of turn
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
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
            ctx.writeAndFlush(new DefaultSocks5InitialResponse(Socks5AuthMethod.NO_AUTH));
            handOver(ctx, Socks5InitialRequestDecoder.class);
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
            ctx.writeAndFlush(new DefaultSocks5PasswordAuthResponse(Socks5PasswordAuthStatus.SUCCESS));
            handOver(ctx, Socks5PasswordAuthRequestDecoder.class);
        } else {
            LOG.info("{} SOCKS5 authentication failed for user '{}'", ctx.channel().remoteAddress(), auth.username());
            replyAndClose(ctx, new DefaultSocks5PasswordAuthResponse(Socks5PasswordAuthStatus.FAILURE));
        }
    }

    /**
     * Leaves the connection to the request stage: this stage goes first, then the decoder gives way to
     * the command decoder, which takes over any bytes already buffered (a client that sent its
     * request without waiting for our answer) and passes the request on.
     */
    private void handOver(ChannelHandlerContext ctx, Class<? extends io.netty.channel.ChannelHandler> decoder) {
        ctx.pipeline().remove(this);
        ctx.pipeline().replace(decoder, "socks5-command", new Socks5CommandRequestDecoder());
    }

    static void replyAndClose(ChannelHandlerContext ctx, Object reply) {
        ctx.writeAndFlush(reply).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("{}: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
