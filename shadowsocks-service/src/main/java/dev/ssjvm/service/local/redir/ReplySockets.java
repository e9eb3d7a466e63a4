package dev.ssjvm.service.local.redir;

import dev.ssjvm.service.transport.IdleTimeout;
import dev.ssjvm.service.transport.ServiceIo;
import dev.ssjvm.service.udp.AssociationTable;
import dev.ssjvm.service.udp.Datagrams;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sockets that send UDP replies to transparent-proxy clients from the address each client sent
 * to (a client that connected its socket, a DNS resolver for one, drops a reply from anywhere else):
 * one socket per original destination, bound to that foreign address with IP_TRANSPARENT and shared by
 * every client of it. Bounded (the least recently used closed first) and closed after the idle
 * timeout. Confined to one event loop. Not connected, so TPROXY never hands them client datagrams
 * (it gives a datagram to an existing socket only if that one is connected); whatever else arrives
 * on them is dropped.
 */
final class ReplySockets {
    private static final Logger LOG = LoggerFactory.getLogger(ReplySockets.class);
    /** Replies held while a socket is being bound. */
    private static final int MAX_WAITING = 64;

    private final ServiceIo io;
    private final EventLoop loop;
    private final Duration idleTimeout;
    private final AssociationTable<InetSocketAddress, ReplySocket> sockets;

    ReplySockets(ServiceIo io, EventLoop loop, Duration idleTimeout, int capacity) {
        this.io = io;
        this.loop = loop;
        this.idleTimeout = idleTimeout;
        this.sockets = new AssociationTable<>(capacity, ReplySocket::close);
    }

    /** Sends {@code payload} to {@code client} from {@code from}. Takes ownership of the payload. */
    void send(InetSocketAddress from, InetSocketAddress client, ByteBuf payload) {
        ReplySocket socket = sockets.get(from);
        if (socket == null) {
            socket = new ReplySocket(from);
            sockets.put(from, socket);
        }
        socket.send(new DatagramPacket(payload, client));
    }

    int size() {
        return sockets.size();
    }

    void closeAll() {
        sockets.closeAll();
    }

    private final class ReplySocket {
        private final InetSocketAddress address;
        private final Channel channel;
        private final ArrayDeque<DatagramPacket> waiting = new ArrayDeque<>();
        private boolean bound;
        private boolean closed;

        ReplySocket(InetSocketAddress address) {
            this.address = address;
            ChannelFuture bind = io.udpBootstrap(loop)
                    .option(EpollChannelOption.IP_TRANSPARENT, true)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .option(EpollChannelOption.SO_REUSEPORT, true)
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new IdleTimeout(idleTimeout)).addLast(new Discard());
                        }
                    }).bind(address);
            this.channel = bind.channel();
            channel.closeFuture().addListener(f -> {
                closed = true;
                release();
                sockets.remove(address, this);
            });
            bind.addListener((ChannelFutureListener) f -> {
                if (!f.isSuccess()) {
                    if (!closed) {
                        LOG.warn("redir: cannot send UDP replies from {}: {}", address, f.cause().getMessage());
                    }
                    close();
                    return;
                }
                bound = true;
                DatagramPacket p;
                while ((p = waiting.poll()) != null) {
                    channel.write(p, channel.voidPromise());
                }
                channel.flush();
            });
        }

        void send(DatagramPacket packet) {
            if (closed) {
                packet.release();
            } else if (bound) {
                channel.writeAndFlush(packet, channel.voidPromise());
            } else if (waiting.size() < MAX_WAITING) {
                waiting.add(packet);
            } else {
                packet.release();
            }
        }

        void close() {
            Datagrams.close(channel);
        }

        private void release() {
            DatagramPacket p;
            while ((p = waiting.poll()) != null) {
                p.release();
            }
        }

        @Override
        public String toString() {
            return "reply socket " + address;
        }
    }

    /** Drops what arrives on a reply socket and closes it once idle. */
    private static final class Discard extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent) {
                ctx.close();
            } else {
                ctx.fireUserEventTriggered(evt);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("redir: udp reply socket: {}", cause.toString());
        }
    }
}
