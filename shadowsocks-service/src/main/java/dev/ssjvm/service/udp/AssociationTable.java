package dev.ssjvm.service.udp;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The UDP associations of one socket, by key: bounded, the least recently used closed first when a new
 * one needs room. Confined to the socket's event loop; only {@link #size()} may be read elsewhere.
 *
 * @param <K> what tells associations apart (a client address, a session id)
 * @param <V> the association
 */
public final class AssociationTable<K, V> {
    private final int capacity;
    private final Consumer<V> closer;
    private final Map<K, V> byKey = new LinkedHashMap<>(16, 0.75f, true);
    private volatile int size;

    /** @param closer closes an association that is evicted or closed with the table */
    public AssociationTable(int capacity, Consumer<V> closer) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.capacity = capacity;
        this.closer = closer;
    }

    /** The association of {@code key}, now the most recently used; {@code null} if none. */
    public V get(K key) {
        return byKey.get(key);
    }

    /** Adds an association, first closing the least recently used one if the table is full. */
    public void put(K key, V value) {
        if (byKey.size() >= capacity && !byKey.containsKey(key)) {
            Iterator<V> eldest = byKey.values().iterator();
            V evicted = eldest.next();
            eldest.remove();
            closer.accept(evicted);
        }
        byKey.put(key, value);
        size = byKey.size();
    }

    /** Forgets an association that closed by itself, if it is still the one under its key. */
    public void remove(K key, V value) {
        byKey.remove(key, value);
        size = byKey.size();
    }

    /** Closes and forgets the associations that match. */
    public void closeIf(Predicate<V> condition) {
        List<V> matching = new ArrayList<>();
        byKey.values().removeIf(v -> condition.test(v) && matching.add(v));
        size = byKey.size();
        matching.forEach(closer);
    }

    /** Closes and forgets every association. */
    public void closeAll() {
        closeIf(v -> true);
    }

    public int capacity() {
        return capacity;
    }

    /** Associations open now; from another thread, a recent value. */
    public int size() {
        return size;
    }
}
