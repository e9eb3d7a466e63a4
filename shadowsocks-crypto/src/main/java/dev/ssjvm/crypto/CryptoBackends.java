package dev.ssjvm.crypto;

import java.util.ArrayList;
import java.util.List;

/** The optional (non-JDK) backends, in order of preference, each only if it loads here. */
final class CryptoBackends {
    private CryptoBackends() {}

    static List<CryptoBackend> optional() {
        List<CryptoBackend> backends = new ArrayList<>();
        return backends;
    }
}
