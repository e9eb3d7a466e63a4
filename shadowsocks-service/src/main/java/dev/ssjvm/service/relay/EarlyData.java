package dev.ssjvm.service.relay;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * What a client sent while its outbound connection was being set up: the bytes, and whether it has
 * already half-closed. Owns the buffers until {@link Relay#start} takes them; {@link #release()}
 * frees them if the connection dies first.
 */
public final class EarlyData {
    private final List<ByteBuf> buffers = new ArrayList<>(2);
    private int bytes;
    private boolean inputEnded;

    public void add(ByteBuf buf) {
        buffers.add(buf);
        bytes += buf.readableBytes();
    }

    /** Bytes held now. */
    public int bytes() {
        return bytes;
    }

    public boolean isEmpty() {
        return buffers.isEmpty();
    }

    public void markInputEnded() {
        inputEnded = true;
    }

    public boolean inputEnded() {
        return inputEnded;
    }

    /** Hands the buffers over: the caller owns them from now on. */
    List<ByteBuf> takeBuffers() {
        List<ByteBuf> taken = new ArrayList<>(buffers);
        buffers.clear();
        bytes = 0;
        return taken;
    }

    public void release() {
        for (ByteBuf buf : buffers) {
            buf.release();
        }
        buffers.clear();
        bytes = 0;
    }
}
