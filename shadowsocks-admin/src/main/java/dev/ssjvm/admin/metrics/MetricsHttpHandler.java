package dev.ssjvm.admin.metrics;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
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
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers {@code GET} (and {@code HEAD}) of the metrics path; anything else is 404 or 405. A scrape
 * is collected on the scrape executor, not on this event loop; while it runs the connection reads no
 * further request, so pipelined requests are answered in order.
 */
final class MetricsHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsHttpHandler.class);

    private final String path;
    private final Executor scrapes;
    private final Supplier<byte[]> render;

    MetricsHttpHandler(String path, Executor scrapes, Supplier<byte[]> render) {
        this.path = path;
        this.scrapes = scrapes;
        this.render = render;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (!request.decoderResult().isSuccess()) {
            send(ctx, text(HttpResponseStatus.BAD_REQUEST, "bad request\n"), false);
            return;
        }
        if (!new QueryStringDecoder(request.uri()).path().equals(path)) {
            send(ctx, text(HttpResponseStatus.NOT_FOUND, "not found; the metrics are at " + path + "\n"), keepAlive);
            return;
        }
        HttpMethod method = request.method();
        if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)) {
            FullHttpResponse refused = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "GET or HEAD only\n");
            refused.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            send(ctx, refused, keepAlive);
            return;
        }
        boolean head = method.equals(HttpMethod.HEAD);
        ctx.channel().config().setAutoRead(false);
        try {
            scrapes.execute(() -> send(ctx, scrape(head), keepAlive));
        } catch (RejectedExecutionException busy) {
            send(ctx, text(HttpResponseStatus.SERVICE_UNAVAILABLE, "too many scrapes at once\n"), keepAlive);
        }
    }

    /** On the scrape thread. */
    private FullHttpResponse scrape(boolean head) {
        byte[] body;
        try {
            body = render.get();
        } catch (RuntimeException | Error e) {
            LOG.warn("metrics: a scrape failed", e);
            return text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "the scrape failed: " + e + "\n");
        }
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, MetricsAddon.contentType());
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return response;
    }

    private static FullHttpResponse text(HttpResponseStatus status, String body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        return response;
    }

    /** Writes the response (from any thread) and reads the next request, or closes. */
    private static void send(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
        if (keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        } else {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        ctx.writeAndFlush(response).addListener((ChannelFutureListener) f -> {
            if (!keepAlive || !f.isSuccess()) {
                f.channel().close();
            } else {
                f.channel().config().setAutoRead(true);
            }
        });
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("metrics: {}: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
