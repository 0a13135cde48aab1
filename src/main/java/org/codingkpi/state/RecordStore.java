package org.codingkpi.state;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Per-key records too many to keep in memory (one per encounter), persistent: a read goes to the
 * changes of this commit, then to a small cache of recently used records, then to the inner store;
 * a changed record is written once per commit however often it changed.
 *
 * <p>A record returned by {@link #get} is the live object: change it, then {@link #put} it.
 */
public final class RecordStore<V> extends BufferedStore<V> {
    private final Map<String, V> recent;

    RecordStore(KeyValueStore<Bytes, byte[]> inner, ValueCodec<V> codec, int cacheEntries) {
        super(inner, codec);
        this.recent = new LinkedHashMap<>(cacheEntries * 2, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > cacheEntries;
            }
        };
        onCommit(() -> { });
        onClear(recent::clear);
    }

    public V get(String key) {
        if (dirty.containsKey(key)) {
            return dirty.get(key);
        }
        V v = recent.get(key);
        if (v == null) {
            v = readCommitted(key);
            if (v != null) {
                recent.put(key, v);
            }
        }
        return v;
    }

    public void put(String key, V value) {
        dirty.put(key, value);
        recent.put(key, value);
    }

    public void delete(String key) {
        dirty.put(key, null);
        recent.remove(key);
    }

    /** Every record: the committed ones, with this commit's changes applied (the visitor may change the store). */
    public void forEach(BiConsumer<String, V> visitor) {
        forEach(visitor, null);
    }

    /**
     * Every record, as {@link #forEach(BiConsumer)}; committed records that are not cached are decoded
     * by {@code partial} when given (a scan that reads a few fields of every record). The records a
     * partial decoder returns are read-only views: never put them.
     */
    public void forEach(BiConsumer<String, V> visitor, java.util.function.Function<byte[], V> partial) {
        Map<String, V> changed = new LinkedHashMap<>(dirty);
        forEachCommittedRaw((k, bytes) -> {
            if (!changed.containsKey(k)) {
                V cached = recent.get(k);
                visitor.accept(k, cached != null ? cached : partial != null ? partial.apply(bytes) : decode(bytes));
            }
        });
        changed.forEach((k, v) -> {
            if (v != null) {
                visitor.accept(k, v);
            }
        });
    }
}
