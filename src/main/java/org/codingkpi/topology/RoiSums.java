package org.codingkpi.topology;

import org.codingkpi.state.CounterStore;

import java.nio.charset.StandardCharsets;

/**
 * The records of the ROI topic: key {@code partition|YYYY-MM} (a KPI task's month sums, latest
 * totals) or {@code partition|~stream} (that task's stream time); value the numbers. Every instance
 * reads the whole topic into a global store and adds the partitions up, so each publishes the ROI
 * of the whole pipeline, the same figures (ROI.md version 2).
 */
public final class RoiSums {
    public static final String STREAM_TIME = "~stream";

    private RoiSums() {
    }

    public static byte[] key(int partition, String month) {
        return (partition + "|" + month).getBytes(StandardCharsets.UTF_8);
    }

    /** The month (or {@link #STREAM_TIME}) of a key. */
    public static String monthOf(String key) {
        return key.substring(key.indexOf('|') + 1);
    }

    /** The numbers in the counter store's layout (a format byte, then big-endian doubles): one codec for both. */
    public static byte[] encode(double[] values) {
        return CounterStore.CODEC.encode(values);
    }

    public static double[] decode(byte[] bytes) {
        return CounterStore.CODEC.decode(bytes);
    }
}
