package dev.ssjvm.crypto;

import java.security.Provider;
import java.util.ArrayList;
import java.util.List;

/** The optional (non-JDK) backends, in order of preference, each only if it loads here. */
final class CryptoBackends {
    private CryptoBackends() {}

    static List<CryptoBackend> optional() {
        List<CryptoBackend> backends = new ArrayList<>();
        CryptoBackend conscrypt = conscrypt();
        if (conscrypt != null) {
            backends.add(conscrypt);
        }
        return backends;
    }

    /**
     * Conscrypt (BoringSSL): faster than the JDK for AES-GCM, and about nine times faster for
     * ChaCha20-Poly1305 on JDK 17, which lacks ChaCha intrinsics. Its native library ships for Linux
     * x86-64; elsewhere it does not load and the JDK takes over.
     */
    private static CryptoBackend conscrypt() {
        try {
            if (!org.conscrypt.Conscrypt.isAvailable()) {
                return null;
            }
            Provider provider = org.conscrypt.Conscrypt.newProvider();
            return new JcaBackend("conscrypt", provider, "ChaCha20/Poly1305/NoPadding");
        } catch (Throwable unavailable) { // LinkageError from a missing native library, among others
            return null;
        }
    }
}
