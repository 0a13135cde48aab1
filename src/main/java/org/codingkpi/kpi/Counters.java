package org.codingkpi.kpi;

/**
 * The KPI series of one task, as the rules update them: one {@code double[]} per {@link Series}
 * key. Implementations keep the values in memory and persist the changed keys once per commit.
 */
public interface Counters {
    /** The live values of a key, created with {@code slots} zeros when absent; call {@link #changed} after updating. */
    double[] values(String key, int slots);

    /** The live values of a key, or null. */
    double[] peek(String key);

    /** Marks a key's values as changed. */
    void changed(String key);

    default void add(String key, int slot, double delta) {
        Series s = Series.of(key);
        double[] v = values(key, s.slots());
        v[slot] += delta;
        changed(key);
    }
}
