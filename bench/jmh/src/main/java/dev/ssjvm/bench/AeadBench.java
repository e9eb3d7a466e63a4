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
 * dominates; 1 KiB is a small request. {@code keys} above 1 takes each call's key in turn from that
 * many sessions, as an event loop serving many connections does (a backend that caches the last
 * key's schedule pays for it then). Throughput in ops/s; bench/run also converts it to MB/s of
 * plaintext.
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

    @Param({"16384", "1024", "2"})
    public int size;

    @Param({"1", "64"})
    public int keys;

    private Aead[] aeads;
    /** What each key sealed under {@link #openNonce}, for its {@link #open}. */
    private ByteBuffer[] ciphertexts;
    private int next;
    private final NonceCounter sealNonce = new NonceCounter(12);
    private final byte[] openNonce = new byte[12];
    private ByteBuffer plaintext;
    private ByteBuffer out;

    @Setup
    public void setUp() {
        CryptoBackend chosen = AeadFactory.availableBackends().stream()
                .filter(b -> b.name().equals(backend))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no backend " + backend));
        byte[] data = new byte[size];
        ThreadLocalRandom.current().nextBytes(data);
        plaintext = ByteBuffer.allocateDirect(size).put(data).flip();
        java.util.Arrays.fill(openNonce, (byte) 0xFF); // far from the seal counter, which starts at zero
        aeads = new Aead[keys];
        ciphertexts = new ByteBuffer[keys];
        for (int i = 0; i < keys; i++) {
            byte[] key = new byte[32];
            ThreadLocalRandom.current().nextBytes(key);
            aeads[i] = chosen.newAead(algorithm, key);
            ciphertexts[i] = ByteBuffer.allocateDirect(size + aeads[i].tagSize());
            aeads[i].seal(openNonce, plaintext.duplicate(), ciphertexts[i]);
            ciphertexts[i].flip();
        }
        out = ByteBuffer.allocateDirect(size + aeads[0].tagSize());
    }

    @Benchmark
    public ByteBuffer seal() {
        out.clear();
        aeads[turn()].seal(sealNonce.current(), plaintext.duplicate(), out);
        sealNonce.increment(); // a key never seals twice with one nonce; the JDK enforces it for GCM
        return out;
    }

    @Benchmark
    public ByteBuffer open() throws AEADBadTagException {
        out.clear();
        int k = turn();
        aeads[k].open(openNonce, ciphertexts[k].duplicate(), out);
        return out;
    }

    /** The next session's index, round robin. */
    private int turn() {
        int k = next;
        next = k + 1 == keys ? 0 : k + 1;
        return k;
    }
}
