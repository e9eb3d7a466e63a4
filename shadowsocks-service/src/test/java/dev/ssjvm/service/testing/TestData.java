package dev.ssjvm.service.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;

/** Deterministic bulk data and hashing helpers for transfer tests. */
public final class TestData {
    private TestData() {}

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** Writes {@code length} pseudorandom bytes (seeded by the length) to {@code out}. */
    public static void stream(long length, OutputStream out) throws IOException {
        SplittableRandom random = new SplittableRandom(length);
        byte[] buf = new byte[65536];
        long left = length;
        while (left > 0) {
            int n = (int) Math.min(buf.length, left);
            fill(random, buf, n);
            out.write(buf, 0, n);
            left -= n;
        }
    }

    /** The SHA-256 of {@link #stream}(length). */
    public static byte[] streamHash(long length) {
        MessageDigest sha = sha256();
        SplittableRandom random = new SplittableRandom(length);
        byte[] buf = new byte[65536];
        long left = length;
        while (left > 0) {
            int n = (int) Math.min(buf.length, left);
            fill(random, buf, n);
            sha.update(buf, 0, n);
            left -= n;
        }
        return sha.digest();
    }

    /** Reads up to {@code limit} bytes (or to the end) into {@code sha}; returns how many. */
    public static long read(InputStream in, MessageDigest sha, long limit) throws IOException {
        byte[] buf = new byte[65536];
        long count = 0;
        while (count < limit) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, limit - count));
            if (n < 0) {
                break;
            }
            sha.update(buf, 0, n);
            count += n;
        }
        return count;
    }

    /** Reads to end of stream, returning the SHA-256 and the byte count. */
    public static Digest readAll(InputStream in) throws IOException {
        MessageDigest sha = sha256();
        byte[] buf = new byte[65536];
        long count = 0;
        int n;
        while ((n = in.read(buf)) >= 0) {
            sha.update(buf, 0, n);
            count += n;
        }
        return new Digest(sha.digest(), count);
    }

    public record Digest(byte[] sha256, long count) {
        public String hex() {
            return HexFormat.of().formatHex(sha256);
        }
    }

    private static void fill(SplittableRandom random, byte[] buf, int n) {
        for (int i = 0; i < n; i += 8) {
            long v = random.nextLong();
            for (int j = 0; j < 8 && i + j < n; j++) {
                buf[i + j] = (byte) (v >>> (8 * j));
            }
        }
    }
}
