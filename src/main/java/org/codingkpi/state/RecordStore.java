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
        onClear(() -> {
            recent.clear();
            lastKey = null;
            lastValue = null;
        });
    }

    public V get(String key) {
        // a cached record is the latest (put changes both maps to the same object; delete drops it from
        // the cache), so the changes of this commit are only asked about what the cache does not hold
        V v = recent.get(key);
        if (v != null) {
            return remember(key, v);
        }
        if (dirty.containsKey(key)) {
            return dirty.get(key); // deleted in this commit, or changed and since evicted from the cache
        }
        v = readCommitted(key);
        if (v != null) {
            recent.put(key, v);
        }
        return remember(key, v);
    }

    public void put(String key, V value) {
        dirty.put(key, value);
        if (value != lastValue || !key.equals(lastKey)) {
            recent.put(key, value);
        } // else: the record just read, changed in place, is in the cache already (or was evicted since: dirty has it)
        lastKey = null;
        lastValue = null;
    }

    public void delete(String key) {
        dirty.put(key, null);
        recent.remove(key);
        lastKey = null;
        lastValue = null;
    }

    /** The record {@link #get} returned last, cached: a put of the same record needs no second cache insertion. */
    private String lastKey;
    private V lastValue;

    private V remember(String key, V value) {
        lastKey = key;
        lastValue = value;
        return value;
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
