package org.codingkpi.state;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/** Builders of the {@link BufferedStore}s: the inner store is a logged, uncached key-value store. */
public final class BufferedStores {
    private BufferedStores() {
    }

    /** The KPI series of a task, resident, in memory with a changelog. */
    public static StoreBuilder<CounterStore> counters(String name, PublishedState published) {
        return new Builder<>(Stores.inMemoryKeyValueStore(name), inner -> new CounterStore(inner, published));
    }

    /** A bounded set of values, resident in memory, with a changelog. */
    public static <V> StoreBuilder<ResidentStore<V>> resident(String name, BufferedStore.ValueCodec<V> codec) {
        return new Builder<>(Stores.inMemoryKeyValueStore(name), inner -> new ResidentStore<>(inner, codec));
    }

    /** A bounded set of values, resident in memory in key order (prefix scans without decoding), with a changelog. */
    public static <V> StoreBuilder<ResidentStore<V>> sortedResident(String name, BufferedStore.ValueCodec<V> codec) {
        return new Builder<>(Stores.inMemoryKeyValueStore(name), inner -> new ResidentStore<>(inner, codec, true));
    }

    /** Per-key records in RocksDB with a changelog, with a cache of recently used records. */
    public static <V> StoreBuilder<RecordStore<V>> records(String name, BufferedStore.ValueCodec<V> codec, int cacheEntries) {
        return new Builder<>(Stores.persistentKeyValueStore(name), inner -> new RecordStore<>(inner, codec, cacheEntries));
    }

    private static final class Builder<T extends BufferedStore<?>> implements StoreBuilder<T> {
        private final KeyValueBytesStoreSupplier supplier;
        private final Function<KeyValueStore<Bytes, byte[]>, T> wrap;
        private Map<String, String> logConfig = new HashMap<>();
        private boolean logging = true;

        Builder(KeyValueBytesStoreSupplier supplier, Function<KeyValueStore<Bytes, byte[]>, T> wrap) {
            this.supplier = supplier;
            this.wrap = wrap;
        }

        @Override
        public StoreBuilder<T> withCachingEnabled() {
            return this; // this store is its own cache
        }

        @Override
        public StoreBuilder<T> withCachingDisabled() {
            return this;
        }

        @Override
        public StoreBuilder<T> withLoggingEnabled(Map<String, String> config) {
            logging = true;
            logConfig = new HashMap<>(config);
            return this;
        }

        @Override
        public StoreBuilder<T> withLoggingDisabled() {
            logging = false;
            return this;
        }

        @Override
        public T build() {
            StoreBuilder<KeyValueStore<Bytes, byte[]>> inner = Stores.keyValueStoreBuilder(supplier, Serdes.Bytes(), Serdes.ByteArray())
                    .withCachingDisabled();
            inner = logging ? inner.withLoggingEnabled(logConfig) : inner.withLoggingDisabled();
            return wrap.apply(inner.build());
        }

        @Override
        public Map<String, String> logConfig() {
            return logConfig;
        }

        @Override
        public boolean loggingEnabled() {
            return logging;
        }

        @Override
        public String name() {
            return supplier.name();
        }
    }
}
