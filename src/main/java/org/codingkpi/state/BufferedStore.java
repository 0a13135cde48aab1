package org.codingkpi.state;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.internals.InternalProcessorContext;
import org.apache.kafka.streams.processor.internals.ProcessorRecordContext;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A state store whose values live as plain Java objects between commits: the processor reads and
 * changes them in memory, and each changed key is serialized and written once per commit, to an
 * inner logged key-value store (changelog included), inside the commit's transaction.
 *
 * <p>How: Kafka Streams flushes every store that is a {@link CachedStateStore} in
 * {@code StreamTask.prepareCommit}, before the producer commits the transaction that also carries
 * the input offsets. This store uses that hook, exactly as Kafka Streams' own record cache does,
 * and {@link #clearCache()} (called when a task is closed dirty or revived after corruption) drops
 * the changes of the uncommitted transaction. The effect is the record cache's, without a
 * serialization and a cache insertion on every update: an entry updated by a thousand events
 * between two commits costs one changelog record.
 *
 * <p>{@link CachedStateStore} is an internal interface of Kafka Streams (stable since 2.x; checked
 * by the topology tests and every integration test against the version in the build).
 *
 * @param <V> the value type
 */
public abstract class BufferedStore<V> implements StateStore, CachedStateStore<Object, Object> {
    private final KeyValueStore<Bytes, byte[]> inner;
    private final ValueCodec<V> codec;
    /** Changes since the last commit: a null value deletes the key. */
    protected final Map<String, V> dirty = new HashMap<>();
    private final List<Runnable> commitListeners = new ArrayList<>();
    private final List<Runnable> clearListeners = new ArrayList<>();
    private InternalProcessorContext<?, ?> internal;
    private StateStoreContext context;

    protected BufferedStore(KeyValueStore<Bytes, byte[]> inner, ValueCodec<V> codec) {
        this.inner = inner;
        this.codec = codec;
    }

    /** Serialization of the stored values: compact, each format starting with a version byte. */
    public interface ValueCodec<V> {
        byte[] encode(V value);

        V decode(byte[] bytes);

        static <V> ValueCodec<V> of(java.util.function.Function<V, byte[]> encode, java.util.function.Function<byte[], V> decode) {
            return new ValueCodec<>() {
                @Override
                public byte[] encode(V value) {
                    return encode.apply(value);
                }

                @Override
                public V decode(byte[] bytes) {
                    return decode.apply(bytes);
                }
            };
        }
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        this.context = context;
        this.internal = context instanceof InternalProcessorContext<?, ?> ipc ? ipc : null;
        // the inner stores register this store as the root: the state manager flushes and closes it
        inner.init(context, this);
    }

    public StateStoreContext context() {
        return context;
    }

    /** Runs after each commit's writes (on the stream thread, before the transaction commits). */
    public void onCommit(Runnable listener) {
        commitListeners.add(listener);
    }

    /** Runs when the uncommitted changes are dropped (task closed dirty, or revived). */
    public void onClear(Runnable listener) {
        clearListeners.add(listener);
    }

    protected final V decode(byte[] bytes) {
        return codec.decode(bytes);
    }

    /** The committed value of a key, read from the inner store (not the uncommitted changes). */
    protected V readCommitted(String key) {
        byte[] bytes = inner.get(Bytes.wrap(key.getBytes(StandardCharsets.UTF_8)));
        return bytes == null ? null : codec.decode(bytes);
    }

    /** Visits the committed entries (the uncommitted changes are not merged in). */
    protected void forEachCommitted(BiConsumer<String, V> visitor) {
        try (KeyValueIterator<Bytes, byte[]> it = inner.all()) {
            while (it.hasNext()) {
                var kv = it.next();
                visitor.accept(new String(kv.key.get(), StandardCharsets.UTF_8), codec.decode(kv.value));
            }
        }
    }

    /** Visits the committed entries' raw bytes (cheap scans that decode only what they need). */
    protected void forEachCommittedRaw(BiConsumer<String, byte[]> visitor) {
        try (KeyValueIterator<Bytes, byte[]> it = inner.all()) {
            while (it.hasNext()) {
                var kv = it.next();
                visitor.accept(new String(kv.key.get(), StandardCharsets.UTF_8), kv.value);
            }
        }
    }

    /** Number of changes waiting for the next commit. */
    public int pendingWrites() {
        return dirty.size();
    }

    @Override
    public void flushCache() {
        if (!dirty.isEmpty()) {
            ProcessorRecordContext previous = internal == null ? null : internal.recordContext();
            if (internal != null && previous == null) {
                // a commit outside record processing: the changelog records need a timestamp
                internal.setRecordContext(new ProcessorRecordContext(changelogTimestamp(), -1, -1, null, new RecordHeaders()));
            }
            try {
                // one batch: a RocksDB store writes it in one WriteBatch (one native call, not one per key);
                // a null value deletes the key, in the store and (a tombstone) in the changelog
                List<KeyValue<Bytes, byte[]>> batch = new ArrayList<>(dirty.size());
                for (Map.Entry<String, V> e : dirty.entrySet()) {
                    batch.add(KeyValue.pair(Bytes.wrap(e.getKey().getBytes(StandardCharsets.UTF_8)),
                            e.getValue() == null ? null : codec.encode(e.getValue())));
                }
                inner.putAll(batch);
            } finally {
                if (internal != null && previous == null) {
                    internal.setRecordContext(null);
                }
            }
            dirty.clear();
        }
        for (Runnable r : commitListeners) {
            r.run();
        }
    }

    /** Timestamp of changelog records written outside record processing. */
    protected long changelogTimestamp() {
        return 0L;
    }

    @Override
    public void clearCache() {
        dirty.clear();
        for (Runnable r : clearListeners) {
            r.run();
        }
    }

    @Override
    public boolean setFlushListener(CacheFlushListener<Object, Object> listener, boolean sendOldValues) {
        return false;
    }

    @Override
    public void flush() {
        inner.flush();
    }

    @Override
    public void commit(Map<TopicPartition, Long> changelogOffsets) {
        inner.commit(changelogOffsets);
    }

    @Override
    public Long committedOffset(TopicPartition partition) {
        return inner.committedOffset(partition);
    }

    @Override
    public boolean managesOffsets() {
        return inner.managesOffsets();
    }

    @Override
    public void close() {
        dirty.clear();
        inner.close();
    }

    @Override
    public boolean persistent() {
        return inner.persistent();
    }

    @Override
    public boolean isOpen() {
        return inner.isOpen();
    }

    @Override
    public Position getPosition() {
        return inner.getPosition();
    }
}
