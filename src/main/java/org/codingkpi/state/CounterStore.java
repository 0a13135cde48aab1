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
    /** Keys written since the last copy was handed over. */
    private final java.util.Set<String> changedSincePublished = new java.util.HashSet<>();
    /** The layers of the copy last handed over (see {@link #copyAndPublish}); null: take a base. */
    private Map<String, double[]> base;
    private Map<String, double[]> overlay = Map.of();

    CounterStore(KeyValueStore<Bytes, byte[]> inner, PublishedState published) {
        super(inner, CODEC);
        this.published = published;
        onCommit(this::publish);
        onClear(() -> {
            // the uncommitted changes are dropped and the values reloaded: the next copy is taken whole
            base = null;
            overlay = Map.of();
            changedSincePublished.clear();
        });
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
        changedSincePublished.clear();
        base = null;
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

    @Override
    public void flushCache() {
        if (publishing) {
            changedSincePublished.addAll(dirty.keySet());
        }
        super.flushCache();
    }

    /**
     * The copy handed over is a {@link Layered} map: a base copy of every value plus an overlay of the
     * values changed since the base was taken, each layer immutable once handed over. A commit copies
     * the overlay and the values it changed, not the whole set: most label sets (coders, payers, days)
     * do not change between two commits. The base is taken again when the overlay has grown to a
     * quarter of it.
     */
    private void copyAndPublish() {
        Map<String, double[]> values = resident();
        if (base == null || overlay.size() + changedSincePublished.size() > Math.max(64, values.size() / 4)) {
            Map<String, double[]> copy = new HashMap<>(values.size() * 2);
            values.forEach((k, v) -> copy.put(k, v.clone()));
            base = copy;
            overlay = Map.of();
        } else {
            Map<String, double[]> next = new HashMap<>((overlay.size() + changedSincePublished.size()) * 2);
            next.putAll(overlay);
            for (String key : changedSincePublished) {
                double[] v = values.get(key);
                next.put(key, v == null ? Layered.REMOVED : v.clone());
            }
            overlay = next;
        }
        changedSincePublished.clear();
        published.publish(task, name(), overlay.isEmpty() ? base : new Layered(base, overlay));
    }

    /**
     * A read-only map of a base and an overlay whose entries replace the base's
     * ({@link #REMOVED} hides a base entry).
     */
    static final class Layered extends java.util.AbstractMap<String, double[]> {
        static final double[] REMOVED = new double[0];
        private final Map<String, double[]> base;
        private final Map<String, double[]> overlay;
        private final int size;

        Layered(Map<String, double[]> base, Map<String, double[]> overlay) {
            this.base = base;
            this.overlay = overlay;
            int n = base.size();
            for (Map.Entry<String, double[]> e : overlay.entrySet()) {
                boolean inBase = base.containsKey(e.getKey());
                if (e.getValue() == REMOVED) {
                    n -= inBase ? 1 : 0;
                } else if (!inBase) {
                    n++;
                }
            }
            size = n;
        }

        @Override
        public double[] get(Object key) {
            double[] v = overlay.get(key);
            if (v == null) {
                return base.get(key);
            }
            return v == REMOVED ? null : v;
        }

        @Override
        public boolean containsKey(Object key) {
            return get(key) != null;
        }

        @Override
        public int size() {
            return size;
        }

        @Override
        public void forEach(java.util.function.BiConsumer<? super String, ? super double[]> action) {
            overlay.forEach((k, v) -> {
                if (v != REMOVED) {
                    action.accept(k, v);
                }
            });
            base.forEach((k, v) -> {
                if (!overlay.containsKey(k)) {
                    action.accept(k, v);
                }
            });
        }

        @Override
        public java.util.Set<Entry<String, double[]>> entrySet() {
            return new java.util.AbstractSet<>() {
                @Override
                public int size() {
                    return size;
                }

                @Override
                public java.util.Iterator<Entry<String, double[]>> iterator() {
                    java.util.List<Entry<String, double[]>> entries = new java.util.ArrayList<>(size);
                    Layered.this.forEach((k, v) -> entries.add(Map.entry(k, v)));
                    return java.util.Collections.unmodifiableList(entries).iterator();
                }
            };
        }
    }

    @Override
    public void close() {
        published.withdraw(task, name());
        super.close();
    }
}
