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
    private final Map<String, V> values = new HashMap<>();
    private boolean loaded;
    private boolean changed;

    ResidentStore(KeyValueStore<Bytes, byte[]> inner, ValueCodec<V> codec) {
        super(inner, codec);
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
