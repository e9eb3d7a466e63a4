package dev.ssjvm.core.sip022;

import dev.ssjvm.crypto.Randomness;
import java.security.SecureRandom;

/**
 * Where SIP022 codecs get their randomness: salts, padding lengths, session ids, nonces. Always
 * {@link #SECURE} in use; known-answer tests substitute fixed values to compare bytes exactly.
 */
interface Entropy {
    Entropy SECURE = new Entropy() {
        @Override
        public void nextBytes(byte[] out) {
            Randomness.nextBytes(out);
        }

        @Override
        public long nextLong() {
            return Randomness.current().nextLong();
        }

        @Override
        public int padding(int payloadLength) {
            if (payloadLength >= Sip022.MAX_PADDING) {
                return 0;
            }
            int room = Sip022.MAX_PADDING - payloadLength;
            SecureRandom random = Randomness.current();
            return payloadLength == 0 ? 1 + random.nextInt(room) : random.nextInt(room + 1);
        }
    };

    void nextBytes(byte[] out);

    long nextLong();

    /** Padding for a first payload of {@code payloadLength} bytes: never zero for an empty payload. */
    int padding(int payloadLength);
}
