package org.codingkpi.state;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.state.KeyValueStore;
import org.codingkpi.kpi.Counters;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * The KPI series of one task, resident in memory (a few thousand label sets, bounded by the label
 * caps): updated in place by the rules, the changed keys written once per commit, and a copy of the
 * whole set handed to {@link PublishedState} at every commit, which is what {@code /metrics} reads.
 * The copy is taken on the stream thread, so a scrape never touches a store nor waits for a rebalance.
 */
public final class CounterStore extends ResidentStore<double[]> implements Counters {
    private static final byte FORMAT = 1;

    private final PublishedState published;
    private TaskId task;
    /** Set while the task runs here as an active task (its processors initialised and not closed). */
    private boolean publishing;

    CounterStore(KeyValueStore<Bytes, byte[]> inner, PublishedState published) {
        super(inner, CODEC);
        this.published = published;
        onCommit(this::publish);
    }

    /** A format byte, then the values as big-endian doubles (also the ROI topic's value layout). */
    public static final ValueCodec<double[]> CODEC = new ValueCodec<>() {
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

    @Override
    public double[] values(String key, int slots) {
        Map<String, double[]> resident = resident();
        double[] v = resident.get(key);
        if (v == null || v.length < slots) {
            // absent, or a series group that gained slots in a later release: the new slots start at zero
            v = v == null ? new double[slots] : java.util.Arrays.copyOf(v, slots);
            resident.put(key, v);
        }
        return v;
    }

    @Override
    public double[] peek(String key) {
        return get(key);
    }

    @Override
    public void changed(String key) {
        double[] v = resident().get(key);
        if (v != null) {
            markChanged(key, v);
        }
    }

    @Override
    public void add(String key, int slot, double delta) {
        double[] v = resident().get(key);
        if (v == null || v.length <= slot) {
            v = values(key, org.codingkpi.kpi.Series.of(key).slots());
        }
        v[slot] += delta;
        markChanged(key, v);
    }

    /**
     * Starts publishing: called by the processors when they are initialised, that is when the task
     * is restored and runs here as an active task. A standby copy of the store never publishes.
     */
    public void startPublishing() {
        publishing = true;
        forcePublish();
    }

    /** Stops publishing and withdraws the copy: the task stopped running here (revoked, migrated, recycled, closed). */
    public void stopPublishing() {
        publishing = false;
        published.withdraw(task, name());
    }

    private void forcePublish() {
        resident();
        takeChanged();
        copyAndPublish();
    }

    /** Hands a copy of the values to the exporter at every commit that changed them, while publishing. */
    public void publish() {
        resident();
        if (!publishing || !takeChanged()) {
            return;
        }
        copyAndPublish();
    }

    private void copyAndPublish() {
        Map<String, double[]> values = resident();
        Map<String, double[]> copy = new HashMap<>(values.size() * 2);
        values.forEach((k, v) -> copy.put(k, v.clone()));
        published.publish(task, name(), copy);
    }

    @Override
    public void close() {
        published.withdraw(task, name());
        super.close();
    }
}
