package dev.ssjvm.service.local.http;

import dev.ssjvm.core.address.HostAndPort;
import dev.ssjvm.core.protocol.ProtocolViolation;
import dev.ssjvm.service.acl.Acl;
import dev.ssjvm.service.local.LocalRelay;
import dev.ssjvm.service.relay.SetupStage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP proxy client connection, after Netty's {@link HttpServerCodec}.
 *
 * <p>{@code CONNECT host:port}: the decoder is taken out at once (what follows the request head is
 * the tunnel's data, kept as early data), the target is connected through the {@code ServerConnector},
 * {@code 200} goes out once that connection is up ({@code 502} if not), and the connection becomes a
 * relay.
 *
 * <p>{@code GET http://host/path} and the other methods: forwarded one exchange at a time. The request
 * goes to the target in origin form, hop-by-hop headers removed, over an upstream connection with
 * Netty's {@link HttpClientCodec}; bodies stream both ways with back-pressure. The upstream is kept for
 * the next request to the same host:port and closed when a request names another. What the client
 * sends while an exchange is under way (pipelined requests) waits, with reading paused, so responses
 * come back in order. Errors are answered with a status and close the connection.
 */
final class HttpProxyHandler extends SetupStage {
    private static final Logger LOG = LoggerFactory.getLogger(HttpProxyHandler.class);
    private static final Class<?>[] HTTP_HANDLERS = {HttpServerCodec.class, HttpProxyHandler.class};
    private static final HttpResponseStatus ESTABLISHED = new HttpResponseStatus(200, "Connection established");

    private enum State {
        /** Waiting for a request head. */
        IDLE,
        /** A request was forwarded; its body and its response are under way. */
        EXCHANGE,
        /** A CONNECT was accepted: everything from the client is tunnel data now. */
        TUNNEL,
        /** An answer that closes the connection went out; input is discarded. */
        CLOSING
    }

    private final Connector connector;
    private final Acl acl;
    private final BasicAuth auth;
    /** What the client sent that may not be handled yet, in order; reading is paused while it holds anything. */
    private final ArrayDeque<Object> pending = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private State state = State.IDLE;
    private boolean decoderRemoved;

    private Channel upstream;
    private InetSocketAddress upstreamTarget;
    private boolean connecting;
    private boolean upstreamCloses;

    // the exchange under way
    private boolean requestDone;
    private boolean responseStarted;
    private boolean responseDone;
    private boolean interim;
    private boolean headRequest;
    private boolean clientHttp10;
    private boolean closeAfterExchange;
    private boolean clientInputEnded;

    /** How a target is reached: {@link dev.ssjvm.service.local.ServerConnector#connect} (tests give their own). */
    @FunctionalInterface
    interface Connector {
        ChannelFuture connect(EventLoop loop, InetSocketAddress target, Acl acl);
    }

    /** @param auth the users' check, or {@code null} when the listener has no users */
    HttpProxyHandler(Connector connector, Acl acl, BasicAuth auth) {
        this.connector = connector;
        this.acl = acl;
        this.auth = auth;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        boolean connect = msg instanceof HttpRequest request && HttpMethod.CONNECT.equals(request.method())
                && request.decoderResult().isSuccess();
        if (!pending.isEmpty() || !canHandle(msg)) {
            pending.add(msg);
            updateReading();
        } else {
            handle(msg);
        }
        if (connect && !decoderRemoved) {
            // The bytes after a CONNECT head are not HTTP: the decoder goes before it reads any of
            // them, handing us what it holds as plain buffers (after the request, so in order).
            decoderRemoved = true;
            HttpServerCodec codec = ctx.pipeline().get(HttpServerCodec.class);
            if (codec != null) {
                codec.removeInboundHandler();
            }
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (upstream != null && state == State.EXCHANGE) {
            upstream.flush();
        }
        ctx.fireChannelReadComplete();
    }

    private boolean canHandle(Object msg) {
        if (state == State.TUNNEL || state == State.CLOSING) {
            return true;
        }
        if (connecting) {
            return false;
        }
        return !(msg instanceof HttpRequest) || state == State.IDLE;
    }

    private void handle(Object msg) {
        switch (state) {
            case CLOSING -> ReferenceCountUtil.release(msg);
            case TUNNEL -> {
                if (msg instanceof ByteBuf buf) {
                    keepEarly(ctx, buf);
                } else {
                    ReferenceCountUtil.release(msg); // the empty end of the CONNECT "body"
                }
            }
            case IDLE, EXCHANGE -> {
                if (msg instanceof HttpRequest request) {
                    request(request);
                } else if (msg instanceof HttpContent content) {
                    requestContent(content);
                } else {
                    ReferenceCountUtil.release(msg);
                }
            }
            default -> throw new AssertionError(state);
        }
    }

    private void request(HttpRequest request) {
        if (request.decoderResult().isFailure()) {
            ReferenceCountUtil.release(request); // the decoder's stand-in for a bad request
            LOG.debug("{} malformed HTTP request: {}", ctx.channel().remoteAddress(),
                    request.decoderResult().cause().toString());
            fail(HttpResponseStatus.BAD_REQUEST, "malformed request");
            return;
        }
        if (auth != null && !auth.accepts(request.headers())) {
            LOG.debug("{} HTTP proxy authentication missing or wrong", ctx.channel().remoteAddress());
            fail(HttpResponseStatus.PROXY_AUTHENTICATION_REQUIRED, "proxy authentication required");
            return;
        }
        if (HttpMethod.CONNECT.equals(request.method())) {
            InetSocketAddress target = ProxyTargets.connect(request.uri());
            if (target == null) {
                fail(HttpResponseStatus.BAD_REQUEST, "CONNECT needs host:port");
                return;
            }
            tunnel(target);
            return;
        }
        ProxyTargets.Absolute absolute = ProxyTargets.absolute(request.uri());
        if (absolute == null) {
            fail(HttpResponseStatus.BAD_REQUEST, "not a proxy request: an http:// URI is needed");
            return;
        }
        clientHttp10 = request.protocolVersion().minorVersion() == 0;
        closeAfterExchange = !HttpUtil.isKeepAlive(request) || clientInputEnded;
        headRequest = HttpMethod.HEAD.equals(request.method());
        HopByHop.strip(request.headers());
        request.setUri(absolute.originForm());
        request.setProtocolVersion(HttpVersion.HTTP_1_1);
        request.headers().set(HttpHeaderNames.HOST, absolute.host());
        if (closeAfterExchange) {
            request.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        state = State.EXCHANGE;
        requestDone = false;
        responseStarted = false;
        responseDone = false;
        interim = false;
        if (LOG.isDebugEnabled()) {
            LOG.debug("{} {} {}{}", ctx.channel().remoteAddress(), request.method(),
                    HostAndPort.format(absolute.target()), absolute.originForm());
        }
        if (upstream != null && upstream.isActive() && absolute.target().equals(upstreamTarget)) {
            upstream.write(request);
        } else {
            closeUpstream();
            connect(absolute.target(), request);
        }
    }

    private void connect(InetSocketAddress target, HttpRequest head) {
        connecting = true;
        connector.connect(ctx.channel().eventLoop(), target, acl).addListener((ChannelFutureListener) f -> {
            connecting = false;
            if (!f.isSuccess()) {
                LOG.warn("cannot reach server for {}: {}", HostAndPort.format(target), f.cause().getMessage());
                fail(HttpResponseStatus.BAD_GATEWAY, "cannot reach the proxy server");
                return;
            }
            Channel channel = f.channel();
            if (!ctx.channel().isActive() || state != State.EXCHANGE) {
                channel.close();
                return;
            }
            upstream = channel;
            upstreamTarget = target;
            upstreamCloses = false;
            channel.pipeline().addLast("http-client", HttpFrontEnd.newClientCodec())
                    .addLast("http-upstream", new Upstream(channel));
            channel.write(head);
            channel.config().setAutoRead(true);
            drainPending();
            channel.flush();
        });
    }

    private void requestContent(HttpContent content) {
        if (state != State.EXCHANGE || requestDone) {
            content.release(); // nothing to forward it to
            return;
        }
        if (content.decoderResult().isFailure()) {
            content.release();
            LOG.debug("{} malformed HTTP request body", ctx.channel().remoteAddress());
            if (responseStarted) {
                ctx.close();
            } else {
                fail(HttpResponseStatus.BAD_REQUEST, "malformed request body");
            }
            return;
        }
        boolean last = content instanceof LastHttpContent;
        if (upstream == null) {
            // the target answered and closed before the body ended: the rest has nowhere to go
            content.release();
            if (last) {
                requestDone = true;
                finishIfDone();
            }
            return;
        }
        upstream.write(content);
        if (last) {
            requestDone = true;
            upstream.flush();
            finishIfDone();
        } else if (!upstream.isWritable()) {
            upstream.flush();
            updateReading();
        }
    }

    private void response(Channel from, HttpObject msg) {
        if (from != upstream || state != State.EXCHANGE || responseDone) {
            ReferenceCountUtil.release(msg); // an answer to nothing we asked
            from.close();
            return;
        }
        if (msg.decoderResult().isFailure()) {
            ReferenceCountUtil.release(msg);
            LOG.debug("{} malformed HTTP response from {}", ctx.channel().remoteAddress(),
                    HostAndPort.format(upstreamTarget));
            if (responseStarted) {
                ctx.close();
            } else {
                fail(HttpResponseStatus.BAD_GATEWAY, "malformed response from the target");
            }
            return;
        }
        if (msg instanceof HttpResponse response) {
            responseHead(response);
            if (state != State.EXCHANGE) {
                ReferenceCountUtil.release(msg);
                return;
            }
        }
        if (msg instanceof LastHttpContent && interim) {
            interim = false; // the end of a 100 Continue: the real response is still to come
            ctx.write(msg);
            ctx.flush();
            return;
        }
        ctx.write(msg);
        if (msg instanceof LastHttpContent) {
            responseDone = true;
            ctx.flush();
            finishIfDone();
        } else if (!ctx.channel().isWritable()) {
            // pause first: a flush that drains the buffer fires the writability change, which resumes
            from.config().setAutoRead(false);
            ctx.flush();
        }
    }

    private void responseHead(HttpResponse response) {
        responseStarted = true;
        if (response.status().code() == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
            // we never ask for an upgrade (Upgrade is hop-by-hop), so this is nothing we can carry
            LOG.debug("{} unexpected 101 from {}", ctx.channel().remoteAddress(), HostAndPort.format(upstreamTarget));
            ctx.close();
            state = State.CLOSING;
            return;
        }
        interim = response.status().codeClass() == HttpStatusClass.INFORMATIONAL;
        if (interim) {
            HopByHop.strip(response.headers());
            return;
        }
        if (!HttpUtil.isKeepAlive(response)) {
            upstreamCloses = true;
        }
        HopByHop.strip(response.headers());
        int code = response.status().code();
        boolean bodiless = headRequest || code == 204 || code == 304;
        boolean chunked = HttpUtil.isTransferEncodingChunked(response);
        boolean delimited = bodiless || chunked || HttpUtil.isContentLengthSet(response);
        if (clientHttp10) {
            if (chunked) {
                // an HTTP/1.0 client knows no chunks: send the body as it is and end it by closing
                HttpUtil.setTransferEncodingChunked(response, false);
                closeAfterExchange = true;
            } else if (!delimited) {
                closeAfterExchange = true;
            }
        } else if (!delimited && !closeAfterExchange) {
            // the target ends this body by closing; chunks let the client's connection live on
            HttpUtil.setTransferEncodingChunked(response, true);
        }
        response.setProtocolVersion(HttpVersion.HTTP_1_1);
        if (closeAfterExchange) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (clientHttp10) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
    }

    private void finishIfDone() {
        if (!requestDone || !responseDone) {
            return;
        }
        state = State.IDLE;
        if (upstreamCloses) {
            closeUpstream();
        }
        if (closeAfterExchange || clientInputEnded) {
            state = State.CLOSING;
            releasePending();
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ctx.flush();
        if (upstream != null) {
            upstream.config().setAutoRead(true);
        }
        drainPending();
    }

    private void tunnel(InetSocketAddress target) {
        state = State.TUNNEL;
        if (LOG.isDebugEnabled()) {
            LOG.debug("{} CONNECT {}", ctx.channel().remoteAddress(), HostAndPort.format(target));
        }
        closeUpstream();
        connector.connect(ctx.channel().eventLoop(), target, acl).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                LOG.warn("cannot reach server for {}: {}", HostAndPort.format(target), f.cause().getMessage());
                fail(HttpResponseStatus.BAD_GATEWAY, "cannot reach the proxy server");
                return;
            }
            if (!ctx.channel().isActive()) {
                f.channel().close();
                return;
            }
            FullHttpResponse established = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, ESTABLISHED);
            ctx.writeAndFlush(established).addListener((ChannelFutureListener) replied -> {
                if (!replied.isSuccess()) {
                    f.channel().close();
                    return;
                }
                LocalRelay.start(ctx.channel(), f.channel(), early, HTTP_HANDLERS);
            });
        });
        drainPending();
    }

    /** Answers with an error and closes; whatever else the client sent is dropped. */
    private void fail(HttpResponseStatus status, String reason) {
        boolean midResponse = state == State.EXCHANGE && responseStarted;
        state = State.CLOSING;
        releasePending();
        closeUpstream();
        if (!ctx.channel().isActive()) {
            return;
        }
        if (midResponse) {
            ctx.close(); // part of another answer is out: the client sees a cut connection
            return;
        }
        byte[] body = (status.code() + " " + status.reasonPhrase() + ": " + reason + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(body));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
                .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        if (status == HttpResponseStatus.PROXY_AUTHENTICATION_REQUIRED) {
            response.headers().set(HttpHeaderNames.PROXY_AUTHENTICATE, BasicAuth.CHALLENGE);
        }
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    /** Handles what waited, up to the next thing that has to wait again. */
    private void drainPending() {
        while (!pending.isEmpty() && canHandle(pending.peek())) {
            handle(pending.poll());
        }
        updateReading();
    }

    /** Reads from the client while nothing waits and the upstream takes what it is given. */
    private void updateReading() {
        if (state == State.TUNNEL) {
            if (pending.isEmpty()) {
                ctx.channel().config().setAutoRead(true); // from now on the early data limit decides
            }
            return;
        }
        boolean read = pending.isEmpty() && state != State.CLOSING
                && (upstream == null || state != State.EXCHANGE || upstream.isWritable());
        ctx.channel().config().setAutoRead(read);
    }

    private void upstreamClosed(Channel channel) {
        if (channel != upstream) {
            return;
        }
        upstream = null;
        upstreamTarget = null;
        if (state == State.EXCHANGE && !responseDone) {
            LOG.debug("{} upstream closed before the response ended", ctx.channel().remoteAddress());
            fail(HttpResponseStatus.BAD_GATEWAY, "the target closed the connection without an answer");
        }
    }

    private void closeUpstream() {
        if (upstream != null) {
            Channel old = upstream;
            upstream = null;
            upstreamTarget = null;
            old.close();
        }
    }

    private void releasePending() {
        Object msg;
        while ((msg = pending.poll()) != null) {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && upstream != null) {
            upstream.config().setAutoRead(true);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    protected void inputEnded(ChannelHandlerContext ctx) {
        switch (state) {
            case TUNNEL -> early.markInputEnded();
            case EXCHANGE -> clientInputEnded = true; // answer what was asked, then close
            default -> {
                if (pending.isEmpty()) {
                    ctx.close();
                } else {
                    clientInputEnded = true;
                }
            }
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        state = State.CLOSING;
        releasePending();
        closeUpstream();
        super.channelInactive(ctx);
    }

    /** The handler of an upstream connection: hands its responses back to the proxy handler. */
    private final class Upstream extends ChannelInboundHandlerAdapter {
        private final Channel channel;

        Upstream(Channel channel) {
            this.channel = channel;
        }

        @Override
        public void channelRead(ChannelHandlerContext upstreamCtx, Object msg) {
            if (msg instanceof HttpObject object) {
                response(channel, object);
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext upstreamCtx) {
            if (channel == upstream) {
                ctx.flush();
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext upstreamCtx) {
            if (channel == upstream) {
                updateReading();
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext upstreamCtx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                channel.close(); // the codec has seen the end and ended a close-delimited body
            } else if (evt instanceof ProtocolViolation violation) {
                LOG.debug("server {} sent bad data ({})", channel.remoteAddress(), violation.reason());
                channel.close();
            }
            ReferenceCountUtil.release(evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext upstreamCtx) {
            upstreamClosed(channel);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext upstreamCtx, Throwable cause) {
            LOG.debug("upstream {}: {}", channel.remoteAddress(), cause.toString());
            channel.close();
        }
    }
}
