package dev.ssjvm.bench;

import dev.ssjvm.core.protocol.MethodFamilies;
import dev.ssjvm.core.protocol.ProtocolContext;
import dev.ssjvm.core.protocol.ProxyRequest;
import dev.ssjvm.core.replay.ReplayProtection;
import dev.ssjvm.core.replay.SaltFilter;
import dev.ssjvm.core.replay.SaltPool;
import dev.ssjvm.crypto.AeadFactory;
import dev.ssjvm.crypto.CipherKind;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The SIP004 chunk codec as the relay runs it, without sockets: a client codec encrypts one write,
 * the server codec decrypts it. Each op moves {@code size} bytes of plaintext through one session
 * (salt and request header went out in setup), so MB/s = ops/s * size / 1e6. {@code encode} is the
 * client half alone.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CodecBench {
    @Param({"aes-256-gcm", "chacha20-ietf-poly1305"})
    public String method;

    @Param({"16384", "65536"})
    public int size;

    private EmbeddedChannel client;
    private EmbeddedChannel server;
    private ByteBuf payload;

    @Setup
    public void setUp() {
        // through the same seam the services use; no salt filter, so repeated runs are not replays
        ProtocolContext context = new ProtocolContext(AeadFactory.automatic(), new ReplayProtection(SaltFilter.NONE,
                SaltFilter.NONE, new SaltPool(Clock.systemUTC(), 1000), Clock.systemUTC()));
        CipherKind kind = CipherKind.of(method);
        client = new EmbeddedChannel(MethodFamilies.client(kind, "bench", context).tcp()
                .newCodec(InetSocketAddress.createUnresolved("example.com", 443)));
        server = new EmbeddedChannel(MethodFamilies.server(kind, "bench", List.of(), context).tcp().newCodec());
        // the relay's channels use the pooled allocator; so do these
        client.config().setAllocator(PooledByteBufAllocator.DEFAULT);
        server.config().setAllocator(PooledByteBufAllocator.DEFAULT);
        client.writeOutbound(Unpooled.EMPTY_BUFFER); // salt and request header
        pushToServer();
        if (!(server.readInbound() instanceof ProxyRequest)) {
            throw new IllegalStateException("server codec did not decode the request");
        }
        byte[] data = new byte[size];
        ThreadLocalRandom.current().nextBytes(data);
        payload = PooledByteBufAllocator.DEFAULT.directBuffer(size).writeBytes(data);
    }

    @TearDown
    public void tearDown() {
        payload.release();
        client.finishAndReleaseAll();
        server.finishAndReleaseAll();
    }

    /** Client encrypts, server decrypts; returns plaintext bytes seen by the server. */
    @Benchmark
    public int roundTrip() {
        client.writeOutbound(payload.retainedDuplicate());
        return forward();
    }

    /** Client encrypts only. */
    @Benchmark
    public int encode() {
        client.writeOutbound(payload.retainedDuplicate());
        int bytes = 0;
        for (ByteBuf b; (b = client.readOutbound()) != null; ) {
            bytes += b.readableBytes();
            b.release();
        }
        return bytes;
    }

    private void pushToServer() {
        for (ByteBuf b; (b = client.readOutbound()) != null; ) {
            server.writeInbound(b);
        }
    }

    private int forward() {
        pushToServer();
        int bytes = 0;
        for (Object m; (m = server.readInbound()) != null; ) {
            if (m instanceof ByteBuf buf) {
                bytes += buf.readableBytes();
                buf.release();
            }
        }
        return bytes;
    }
}
