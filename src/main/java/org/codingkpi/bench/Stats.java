package org.codingkpi.bench;

import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** The arithmetic of the benchmark's figures, kept apart from the measuring so that it is tested. */
public final class Stats {
    private Stats() {
    }

    /**
     * The nearest-rank percentile: the smallest sample such that at least {@code p} % of the samples
     * are less than or equal to it ({@code p} in (0, 100]).
     */
    public static long percentile(List<Long> samples, double p) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("no samples");
        }
        if (!(p > 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile must be in (0, 100], got " + p);
        }
        List<Long> sorted = new ArrayList<>(samples);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(1, rank) - 1);
    }

    /** Events per second; 0 when no time elapsed. */
    public static double rate(long events, long nanos) {
        return nanos <= 0 ? 0 : events / (nanos / 1e9);
    }

    /** Microseconds of CPU per event; 0 when there was no event. */
    public static double microsPerEvent(long cpuNanos, long events) {
        return events <= 0 ? 0 : cpuNanos / 1e3 / events;
    }

    /** {@code part} as a percentage of {@code whole}; 0 when whole is 0. */
    public static double share(double part, double whole) {
        return whole <= 0 ? 0 : 100.0 * part / whole;
    }

    /**
     * Input records fully processed: the committed input offsets minus the records still waiting in
     * repartition topics ({@code end - committed}, less one per partition, which may be the
     * transaction marker that ends it and that a committed offset does not always pass).
     */
    public static long processedInputs(long inputsCommitted, Map<TopicPartition, Long> repartitionEnds, Map<TopicPartition, Long> repartitionCommitted) {
        long backlog = 0;
        for (Map.Entry<TopicPartition, Long> e : repartitionEnds.entrySet()) {
            backlog += Math.max(0, e.getValue() - repartitionCommitted.getOrDefault(e.getKey(), 0L) - 1);
        }
        return Math.max(0, inputsCommitted - backlog);
    }
}
