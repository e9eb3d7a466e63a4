package dev.ssjvm.crypto;

/**
 * The little-endian nonce counter of SIP004 and SIP022: starts at zero and is incremented after
 * every seal or open.
 */
public final class NonceCounter {
    private final byte[] nonce;

    public NonceCounter(int size) {
        this.nonce = new byte[size];
    }

    /** The current nonce. The array is live: it changes on {@link #increment()}. */
    public byte[] current() {
        return nonce;
    }

    public void increment() {
        for (int i = 0; i < nonce.length; i++) {
            if (++nonce[i] != 0) {
                return;
            }
        }
    }
}
