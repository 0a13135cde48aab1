package org.codingkpi.compliance;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The slice of a key-value store the detector needs, so that its logic runs on a Kafka Streams
 * store in the topology and on a plain sorted map in the scenario tests.
 */
interface Table<V> {
    V get(String key);

    void put(String key, V value);

    void delete(String key);

    /** Entries whose key starts with {@code prefix}, in key order. */
    List<Map.Entry<String, V>> prefixed(String prefix);

    /** Every key, in key order. */
    List<String> keys();

    static <V> Table<V> of(KeyValueStore<String, V> store) {
        return new Table<>() {
            @Override
            public V get(String key) {
                return store.get(key);
            }

            @Override
            public void put(String key, V value) {
                store.put(key, value);
            }

            @Override
            public void delete(String key) {
                store.delete(key);
            }

            @Override
            public List<Map.Entry<String, V>> prefixed(String prefix) {
                List<Map.Entry<String, V>> out = new ArrayList<>();
                try (KeyValueIterator<String, V> it = store.range(prefix, prefix + '\uffff')) {
                    while (it.hasNext()) {
                        KeyValue<String, V> kv = it.next();
                        out.add(Map.entry(kv.key, kv.value));
                    }
                }
                return out;
            }

            @Override
            public List<String> keys() {
                List<String> out = new ArrayList<>();
                try (KeyValueIterator<String, V> it = store.all()) {
                    it.forEachRemaining(kv -> out.add(kv.key));
                }
                out.sort(null);
                return out;
            }
        };
    }

    /** A table on a resident store: values are the live objects, changed keys written once per commit. */
    static <V> Table<V> of(org.codingkpi.state.ResidentStore<V> store) {
        return new Table<>() {
            @Override
            public V get(String key) {
                return store.get(key);
            }

            @Override
            public void put(String key, V value) {
                store.put(key, value);
            }

            @Override
            public void delete(String key) {
                store.delete(key);
            }

            @Override
            public List<Map.Entry<String, V>> prefixed(String prefix) {
                return store.prefixed(prefix);
            }

            @Override
            public List<String> keys() {
                return store.keyList();
            }
        };
    }

    /** A table on a sorted map (tests, offline evaluation). */
    static <V> Table<V> inMemory() {
        TreeMap<String, V> map = new TreeMap<>();
        return new Table<>() {
            @Override
            public V get(String key) {
                return map.get(key);
            }

            @Override
            public void put(String key, V value) {
                map.put(key, value);
            }

            @Override
            public void delete(String key) {
                map.remove(key);
            }

            @Override
            public List<Map.Entry<String, V>> prefixed(String prefix) {
                return new ArrayList<>(map.subMap(prefix, prefix + '\uffff').entrySet());
            }

            @Override
            public List<String> keys() {
                return new ArrayList<>(map.keySet());
            }
        };
    }
}
