package dev.ssjvm.admin.api;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP connection to the API: checks the secret prefix, hands the rest of the path to
 * {@link SsmApi}, and writes each reply when it is ready. Requests on one connection are answered in
 * order; while one waits for the admin thread, the connection reads no more.
 */
final class ApiHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);
    private static final byte[] NO_BODY = new byte[0];

    /** A request copied out of its buffers, so that it can wait without holding any. */
    private record Request(HttpMethod method, String uri, HttpVersion version, boolean keepAlive, byte[] body,
            boolean malformed) {}

    private final byte[] secret;
    private final SsmApi api;
    private final AtomicLong received;
    private final ArrayDeque<Request> waiting = new ArrayDeque<>();
    private boolean busy;
    private boolean paused;

    /** @param received counts every request read, answered or not yet */
    ApiHandler(byte[] secret, SsmApi api, AtomicLong received) {
        this.secret = secret;
        this.api = api;
        this.received = received;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest req)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        received.incrementAndGet();
        try {
            waiting.add(new Request(req.method(), req.uri(), req.protocolVersion(), HttpUtil.isKeepAlive(req),
                    req.content().isReadable() ? ByteBufUtil.getBytes(req.content()) : NO_BODY,
                    req.decoderResult().isFailure()));
        } finally {
            req.release();
        }
        next(ctx);
    }

    private void next(ChannelHandlerContext ctx) {
        if (busy || waiting.isEmpty()) {
            return;
        }
        Request request = waiting.poll();
        busy = true;
        CompletableFuture<Reply> reply;
        try {
            reply = answer(request);
        } catch (RuntimeException e) {
            LOG.warn("HTTP API: {} {} failed", request.method(), request.uri(), e);
            reply = CompletableFuture.completedFuture(
                    Reply.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error"));
        }
        if (reply.isDone()) {
            respond(ctx, request, reply.join());
        } else {
            paused = true; // no more requests until this one is answered
            ctx.channel().config().setAutoRead(false);
            reply.whenComplete((r, e) -> ctx.executor().execute(() -> respond(ctx, request, r != null ? r
                    : Reply.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error"))));
        }
    }

    private CompletableFuture<Reply> answer(Request request) {
        if (request.malformed()) {
            return CompletableFuture.completedFuture(new Reply(HttpResponseStatus.BAD_REQUEST, null, null));
        }
        List<String> path = path(request.uri());
        if (path == null) {
            return CompletableFuture.completedFuture(Reply.hidden());
        }
        List<String> decoded = new ArrayList<>(path.size());
        for (String segment : path) {
            if (segment.isEmpty()) {
                return CompletableFuture.completedFuture(Reply.error(HttpResponseStatus.NOT_FOUND, "not found"));
            }
            try {
                // a path segment keeps its '+' (only query strings turn it into a space)
                decoded.add(QueryStringDecoder.decodeComponent(segment.replace("+", "%2B"), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                return CompletableFuture.completedFuture(Reply.error(HttpResponseStatus.BAD_REQUEST,
                        "malformed path: " + e.getMessage()));
            }
        }
        Map<String, List<String>> query = new QueryStringDecoder(request.uri()).parameters();
        return api.handle(request.method(), decoded, query, request.body());
    }

    /**
     * The raw segments after the secret ({@code /<secret>/servers/8388/} gives {@code servers, 8388}), or
     * {@code null} when the request is not under the secret prefix.
     */
    private List<String> path(String uri) {
        if (!uri.startsWith("/")) {
            return null; // absolute or asterisk form: not ours
        }
        int end = uri.length();
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c == '?' || c == '#') {
                end = i;
                break;
            }
        }
        String raw = uri.substring(1, end);
        int slash = raw.indexOf('/');
        String first = slash < 0 ? raw : raw.substring(0, slash);
        // the same time whatever the guess, so that the secret cannot be found a character at a time
        if (!MessageDigest.isEqual(first.getBytes(StandardCharsets.UTF_8), secret)) {
            return null;
        }
        if (slash < 0) {
            return List.of();
        }
        List<String> segments = new ArrayList<>(Arrays.asList(raw.substring(slash + 1).split("/", -1)));
        if (!segments.isEmpty() && segments.get(segments.size() - 1).isEmpty()) {
            segments.remove(segments.size() - 1); // a trailing slash
        }
        return segments;
    }

    private void respond(ChannelHandlerContext ctx, Request request, Reply reply) {
        if (!ctx.channel().isActive()) { // the client went away while a change ran: nobody to answer
            waiting.clear();
            return;
        }
        byte[] body = NO_BODY;
        if (reply.body() != null) {
            try {
                body = SsmApi.JSON.writeValueAsBytes(reply.body());
            } catch (Exception e) {
                reply = new Reply(HttpResponseStatus.INTERNAL_SERVER_ERROR, null, null);
            }
        }
        boolean keepAlive = request.keepAlive() && !request.malformed();
        FullHttpResponse response = new DefaultFullHttpResponse(request.version(), reply.status(),
                Unpooled.wrappedBuffer(body));
        if (reply.body() != null) {
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
        }
        if (reply.allow() != null) {
            response.headers().set(HttpHeaderNames.ALLOW, reply.allow());
        }
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        if (reply.status() != HttpResponseStatus.NO_CONTENT) {
            HttpUtil.setContentLength(response, body.length);
        }
        HttpUtil.setKeepAlive(response, keepAlive);
        busy = false;
        if (!keepAlive) {
            waiting.clear();
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ctx.writeAndFlush(response);
        if (!waiting.isEmpty()) {
            next(ctx);
        } else if (paused) {
            paused = false;
            ctx.channel().config().setAutoRead(true);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("HTTP API connection {}: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
