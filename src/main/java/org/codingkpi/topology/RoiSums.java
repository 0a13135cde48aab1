package org.codingkpi.topology;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The records of the ROI topic: key {@code partition|YYYY-MM} (a KPI task's month sums, latest
 * totals) or {@code partition|~stream} (that task's stream time); value the numbers. Every instance
 * reads the whole topic into a global store and adds the partitions up, so each publishes the ROI
 * of the whole pipeline, the same figures (ROI.md version 2).
 */
public final class RoiSums {
    public static final String STREAM_TIME = "~stream";
    private static final byte FORMAT = 1;

    private RoiSums() {
    }

    public static byte[] key(int partition, String month) {
        return (partition + "|" + month).getBytes(StandardCharsets.UTF_8);
    }

    /** The month (or {@link #STREAM_TIME}) of a key. */
    public static String monthOf(String key) {
        return key.substring(key.indexOf('|') + 1);
    }

    public static byte[] encode(double[] values) {
        ByteBuffer b = ByteBuffer.allocate(1 + 8 * values.length).put(FORMAT);
        for (double d : values) {
            b.putDouble(d);
        }
        return b.array();
    }

    public static double[] decode(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        b.get();
        double[] v = new double[(bytes.length - 1) / 8];
        for (int i = 0; i < v.length; i++) {
            v[i] = b.getDouble();
        }
        return v;
    }
}
