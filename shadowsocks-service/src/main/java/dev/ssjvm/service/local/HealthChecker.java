package dev.ssjvm.service.local;

import dev.ssjvm.core.address.HostAndPort;
import dev.ssjvm.core.protocol.ServerPacket;
import dev.ssjvm.core.protocol.UdpClientProtocol;
import dev.ssjvm.service.config.BalancerSettings;
import dev.ssjvm.service.config.Mode;
import dev.ssjvm.service.transport.ServiceIo;
import dev.ssjvm.service.udp.Datagrams;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.Closeable;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The active health checks of {@code sslocal}'s servers, when it has more than one: every
 * {@code check_interval} each server is probed, TCP and UDP separately (as the mode has them), and
 * with {@code check_best_interval} the chosen servers in between too. A TCP probe is a real
 * Shadowsocks connection through the server to the TCP check target carrying an HTTP request; any
 * HTTP status line back is a success. A UDP probe is a DNS query through the server's UDP relay to
 * the UDP check target; a reply with the query's id is a success. The time to the answer is the
 * latency; no answer within {@code max_server_rtt} is a failure. Results go to the {@link ServerPool}.
 *
 * <p>Everything runs on one event loop and nothing blocks it: connects, name lookups and timers are
 * Netty's. With one server nothing is scheduled at all.
 */
