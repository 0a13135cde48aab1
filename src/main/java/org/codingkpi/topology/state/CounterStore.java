package org.codingkpi.topology.state;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.state.KeyValueStore;
import org.codingkpi.kpi.Counters;

import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The KPI series of one task, resident in memory (a few thousand label sets, bounded by the label
 * caps): updated in place by the rules, the changed keys written once per commit, and a copy of the
 * whole set handed to {@link PublishedState} at every commit, which is what {@code /metrics} reads.
 * The copy is taken on the stream thread, so a scrape never touches a store nor waits for a rebalance.
 */
public final class CounterStore extends BufferedStore<double[]> implements Counters {
    private static final byte FORMAT = 1;

    private final PublishedState published;
    private final Map<String, double[]> values = new HashMap<>();
    private boolean loaded;
    private boolean changedSincePublish;
    private TaskId task;

    CounterStore(KeyValueStore<Bytes, byte[]> inner, PublishedState published) {
        super(inner, CODEC);
        this.published = published;
        onCommit(this::publish);
        onClear(() -> {
            values.clear();
            loaded = false;
        });
    }

    static final ValueCodec<double[]> CODEC = new ValueCodec<>() {
        @Override
        public byte[] encode(double[] v) {
            ByteBuffer b = ByteBuffer.allocate(1 + 8 * v.length).put(FORMAT);
            for (double d : v) {
                b.putDouble(d);
            }
            return b.array();
        }

        @Override
        public double[] decode(byte[] bytes) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            b.get();
            double[] v = new double[(bytes.length - 1) / 8];
            for (int i = 0; i < v.length; i++) {
                v[i] = b.getDouble();
            }
            return v;
        }
    };

    @Override
    public void init(StateStoreContext context, StateStore root) {
        super.init(context, root);
        task = context.taskId();
    }

    private Map<String, double[]> resident() {
        if (!loaded) {
            // first use after the restore (processors start only once their stores are restored)
            values.clear();
            forEachCommitted(values::put);
            loaded = true;
            changedSincePublish = true;
        }
        return values;
    }

    @Override
    public double[] values(String key, int slots) {
        return resident().computeIfAbsent(key, k -> new double[slots]);
    }

    @Override
    public double[] peek(String key) {
        return resident().get(key);
    }

    @Override
    public void changed(String key) {
        dirty.put(key, resident().get(key));
        changedSincePublish = true;
    }

    public double[] get(String key) {
        return resident().get(key);
    }

    public void put(String key, double[] v) {
        resident().put(key, v);
        changed(key);
    }

    public void delete(String key) {
        resident().remove(key);
        dirty.put(key, null);
        changedSincePublish = true;
    }

    public Set<String> keys() {
        return Collections.unmodifiableSet(resident().keySet());
    }

    public void forEach(BiConsumer<String, double[]> visitor) {
        resident().forEach(visitor);
    }

    /** Hands a copy of the committed values to the exporter (also right after a restore). */
    public void publish() {
        if (!changedSincePublish && loaded) {
            return;
        }
        Map<String, double[]> copy = new HashMap<>(resident().size() * 2);
        values.forEach((k, v) -> copy.put(k, v.clone()));
        published.publish(task, name(), copy);
        changedSincePublish = false;
    }

    @Override
    public void close() {
        published.withdraw(task, name());
        values.clear();
        loaded = false;
        super.close();
    }
}
