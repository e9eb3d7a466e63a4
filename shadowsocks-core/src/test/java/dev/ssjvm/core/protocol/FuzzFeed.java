package dev.ssjvm.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Feeds a fuzzer's bytes into a channel as a sequence of chunks split where the fuzzer chooses, the way
 * TCP may deliver them, and checks that every buffer fed in was released once the channel is finished.
 */
public final class FuzzFeed {
    private FuzzFeed() {}

    /** Splits {@code stream} at fuzzer-chosen points and writes each piece inbound. */
    public static List<ByteBuf> feed(EmbeddedChannel channel, FuzzedDataProvider data, byte[] stream) {
        List<ByteBuf> fed = new ArrayList<>();
        int at = 0;
        while (at < stream.length && channel.isOpen()) {
            int n = Math.min(stream.length - at, data.remainingBytes() > 0 ? data.consumeInt(1, 4096) : stream.length);
            ByteBuf piece = Unpooled.buffer(n).writeBytes(stream, at, n);
            fed.add(piece);
            channel.writeInbound(piece);
            at += n;
        }
        return fed;
    }

    /** Writes the fuzzer's chunks inbound: a length, then that many bytes, until the input is used up. */
    public static List<ByteBuf> feedChunks(EmbeddedChannel channel, FuzzedDataProvider data) {
        List<ByteBuf> fed = new ArrayList<>();
        while (data.remainingBytes() > 0 && channel.isOpen()) {
            byte[] bytes = data.consumeBytes(data.consumeInt(0, 4096));
            ByteBuf piece = Unpooled.buffer(bytes.length).writeBytes(bytes); // never the shared EMPTY_BUFFER
            fed.add(piece);
            channel.writeInbound(piece);
        }
        return fed;
    }

    /**
     * Like {@link #feedChunks} for a decoder whose declared way to refuse input is to fail the channel
     * (the client decoders): each DecoderException is taken, as the pipeline's handler would, and the
     * feeding goes on.
     */
    public static List<ByteBuf> feedChunksFailing(EmbeddedChannel channel, FuzzedDataProvider data) {
        List<ByteBuf> fed = new ArrayList<>();
        while (data.remainingBytes() > 0 && channel.isOpen()) {
            byte[] bytes = data.consumeBytes(data.consumeInt(0, 4096));
            ByteBuf piece = Unpooled.buffer(bytes.length).writeBytes(bytes);
            fed.add(piece);
            try {
                channel.writeInbound(piece);
            } catch (DecoderException declared) {
                // the decoder's refusal: bad authentication or framing
            }
        }
        return fed;
    }

    /** {@link #finish} where a DecoderException at the end (a response cut inside a chunk) is declared. */
    public static void finishFailing(EmbeddedChannel channel, List<ByteBuf> fed) {
        try {
            channel.finishAndReleaseAll();
        } catch (DecoderException declared) {
            channel.finishAndReleaseAll();
        }
        finish(channel, fed);
    }

    /** Reads everything inbound: the payload bytes, releasing buffers; other messages are collected. */
    public static byte[] drain(EmbeddedChannel channel, List<Object> others) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Object message;
        while ((message = channel.readInbound()) != null) {
            if (message instanceof ByteBuf buf) {
                byte[] bytes = new byte[buf.readableBytes()];
                buf.readBytes(bytes);
                out.writeBytes(bytes);
                buf.release();
            } else {
                others.add(message);
                ReferenceCountUtil.release(message);
            }
        }
        return out.toByteArray();
    }

    /** Everything the channel wrote outbound, as one array (buffers released). */
    public static byte[] drainOutbound(EmbeddedChannel channel) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuf buf;
        while ((buf = channel.readOutbound()) != null) {
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            out.writeBytes(bytes);
            buf.release();
        }
        return out.toByteArray();
    }

    /** Finishes the channel and checks that the handlers released every buffer they were given. */
    public static void finish(EmbeddedChannel channel, List<ByteBuf> fed) {
        channel.finishAndReleaseAll();
        for (ByteBuf buf : fed) {
            assertThat(buf.refCnt()).as("a fed buffer was not released").isZero();
        }
    }

    /**
     * What {@code client} produced for a fuzzer-chosen target port and upload decodes, through
     * {@code server} and however the fuzzer splits it, back to one request for that target and the same
     * bytes.
     *
     * @param maxUpload the largest upload, in bytes (more than one chunk of the protocol)
     */
    public static void roundTrip(FuzzedDataProvider data, TcpClientProtocol client, TcpServerProtocol server,
            int maxUpload) {
        InetSocketAddress target = InetSocketAddress.createUnresolved("t.test", data.consumeInt(0, 65535));
        byte[] upload = data.consumeBytes(data.consumeInt(0, maxUpload));
        EmbeddedChannel sender = new EmbeddedChannel(client.newCodec(target));
        sender.writeOutbound(Unpooled.wrappedBuffer(upload));
        byte[] wire = drainOutbound(sender);
        EmbeddedChannel receiver = new EmbeddedChannel(server.newCodec());
        List<ByteBuf> fed = feed(receiver, data, wire);
        List<Object> others = new ArrayList<>();
        byte[] plain = drain(receiver, others);
        assertThat(others).hasSize(1);
        assertThat(((ProxyRequest) others.get(0)).target()).isEqualTo(target);
        assertThat(plain).isEqualTo(upload);
        finish(receiver, fed);
        sender.finishAndReleaseAll();
    }

    /** Any datagram into {@code udp}: opened or dropped (null), never thrown; the packet is left to the caller. */
    public static void openAsServer(UdpServerProtocol<?> udp, byte[] bytes) {
        ByteBuf packet = Unpooled.wrappedBuffer(bytes);
        ClientPacket<?> opened = udp.open(ByteBufAllocator.DEFAULT, packet);
        if (opened != null) {
            opened.release();
        }
        assertThat(packet.refCnt()).isEqualTo(1);
        packet.release();
    }

    /**
     * A packet from the server (spoofable on the network) into a fresh client session: opened or
     * dropped, never thrown; the input stays the caller's and the opened payload is released.
     */
    public static void openAsClient(UdpClientProtocol udp, byte[] bytes) {
        ByteBuf packet = Unpooled.wrappedBuffer(bytes);
        ServerPacket opened = udp.newSession().open(ByteBufAllocator.DEFAULT, packet);
        if (opened != null) {
            opened.payload().release();
        }
        assertThat(packet.refCnt()).isEqualTo(1);
        packet.release();
    }
}
