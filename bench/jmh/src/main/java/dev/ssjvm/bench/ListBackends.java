package dev.ssjvm.bench;

import dev.ssjvm.crypto.AeadFactory;
import dev.ssjvm.crypto.CryptoBackend;
import java.util.stream.Collectors;

/** Prints the available crypto backends, comma-separated, for {@code -p backend=...} in bench/run. */
public final class ListBackends {
    private ListBackends() {}

    public static void main(String[] args) {
        System.out.println(AeadFactory.availableBackends().stream().map(CryptoBackend::name)
                .collect(Collectors.joining(",")));
    }
}
