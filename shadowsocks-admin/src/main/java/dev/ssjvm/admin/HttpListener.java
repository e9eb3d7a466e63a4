package dev.ssjvm.admin;

import dev.ssjvm.core.address.HostAndPort;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpContentCompressor;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A small HTTP server for an admin addon: one NIO event loop of its own (so admin requests never
 * queue behind relay work, nor the other way round), Netty's HTTP codec, whole requests up to a body
 * limit, connections closed after a minute without traffic, and the addon's handler last.
 */
public final class HttpListener implements Closeable {
    /** A connection with no traffic for this long is closed. */
    public static final int IDLE_SECONDS = 60;

    private final EventLoopGroup group;
    private final Channel listener;

    private HttpListener(EventLoopGroup group, Channel listener) {
        this.group = group;
        this.listener = listener;
    }

    /**
     * @param name names the thread and the error ({@code "HTTP API"}, {@code "metrics"})
     * @param maxBody the largest request body; a larger one is answered 413
     * @param compress whether replies are gzipped for clients that accept it
     * @param handler makes the handler of each connection, which gets {@code FullHttpRequest}s
     * @throws IOException if the address cannot be bound; nothing is left running then
     */
    public static HttpListener start(String name, InetSocketAddress address, int maxBody, boolean compress,
            Supplier<ChannelHandler> handler) throws IOException {
        EventLoopGroup group = new NioEventLoopGroup(1, new DefaultThreadFactory("ssjvm-" + name.replace(' ', '-')
                .toLowerCase(java.util.Locale.ROOT), true));
        ChannelFuture bound = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("idle", new IdleStateHandler(0, 0, IDLE_SECONDS))
                                .addLast("idle-close", IdleClose.INSTANCE)
                                .addLast("http", new HttpServerCodec());
                        if (compress) {
                            ch.pipeline().addLast("gzip", new HttpContentCompressor());
                        }
                        ch.pipeline().addLast("body", new HttpObjectAggregator(maxBody))
                                .addLast("handler", handler.get());
                    }
                })
                .bind(address).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
            throw new IOException(name + ": cannot listen on " + HostAndPort.format(address) + ": "
                    + bound.cause().getMessage(), bound.cause());
        }
        return new HttpListener(group, bound.channel());
    }

    /** Where it listens (the bound port, when asked for port 0). */
    public InetSocketAddress address() {
        return (InetSocketAddress) listener.localAddress();
    }

    @Override
    public void close() {
        listener.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** Closes a connection that has been idle too long. */
    @ChannelHandler.Sharable
    private static final class IdleClose extends ChannelInboundHandlerAdapter {
        static final IdleClose INSTANCE = new IdleClose();

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent) {
                ctx.close();
            } else {
                ctx.fireUserEventTriggered(evt);
            }
        }
    }
}
