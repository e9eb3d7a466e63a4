package dev.ssjvm.bench;

import dev.ssjvm.crypto.Aead;
import dev.ssjvm.crypto.AeadAlgorithm;
import dev.ssjvm.crypto.AeadFactory;
import dev.ssjvm.crypto.CryptoBackend;
import dev.ssjvm.crypto.NonceCounter;
import java.nio.ByteBuffer;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.crypto.AEADBadTagException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One AEAD backend sealing and opening one message, over direct buffers as the relay uses them.
 * 16 KiB is a full SIP004 payload chunk; 2 bytes is its length chunk, where per-call overhead
 * dominates. Throughput in ops/s; bench/run also converts it to MB/s of plaintext.
 *
 * <p>{@code backend} defaults to the JDK's; bench/run passes every name from
 * {@link AeadFactory#availableBackends()} (see {@link ListBackends}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class AeadBench {
    @Param({"jdk"})
    public String backend;

    @Param({"AES_GCM", "CHACHA20_POLY1305"})
    public AeadAlgorithm algorithm;

    @Param({"16384", "2"})
    public int size;

    private Aead aead;
    private final NonceCounter sealNonce = new NonceCounter(12);
    private final byte[] openNonce = new byte[12];
    private ByteBuffer plaintext;
    private ByteBuffer ciphertext;
    private ByteBuffer out;

    @Setup
    public void setUp() {
        CryptoBackend chosen = AeadFactory.availableBackends().stream()
                .filter(b -> b.name().equals(backend))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no backend " + backend));
        byte[] key = new byte[32];
        ThreadLocalRandom.current().nextBytes(key);
        aead = chosen.newAead(algorithm, key);
        byte[] data = new byte[size];
        ThreadLocalRandom.current().nextBytes(data);
        plaintext = ByteBuffer.allocateDirect(size).put(data).flip();
        ciphertext = ByteBuffer.allocateDirect(size + aead.tagSize());
        java.util.Arrays.fill(openNonce, (byte) 0xFF); // far from the seal counter, which starts at zero
        aead.seal(openNonce, plaintext.duplicate(), ciphertext);
        ciphertext.flip();
        out = ByteBuffer.allocateDirect(size + aead.tagSize());
    }

    @Benchmark
    public ByteBuffer seal() {
        out.clear();
        aead.seal(sealNonce.current(), plaintext.duplicate(), out);
        sealNonce.increment(); // a key never seals twice with one nonce; the JDK enforces it for GCM
        return out;
    }

    @Benchmark
    public ByteBuffer open() throws AEADBadTagException {
        out.clear();
        aead.open(openNonce, ciphertext.duplicate(), out);
        return out;
    }
}
