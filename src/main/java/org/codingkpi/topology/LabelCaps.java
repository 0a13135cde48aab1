package org.codingkpi.topology;

import org.apache.kafka.streams.state.KeyValueStore;
import org.codingkpi.kpi.Series;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Bounds label cardinality (KPIS.md §2): the first {@code cap} distinct values of a dimension a task
 * sees keep their name, later ones are published as {@code other}. Admitted values are kept in the
 * KPI store, so the decision survives restarts and moves with the task. The exporter applies the
 * same cap again over the union of all tasks' values.
 */
final class LabelCaps {
    static final String OTHER = "other";

    private final KeyValueStore<String, double[]> store;
    private final Map<String, Integer> caps;
    private final Map<String, Set<String>> admitted = new HashMap<>();

    LabelCaps(KeyValueStore<String, double[]> store, Map<String, Integer> caps, Map<String, double[]> loaded) {
        this.store = store;
        this.caps = caps;
        for (String key : loaded.keySet()) {
            if (Series.of(key) == Series.LABEL) {
                String[] l = Series.labels(key);
                admitted.computeIfAbsent(l[0], d -> new HashSet<>()).add(l[1]);
            }
        }
    }

    String cap(String dimension, String value) {
        Set<String> seen = admitted.computeIfAbsent(dimension, d -> new HashSet<>());
        if (seen.contains(value)) {
            return value;
        }
        if (seen.size() >= caps.getOrDefault(dimension, Integer.MAX_VALUE)) {
            return OTHER;
        }
        seen.add(value);
        store.put(Series.LABEL.key(dimension, value), new double[] {1});
        return value;
    }
}
