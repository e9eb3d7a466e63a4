package dev.ssjvm.crypto;

/**
 * HChaCha (draft-irtf-cfrg-xchacha section 2.2): derives the XChaCha subkey from a 256-bit key and
 * the first 16 bytes of the 24-byte nonce. The round count is a parameter because the ChaCha8
 * methods of SIP022 use HChaCha8.
 */
public final class HChaCha {
    private static final int[] SIGMA = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574};

    private HChaCha() {}

    /** HChaCha20 of {@code key} (32 bytes) and {@code nonce[offset..offset+16)}. */
    public static byte[] subkey20(byte[] key, byte[] nonce, int offset) {
        return subkey(key, nonce, offset, 20);
    }

    public static byte[] subkey(byte[] key, byte[] nonce, int offset, int rounds) {
        if (key.length != 32) {
            throw new IllegalArgumentException("HChaCha key must be 32 bytes, got " + key.length);
        }
        int[] x = new int[16];
        System.arraycopy(SIGMA, 0, x, 0, 4);
        for (int i = 0; i < 8; i++) {
            x[4 + i] = littleEndianInt(key, i * 4);
        }
        for (int i = 0; i < 4; i++) {
            x[12 + i] = littleEndianInt(nonce, offset + i * 4);
        }
        rounds(x, rounds);
        byte[] out = new byte[32];
        for (int i = 0; i < 4; i++) {
            putLittleEndianInt(out, i * 4, x[i]);
            putLittleEndianInt(out, 16 + i * 4, x[12 + i]);
        }
        return out;
    }

    /** The ChaCha double rounds, in place: column round then diagonal round. */
    static void rounds(int[] x, int rounds) {
        for (int i = 0; i < rounds; i += 2) {
            quarterRound(x, 0, 4, 8, 12);
            quarterRound(x, 1, 5, 9, 13);
            quarterRound(x, 2, 6, 10, 14);
            quarterRound(x, 3, 7, 11, 15);
            quarterRound(x, 0, 5, 10, 15);
            quarterRound(x, 1, 6, 11, 12);
            quarterRound(x, 2, 7, 8, 13);
            quarterRound(x, 3, 4, 9, 14);
        }
    }

    private static void quarterRound(int[] x, int a, int b, int c, int d) {
        x[a] += x[b];
        x[d] = Integer.rotateLeft(x[d] ^ x[a], 16);
        x[c] += x[d];
        x[b] = Integer.rotateLeft(x[b] ^ x[c], 12);
        x[a] += x[b];
        x[d] = Integer.rotateLeft(x[d] ^ x[a], 8);
        x[c] += x[d];
        x[b] = Integer.rotateLeft(x[b] ^ x[c], 7);
    }

    static int littleEndianInt(byte[] b, int i) {
        return (b[i] & 0xff) | (b[i + 1] & 0xff) << 8 | (b[i + 2] & 0xff) << 16 | (b[i + 3] & 0xff) << 24;
    }

    static void putLittleEndianInt(byte[] b, int i, int v) {
        b[i] = (byte) v;
        b[i + 1] = (byte) (v >>> 8);
        b[i + 2] = (byte) (v >>> 16);
        b[i + 3] = (byte) (v >>> 24);
    }
}
