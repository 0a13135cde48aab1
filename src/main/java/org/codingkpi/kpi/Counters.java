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

    /** Adds to one slot of a key's values (created with its group's slots when absent) and marks it changed. */
    void add(String key, int slot, double delta);
}