final class HealthChecker implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(HealthChecker.class);

    private final ServerConnector connector;
    private final ServiceIo io;
    private final BalancerSettings settings;
    private final Mode mode;
    private final EventLoop loop;
    private final ChannelGroup probes;
    private final byte[] httpRequest;
    private ScheduledFuture<?> allTimer;
    private ScheduledFuture<?> bestTimer;
    private boolean closed;

    HealthChecker(ServerConnector connector, ServiceIo io, BalancerSettings settings, Mode mode) {
        this.connector = connector;
        this.io = io;
        this.settings = settings;
        this.mode = mode;
        this.loop = io.group().next();
        this.probes = io.newChannelGroup("sslocal-probes");
        String request = "GET /generate_204 HTTP/1.1\r\nHost: " + HostAndPort.format(settings.tcpCheckTarget())
                + "\r\nConnection: close\r\nAccept: */*\r\n\r\n";
        this.httpRequest = request.getBytes(StandardCharsets.US_ASCII);
    }

    /** The server list changed: probe now and periodically if there is more than one, else stop. */
    void serversChanged() {
        loop.execute(() -> {
            if (closed) {
                return;
            }
            cancelTimers();
            if (connector.pool().servers().size() < 2) {
                return;
            }
            long interval = settings.checkInterval().toMillis();
            allTimer = loop.scheduleAtFixedRate(this::probeAll, 0, interval, TimeUnit.MILLISECONDS);
            if (settings.checkBestInterval() != null) {
                long best = settings.checkBestInterval().toMillis();
                bestTimer = loop.scheduleAtFixedRate(this::probeBest, best, best, TimeUnit.MILLISECONDS);
            }
        });
    }

    private void probeAll() {
        for (ServerPool.Server server : connector.pool().servers()) {
            probe(server);
        }
    }

    private void probeBest() {
        ServerPool pool = connector.pool();
        if (mode.tcp()) {
            probeTcp(pool.tcp());
        }
        if (mode.udp()) {
            probeUdp(pool.udp());
        }
    }

    private void probe(ServerPool.Server server) {
        if (mode.tcp()) {
            probeTcp(server);
        }
        if (mode.udp()) {
            probeUdp(server);
        }
    }

    /** One probe's bookkeeping: it ends once, with a result or at its deadline, and closes its channel. */
    private final class Run {
        private final ServerPool.Server server;
        private final ServerPool.Protocol protocol;
        private final long start = System.nanoTime();
        private final ScheduledFuture<?> deadline;
        private Channel channel;
        private boolean done;

        Run(ServerPool.Server server, ServerPool.Protocol protocol) {
            this.server = server;
            this.protocol = protocol;
            server.health(protocol).probing = true;
            deadline = loop.schedule(() -> end(false, "no answer within " + settings.maxServerRtt().toMillis() + " ms"),
                    settings.maxServerRtt().toMillis(), TimeUnit.MILLISECONDS);
        }

        void use(Channel value) {
            channel = value;
            probes.add(value);
            if (done) {
                close(value);
            }
        }

        /** A UDP probe ends on its answer, inside the socket's read: see {@link Datagrams#close}. */
        private void close(Channel probe) {
            if (protocol == ServerPool.Protocol.UDP) {
                Datagrams.close(probe);
            } else {
                probe.close();
            }
        }

        /** On the checker's loop. */
        void end(boolean ok, String why) {
            if (done) {
                return;
            }
            done = true;
            deadline.cancel(false);
            server.health(protocol).probing = false;
            if (channel != null) {
                close(channel);
            }
            if (closed) {
                return; // shutting down: not the server's fault
            }
            if (ok) {
                double millis = (System.nanoTime() - start) / 1e6;
                LOG.debug("balancer: {} probe of {} answered in {} ms", protocol, server, Math.round(millis));
                connector.pool().success(server, protocol, millis);
            } else {
                LOG.debug("balancer: {} probe of {} failed: {}", protocol, server, why);
                connector.pool().failure(server, protocol);
            }
        }
    }

    private void probeTcp(ServerPool.Server server) {
        if (server.tcp().probing || closed) {
            return;
        }
        Run run = new Run(server, ServerPool.Protocol.TCP);
        ChannelFuture connect = connector.through(loop, server.remote(), settings.tcpCheckTarget());
        run.use(connect.channel());
        connect.addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                run.end(false, f.cause().getMessage());
                return;
            }
            Channel ch = f.channel();
            ch.pipeline().addLast("probe", new HttpStatusLine(run));
            ch.writeAndFlush(Unpooled.wrappedBuffer(httpRequest));
            ch.config().setAutoRead(true);
        });
    }

    /** Waits for the first bytes of an HTTP response; the connection ends there. */
    private static final class HttpStatusLine extends ChannelInboundHandlerAdapter {
        private static final byte[] PREFIX = "HTTP/".getBytes(StandardCharsets.US_ASCII);
        private final Run run;
        private int matched;

        HttpStatusLine(Run run) {
            this.run = run;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof ByteBuf buf) {
                    while (buf.isReadable() && matched < PREFIX.length) {
                        if (buf.readByte() != PREFIX[matched++]) {
                            run.end(false, "the check target's answer is not HTTP");
                            return;
                        }
                    }
                    if (matched == PREFIX.length) {
                        run.end(true, null);
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            run.end(false, "closed before an answer");
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            run.end(false, cause.getMessage());
        }
    }

    private void probeUdp(ServerPool.Server server) {
        if (server.udp().probing || closed) {
            return;
        }
        Run run = new Run(server, ServerPool.Protocol.UDP);
        InetSocketAddress address = InetSocketAddress.createUnresolved(server.remote().endpoint().host(),
                server.remote().endpoint().port());
        io.resolver().resolve(loop, address).addListener((Future<InetSocketAddress> resolved) -> {
            if (!resolved.isSuccess()) {
                run.end(false, resolved.cause().getMessage());
                return;
            }
            int id = ThreadLocalRandom.current().nextInt(1 << 16);
            UdpClientProtocol.Session session = server.remote().protocols().udp().newSession();
            InetSocketAddress serverAddress = resolved.getNow();
            ChannelFuture bind = io.udpBootstrap(loop).handler(new DnsReply(run, session, serverAddress, id)).bind(0);
            run.use(bind.channel());
            bind.addListener((ChannelFutureListener) f -> {
                if (!f.isSuccess()) {
                    run.end(false, f.cause().getMessage());
                    return;
                }
                ByteBuf query = dnsQuery(id);
                ByteBuf sealed;
                try {
                    sealed = session.seal(f.channel().alloc(), settings.udpCheckTarget(), query);
                } finally {
                    query.release();
                }
                f.channel().writeAndFlush(new DatagramPacket(sealed, serverAddress));
            });
        });
    }

    /**
     * A DNS query for {@code www.gstatic.com} A with {@code id} (RFC 1035 4.1): a constant but for its
     * id; only the id of the answer is looked at.
     */
    static ByteBuf dnsQuery(int id) {
        ByteBuf q = Unpooled.buffer(40);
        q.writeShort(id).writeShort(0x0100).writeShort(1).writeShort(0).writeShort(0).writeShort(0);
        for (String label : new String[] {"www", "gstatic", "com"}) {
            q.writeByte(label.length()).writeCharSequence(label, StandardCharsets.US_ASCII);
        }
        return q.writeByte(0).writeShort(1).writeShort(1);
    }

    /** Waits for the server's packet carrying a DNS answer with the query's id. */
    private static final class DnsReply extends SimpleChannelInboundHandler<DatagramPacket> {
        private final Run run;
        private final UdpClientProtocol.Session session;
        private final InetSocketAddress server;
        private final int id;

        DnsReply(Run run, UdpClientProtocol.Session session, InetSocketAddress server, int id) {
            this.run = run;
            this.session = session;
            this.server = server;
            this.id = id;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            if (!HostAndPort.unmapped(packet.sender()).equals(server)) {
                return;
            }
            ServerPacket opened = session.open(ctx.alloc(), packet.content());
            if (opened == null) {
                return; // does not authenticate: not the server's answer
            }
            try {
                ByteBuf answer = opened.payload();
                if (answer.readableBytes() >= 12 && answer.getUnsignedShort(answer.readerIndex()) == id) {
                    run.end(true, null);
                }
            } finally {
                opened.payload().release();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            run.end(false, cause.getMessage());
        }
    }

    private void cancelTimers() {
        if (allTimer != null) {
            allTimer.cancel(false);
            allTimer = null;
        }
        if (bestTimer != null) {
            bestTimer.cancel(false);
            bestTimer = null;
        }
    }

    /** Stops probing and closes the probes under way. Blocks until they are closed (not on the loop). */
    @Override
    public void close() {
        if (loop.isShuttingDown()) {
            return;
        }
        loop.submit(() -> {
            closed = true;
            cancelTimers();
        }).awaitUninterruptibly();
        probes.close().awaitUninterruptibly();
    }
}
