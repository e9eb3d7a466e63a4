package dev.ssjvm.core.stream;

import dev.ssjvm.core.replay.SaltFilter;
import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.crypto.Randomness;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.bouncycastle.crypto.StreamCipher;

/** Helpers shared by the stream codecs: running a cipher over a buffer, and fresh IVs. */
final class StreamCrypt {
    private StreamCrypt() {}

    /** Encrypts or decrypts the next {@code length} readable bytes of {@code in} into a new buffer. */
    static ByteBuf process(StreamCipher cipher, ByteBufAllocator alloc, ByteBuf in, int length) {
        ByteBuf out = alloc.heapBuffer(Math.max(length, 1));
        process(cipher, in, length, out);
        return out;
    }

    /** Appends the processed next {@code length} readable bytes of {@code in} to {@code out} (a heap buffer). */
    static void process(StreamCipher cipher, ByteBuf in, int length, ByteBuf out) {
        out.ensureWritable(length);
        int at = out.arrayOffset() + out.writerIndex();
        in.readBytes(out.array(), at, length);
        cipher.processBytes(out.array(), at, length, out.array(), at); // the ciphers work in place
        out.writerIndex(out.writerIndex() + length);
    }

    /**
     * A random IV that the filter has not seen, now recorded in it: our own IVs must never come back
     * to us as someone's request or response. Methods without an IV get an empty one.
     */
    static byte[] freshIv(CipherKind kind, SaltFilter filter) {
        byte[] iv = new byte[kind.saltSize()];
        if (iv.length == 0) {
            return iv;
        }
        do {
            Randomness.nextBytes(iv);
        } while (!filter.checkAndAdd(iv));
        return iv;
    }
}
