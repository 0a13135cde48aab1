package org.codingkpi.state;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * A {@link BufferedStore} whose every entry stays in memory (a bounded set: label sets, open days,
 * outgoing aggregates): read and changed in place, each changed key written once per commit.
 * Loaded from the restored inner store at first use.
 */
public class ResidentStore<V> extends BufferedStore<V> {
    private final Map<String, V> values;
    private boolean loaded;
    private boolean changed;

    ResidentStore(KeyValueStore<Bytes, byte[]> inner, ValueCodec<V> codec) {
        this(inner, codec, false);
    }

    /** @param sorted keep the keys in order, for {@link #prefixed} */
    ResidentStore(KeyValueStore<Bytes, byte[]> inner, ValueCodec<V> codec, boolean sorted) {
        super(inner, codec);
        values = sorted ? new java.util.TreeMap<>() : new HashMap<>();
        onClear(() -> {
            values.clear();
            loaded = false;
        });
    }

    protected final Map<String, V> resident() {
        if (!loaded) {
            // first use after the restore (processors start only once their stores are restored)
            values.clear();
            forEachCommitted(values::put);
            loaded = true;
            changed = true;
        }
        return values;
    }

    /** True once after every change (and after a load): for copies handed to readers. */
    protected final boolean takeChanged() {
        boolean c = changed;
        changed = false;
        return c;
    }

    public V get(String key) {
        return resident().get(key);
    }

    /** Stores (or re-marks as changed) a value. */
    public void put(String key, V value) {
        resident().put(key, value);
        dirty.put(key, value);
        changed = true;
    }

    /** Marks a resident value, changed in place, for the next commit. */
    protected final void markChanged(String key, V value) {
        dirty.put(key, value);
        changed = true;
    }

    public void delete(String key) {
        resident().remove(key);
        dirty.put(key, null);
        changed = true;
    }

    public Set<String> keys() {
        return Collections.unmodifiableSet(resident().keySet());
    }

    public void forEach(BiConsumer<String, V> visitor) {
        resident().forEach(visitor);
    }

    /** The entries whose key starts with {@code prefix}, in key order, as a copy (a sorted store only). */
    public java.util.List<Map.Entry<String, V>> prefixed(String prefix) {
        if (!(resident() instanceof java.util.TreeMap<String, V> sorted)) {
            throw new UnsupportedOperationException(name() + " is not a sorted store");
        }
        return new java.util.ArrayList<>(sorted.subMap(prefix, prefix + '\uffff').entrySet());
    }

    /** Every key, in key order when the store is sorted. */
    public java.util.List<String> keyList() {
        java.util.List<String> keys = new java.util.ArrayList<>(resident().keySet());
        if (!(values instanceof java.util.TreeMap)) {
            keys.sort(null);
        }
        return keys;
    }

    public int size() {
        return resident().size();
    }

    @Override
    public void close() {
        values.clear();
        loaded = false;
        super.close();
    }
}
