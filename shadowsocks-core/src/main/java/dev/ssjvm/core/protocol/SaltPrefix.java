package dev.ssjvm.core.protocol;

import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.crypto.Randomness;
import java.nio.charset.StandardCharsets;

/**
 * Outline's connection prefix: bytes that replace the start of every salt a client sends, so that
 * the first bytes of a connection look like some other protocol to a classifier. The rest of the
 * salt stays random; at least {@link #MIN_RANDOM} bytes of it must, or salts would repeat and with
 * them the session keys. Only the 2017 AEAD methods (SIP004) have a salt at the very start of every
 * TCP stream and UDP packet; SIP022 does not define a prefix, so it is refused there.
 *
 * <p>In text (an {@code ss://} URL's {@code prefix} parameter after percent-decoding, or a JSON
 * string) each character stands for one byte: code points 0-255 are the bytes, anything above is an
 * error. That is Outline's form, so {@code %16%03%01%00%C2%A8} is the bytes 16 03 01 00 A8.
 */
public final class SaltPrefix {
    /** The random bytes every salt keeps after the prefix. */
    public static final int MIN_RANDOM = 4;

    private SaltPrefix() {}

    /**
     * Checks that a prefix fits a method.
     *
     * @throws IllegalArgumentException saying why not (without echoing any key)
     */
    public static void check(CipherKind method, byte[] prefix) {
        if (prefix == null || prefix.length == 0) {
            return;
        }
        if (method.family() != CipherKind.Family.AEAD_2017) {
            throw new IllegalArgumentException("a prefix is defined only for the 2017 AEAD methods (Outline's), not for "
                    + method.methodName());
        }
        int max = method.saltSize() - MIN_RANDOM;
        if (prefix.length > max) {
            throw new IllegalArgumentException("a prefix of " + prefix.length + " bytes leaves fewer than " + MIN_RANDOM
                    + " random bytes in the " + method.saltSize() + "-byte salt of " + method.methodName()
                    + " (at most " + max + " bytes)");
        }
    }

    /** Fills {@code salt} with random bytes, then puts the prefix (which may be null) at its start. */
    public static void fill(byte[] salt, byte[] prefix) {
        Randomness.nextBytes(salt);
        if (prefix != null) {
            System.arraycopy(prefix, 0, salt, 0, prefix.length);
        }
    }

    /**
     * The bytes of a prefix given as text, one character per byte (Outline's form).
     *
     * @throws IllegalArgumentException if a character is above U+00FF
     */
    public static byte[] fromText(String text) {
        int[] points = text.codePoints().toArray();
        byte[] bytes = new byte[points.length];
        for (int i = 0; i < points.length; i++) {
            if (points[i] > 0xff) {
                throw new IllegalArgumentException("a prefix character stands for one byte, so it must be U+0000-U+00FF;"
                        + " character " + (i + 1) + " is U+" + String.format("%04X", points[i]));
            }
            bytes[i] = (byte) points[i];
        }
        return bytes;
    }

    /** The text form of a prefix, one character per byte; {@link #fromText} reverses it. */
    public static String toText(byte[] prefix) {
        return new String(prefix, StandardCharsets.ISO_8859_1);
    }
}
