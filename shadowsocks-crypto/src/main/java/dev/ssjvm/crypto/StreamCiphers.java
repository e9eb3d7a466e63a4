package dev.ssjvm.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.crypto.BlockCipher;
import org.bouncycastle.crypto.StreamCipher;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.engines.BlowfishEngine;
import org.bouncycastle.crypto.engines.CamelliaEngine;
import org.bouncycastle.crypto.engines.ChaCha7539Engine;
import org.bouncycastle.crypto.engines.ChaChaEngine;
import org.bouncycastle.crypto.engines.RC4Engine;
import org.bouncycastle.crypto.engines.Salsa20Engine;
import org.bouncycastle.crypto.modes.CFBBlockCipher;
import org.bouncycastle.crypto.modes.SICBlockCipher;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * The legacy stream ciphers, all from BouncyCastle's lightweight API: its {@link StreamCipher}s keep
 * their position across calls byte by byte (CFB128, CTR, ChaCha, Salsa20 alike), which is exactly the
 * continuous stream Shadowsocks sends, with no block buffering to work around. Only {@code table}
 * (the original's substitution table, which no library has) and {@code none} are built here.
 */
public final class StreamCiphers {
    private static final Map<String, byte[][]> TABLES = new ConcurrentHashMap<>();

    private StreamCiphers() {}

    /**
     * The master key of a stream method: EVP_BytesToKey of the password, as the original and libev;
     * for {@code table} the password's own bytes (the table is built from them), for {@code none} empty.
     */
    public static byte[] masterKey(CipherKind kind, String password) {
        requireStream(kind);
        if (kind == CipherKind.TABLE) {
            return password.getBytes(StandardCharsets.UTF_8);
        }
        return kind.keySize() == 0 ? new byte[0] : Kdf.evpBytesToKey(password, kind.keySize());
    }

    /**
     * A fresh cipher for one direction of one connection (or one packet).
     *
     * @param iv {@link CipherKind#saltSize()} bytes
     */
    public static StreamCipher create(CipherKind kind, byte[] masterKey, byte[] iv, boolean encrypt) {
        requireStream(kind);
        if (iv.length != kind.saltSize()) {
            throw new IllegalArgumentException(kind + " takes a " + kind.saltSize() + "-byte IV, not " + iv.length);
        }
        StreamCipher cipher = switch (kind) {
            case AES_128_CFB, AES_192_CFB, AES_256_CFB -> CFBBlockCipher.newInstance(AESEngine.newInstance(), 128);
            case AES_128_CTR, AES_192_CTR, AES_256_CTR -> SICBlockCipher.newInstance(AESEngine.newInstance());
            case CAMELLIA_128_CFB, CAMELLIA_192_CFB, CAMELLIA_256_CFB -> cfb(new CamelliaEngine());
            case BF_CFB -> cfb(new BlowfishEngine());
            case CHACHA20_IETF -> new ChaCha7539Engine();
            case CHACHA20 -> new ChaChaEngine(20);
            case SALSA20 -> new Salsa20Engine();
            case RC4_MD5 -> new RC4Engine();
            case TABLE -> new TableCipher(table(masterKey)[encrypt ? 0 : 1]);
            case NONE -> new TableCipher(null);
            default -> throw new AssertionError(kind);
        };
        if (kind == CipherKind.RC4_MD5) {
            // rc4-md5: RC4 keyed with MD5(key || iv), so each connection gets its own RC4 key
            MessageDigest md5 = Kdf.newDigest("MD5");
            md5.update(masterKey);
            md5.update(iv);
            cipher.init(encrypt, new KeyParameter(md5.digest()));
        } else if (!(cipher instanceof TableCipher)) {
            cipher.init(encrypt, new ParametersWithIV(new KeyParameter(masterKey), iv));
        }
        return cipher;
    }

    private static StreamCipher cfb(BlockCipher engine) {
        return CFBBlockCipher.newInstance(engine, engine.getBlockSize() * 8);
    }

    private static void requireStream(CipherKind kind) {
        if (!kind.isStream()) {
            throw new IllegalArgumentException(kind + " is not a stream cipher");
        }
    }

    /**
     * The encryption and decryption tables of the {@code table} method, built as the original
     * (shadowsocks/crypto/table.py): a = the first 8 bytes of MD5(password) as an unsigned little-endian
     * integer; starting from the identity, stably sort the bytes by {@code a mod (x + i)} for i = 1..1023.
     */
    static byte[][] table(byte[] password) {
        return TABLES.computeIfAbsent(Arrays.toString(Kdf.newDigest("SHA-256").digest(password)), k -> {
            byte[] digest = Kdf.newDigest("MD5").digest(password);
            long a = littleEndianLong(digest);
            Integer[] table = new Integer[256];
            for (int x = 0; x < 256; x++) {
                table[x] = x;
            }
            for (int i = 1; i < 1024; i++) {
                long round = i;
                Arrays.sort(table, (x, y) -> Long.compareUnsigned(
                        Long.remainderUnsigned(a, x + round), Long.remainderUnsigned(a, y + round))); // stable
            }
            byte[] encrypt = new byte[256];
            byte[] decrypt = new byte[256];
            for (int x = 0; x < 256; x++) {
                encrypt[x] = (byte) (int) table[x];
                decrypt[table[x]] = (byte) x;
            }
            return new byte[][] {encrypt, decrypt};
        });
    }

    private static long littleEndianLong(byte[] bytes) {
        long value = 0;
        for (int i = 7; i >= 0; i--) {
            value = (value << 8) | (bytes[i] & 0xFF);
        }
        return value;
    }

    /** A byte substitution ({@code table}), or the identity ({@code none}) when the table is null. */
    private static final class TableCipher implements StreamCipher {
        private final byte[] table;

        TableCipher(byte[] table) {
            this.table = table;
        }

        @Override
        public void init(boolean forEncryption, org.bouncycastle.crypto.CipherParameters params) {}

        @Override
        public String getAlgorithmName() {
            return table == null ? "none" : "table";
        }

        @Override
        public byte returnByte(byte in) {
            return table == null ? in : table[in & 0xFF];
        }

        @Override
        public int processBytes(byte[] in, int inOff, int len, byte[] out, int outOff) {
            for (int i = 0; i < len; i++) {
                out[outOff + i] = returnByte(in[inOff + i]);
            }
            return len;
        }

        @Override
        public void reset() {}
    }
}
