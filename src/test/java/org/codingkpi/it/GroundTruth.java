package org.codingkpi.it;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.utils.Utils;
import org.codingkpi.events.EventType;
import org.codingkpi.events.RejectReason;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The coding_* samples the contract defines for a history ({@link ReferenceModel}, computed
 * independently of the pipeline), and the comparison of a scrape with them.
 */
final class GroundTruth {
    private GroundTruth() {
    }

    /** Every coding_* sample of the whole history, rejects included. */
    static Map<String, Double> of(List<SpecificRecord> valid, Map<RejectReason, Long> rejects, int partitions, long maxWaitMs) {
        return of(valid, rejects, partitions, maxWaitMs, Long.MAX_VALUE);
    }

    /** The same, with DNFC entries older than {@code dnfcRetentionMs} of stream time out of the backlog. */
    static Map<String, Double> of(List<SpecificRecord> valid, Map<RejectReason, Long> rejects, int partitions, long maxWaitMs,
                                  long dnfcRetentionMs) {
        ReferenceModel reference = new ReferenceModel(partitions, maxWaitMs, dnfcRetentionMs);
        reference.run(valid);
        rejects.forEach((reason, n) -> reference.add("coding_events_rejected_total", n, "reason", reason.label()));
        addStreamTime(reference, valid);
        return reference.expected;
    }

    /** The samples of the encounters whose partition is among {@code owned} (rejects excluded: the dead-letter topic has its own partitions). */
    static Map<String, Double> ofPartitions(List<SpecificRecord> valid, Set<Integer> owned, int partitions, long maxWaitMs) {
        List<SpecificRecord> mine = new ArrayList<>();
        for (SpecificRecord e : valid) {
            if (owned.contains(partition((String) e.get(3), partitions))) {
                mine.add(e);
            }
        }
        ReferenceModel reference = new ReferenceModel(partitions, maxWaitMs);
        reference.run(mine);
        addStreamTime(reference, mine);
        return reference.expected;
    }

    /** Stream time: the largest occurred_at of the events (KPIS.md §1), as Unix seconds. */
    private static void addStreamTime(ReferenceModel reference, List<SpecificRecord> events) {
        events.stream().mapToLong(EventType::occurredAtMs).max()
                .ifPresent(t -> reference.add("coding_stream_time_seconds", t / 1000.0));
    }

    static int partition(String encounterId, int partitions) {
        return Utils.toPositive(Utils.murmur2(encounterId.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /**
     * What differs between the expected and the actual samples: every expected sample must be there
     * with its value (to 1e-9 relative, the doubles of sums of cents), and in the families the
     * reference covers nothing else but zeros. Empty when they agree.
     */
    static List<String> differences(Map<String, Double> expected, Map<String, Double> actual) {
        return differences(expected, actual, false);
    }

    /**
     * As {@link #differences(Map, Map)}; {@code strict}: nothing but zeros beyond the expected samples
     * in any family (histogram buckets aside, which the reference computes only {@link ReferenceModel#withBuckets with buckets}).
     */
    static List<String> differences(Map<String, Double> expected, Map<String, Double> actual, boolean strict) {
        List<String> out = new ArrayList<>();
        expected.forEach((k, v) -> {
            Double a = actual.get(k);
            if (a == null) {
                out.add("missing " + k + " (expected " + v + ")");
            } else if (Math.abs(a - v) > 1e-9 * Math.max(1, Math.abs(v))) {
                out.add(k + ": expected " + v + ", was " + a);
            }
        });
        Set<String> covered = new java.util.HashSet<>();
        expected.keySet().forEach(k -> covered.add(Scrape.name(k)));
        new TreeMap<>(actual).forEach((k, v) -> {
            boolean checked = strict ? !Scrape.name(k).endsWith("_bucket") : covered.contains(Scrape.name(k));
            if (checked && !expected.containsKey(k) && v != 0.0) {
                out.add("unexpected " + k + " = " + v);
            }
        });
        return out;
    }

    /** Adds samples with identical name and labels. */
    static Map<String, Double> sum(List<Map<String, Double>> scrapes) {
        Map<String, Double> out = new TreeMap<>();
        scrapes.forEach(s -> s.forEach((k, v) -> out.merge(k, v, Double::sum)));
        return out;
    }

    /** Drops the samples of gauges that are not additive over instances. */
    static Map<String, Double> additive(Map<String, Double> samples) {
        Map<String, Double> out = new TreeMap<>(samples);
        out.keySet().removeIf(k -> Scrape.name(k).equals("coding_stream_time_seconds"));
        return out;
    }
}
