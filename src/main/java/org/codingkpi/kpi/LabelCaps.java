package org.codingkpi.kpi;

import java.util.HashMap;
import java.util.Map;

/**
 * Bounds label cardinality (KPIS.md §2): the first {@code cap} distinct values of a dimension a task
 * sees keep their name, later ones are published as {@code other}. Admitted values are kept as
 * {@link Series#LABEL} entries of the task's counters, so the decision survives restarts and moves
 * with the task. The exporter applies the same cap again over the union of all tasks' values.
 */
public final class LabelCaps {
    public static final String OTHER = "other";

    private final Counters counters;
    private final Map<String, Integer> caps;
    /** The admitted values of each dimension, each mapped to its first instance: the canonical one the keys are built from. */
    private final Map<String, Map<String, String>> admitted = new HashMap<>();

    /** @param admittedKeys the {@link Series#LABEL} keys already in the counters */
    public LabelCaps(Counters counters, Map<String, Integer> caps, Iterable<String> admittedKeys) {
        this.counters = counters;
        this.caps = caps;
        for (String key : admittedKeys) {
            if (Series.of(key) == Series.LABEL) {
                String[] l = Series.labels(key);
                admitted.computeIfAbsent(l[0], d -> new HashMap<>()).put(l[1], l[1]);
            }
        }
    }

    /**
     * The value to publish: the admitted value's canonical instance (a string whose hash is computed
     * once, so the series-key lookups that follow do not hash the event's fresh copy again), or
     * {@code other} once the dimension's cap is reached.
     */
    public String cap(String dimension, String value) {
        Map<String, String> seen = admitted.computeIfAbsent(dimension, d -> new HashMap<>());
        String canonical = seen.get(value);
        if (canonical != null) {
            return canonical;
        }
        if (seen.size() >= caps.getOrDefault(dimension, Integer.MAX_VALUE)) {
            return OTHER;
        }
        seen.put(value, value);
        String key = Series.LABEL.key(dimension, value);
        counters.values(key, 1)[0] = 1;
        counters.changed(key);
        return value;
    }
}
