package org.codingkpi.kpi;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

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
    private final Map<String, Set<String>> admitted = new HashMap<>();

    /** @param admittedKeys the {@link Series#LABEL} keys already in the counters */
    public LabelCaps(Counters counters, Map<String, Integer> caps, Iterable<String> admittedKeys) {
        this.counters = counters;
        this.caps = caps;
        for (String key : admittedKeys) {
            if (Series.of(key) == Series.LABEL) {
                String[] l = Series.labels(key);
                admitted.computeIfAbsent(l[0], d -> new HashSet<>()).add(l[1]);
            }
        }
    }

    public String cap(String dimension, String value) {
        Set<String> seen = admitted.computeIfAbsent(dimension, d -> new HashSet<>());
        if (seen.contains(value)) {
            return value;
        }
        if (seen.size() >= caps.getOrDefault(dimension, Integer.MAX_VALUE)) {
            return OTHER;
        }
        seen.add(value);
        String key = Series.LABEL.key(dimension, value);
        counters.values(key, 1)[0] = 1;
        counters.changed(key);
        return value;
    }
}
