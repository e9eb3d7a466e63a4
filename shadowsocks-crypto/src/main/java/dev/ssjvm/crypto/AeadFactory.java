package dev.ssjvm.crypto;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Chooses, once at start, which backend implements each AEAD algorithm, and creates ciphers from
 * that choice. Immutable and thread-safe; the protocol layer holds one and never asks which backend
 * is behind it.
 */
public final class AeadFactory {
    /** Per algorithm, the backends that have it, preferred first. */
    private final Map<AeadAlgorithm, List<CryptoBackend>> choice;

    private AeadFactory(Map<AeadAlgorithm, List<CryptoBackend>> choice) {
        this.choice = Collections.unmodifiableMap(choice);
    }

    /**
     * Every backend that loads on this machine, fastest first: native-backed ones, then the JDK's,
     * then our pure-Java ChaCha (the only one with ChaCha8).
     */
    public static List<CryptoBackend> availableBackends() {
        List<CryptoBackend> backends = new ArrayList<>(CryptoBackends.optional());
        backends.add(JcaBackend.jdk());
        backends.add(new JavaBackend());
        return backends;
    }

    /** Per algorithm, the first available backend that supports it (the fastest by our measurements). */
    public static AeadFactory automatic() {
        return from(availableBackends());
    }

    /**
     * Uses the named backend for every algorithm it supports and the automatic choice for the rest.
     *
     * @throws IllegalArgumentException if no available backend has that name
     */
    public static AeadFactory preferring(String backendName) {
        String wanted = backendName.trim().toLowerCase(Locale.ROOT);
        List<CryptoBackend> all = availableBackends();
        List<CryptoBackend> ordered = new ArrayList<>();
        for (CryptoBackend backend : all) {
            if (backend.name().equals(wanted)) {
                ordered.add(backend);
            }
        }
        if (ordered.isEmpty()) {
            throw new IllegalArgumentException("crypto backend '" + backendName + "' is not available here; available: "
                    + all.stream().map(CryptoBackend::name).collect(Collectors.joining(", ")));
        }
        ordered.addAll(all);
        return from(ordered);
    }

    /** {@link #preferring} the named backend, or {@link #automatic} when {@code backendName} is null. */
    public static AeadFactory preferringIfNamed(String backendName) {
        return backendName == null ? automatic() : preferring(backendName);
    }

    /** Uses exactly this backend and nothing else, e.g. for known-answer tests of one backend. */
    public static AeadFactory only(CryptoBackend backend) {
        return from(List.of(backend));
    }

    private static AeadFactory from(List<CryptoBackend> ordered) {
        Map<AeadAlgorithm, List<CryptoBackend>> choice = new EnumMap<>(AeadAlgorithm.class);
        for (AeadAlgorithm algorithm : AeadAlgorithm.values()) {
            List<CryptoBackend> having = new ArrayList<>();
            for (CryptoBackend backend : ordered) {
                if (backend.supports(algorithm) && !having.contains(backend)) {
                    having.add(backend);
                }
            }
            if (!having.isEmpty()) {
                choice.put(algorithm, List.copyOf(having));
            }
        }
        return new AeadFactory(choice);
    }

    public boolean supports(AeadAlgorithm algorithm) {
        return choice.containsKey(algorithm);
    }

    /** A cipher from the preferred backend that takes keys of this size. */
    public Aead create(AeadAlgorithm algorithm, byte[] key) {
        for (CryptoBackend backend : choice.getOrDefault(algorithm, List.of())) {
            if (backend.supports(algorithm, key.length)) {
                return backend.newAead(algorithm, key);
            }
        }
        throw new UnsupportedOperationException("no crypto backend here implements " + algorithm + " with "
                + key.length + "-byte keys");
    }

    /** The backend behind an algorithm and key size, for logs. */
    public String backendName(AeadAlgorithm algorithm, int keySize) {
        for (CryptoBackend backend : choice.getOrDefault(algorithm, List.of())) {
            if (backend.supports(algorithm, keySize)) {
                return backend.name();
            }
        }
        return "none";
    }

    /** A one-line summary for the startup log, e.g. {@code AES_GCM=conscrypt, CHACHA20_POLY1305=conscrypt}. */
    public String describe() {
        Map<AeadAlgorithm, String> names = new LinkedHashMap<>();
        choice.forEach((algorithm, backends) -> names.put(algorithm, backends.get(0).name()));
        return names.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
    }
}
