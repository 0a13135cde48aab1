package org.codingkpi.bench;

import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Records written to the broker during a pass, by topic. Under exactly-once every transaction also
 * writes a commit marker to each partition it touched, and a marker occupies an offset: so the end
 * offsets before and after give <em>offsets</em>, and the data records are counted by reading the
 * range back with {@code read_committed}; {@code markers = offsets - records}.
 */
public final class TopicWrites {
    private TopicWrites() {
    }

    /** What a topic is to the application measured. */
    public enum Kind {
        /** An input topic (read, not written, by the pass). */
        INPUT,
        /** A state store's changelog. */
        CHANGELOG,
        /** A repartition topic. */
        REPARTITION,
        /** Any other topic the application writes (dead letters, audit findings, a sink). */
        OUTPUT,
        /** The broker's own bookkeeping: consumer offsets, transaction state. */
        BROKER
    }

    /**
     * One topic's writes.
     *
     * @param offsets     end offset after minus end offset before, over its partitions
     * @param records     data records read back with read_committed (= offsets when not counted)
     * @param markers     offsets that are no data record: transaction markers (and aborted records)
     * @param approximate records were removed before they could be counted (compaction, purge), or
     *                    not counted at all: the record count is then an upper bound
     */
    public record Row(String topic, Kind kind, long offsets, long records, long markers, boolean approximate) {
        public double recordsPerEvent(long events) {
            return events <= 0 ? 0 : (double) records / events;
        }
    }

    public static Kind kindOf(String topic, Set<String> inputs) {
        if (inputs.contains(topic)) {
            return Kind.INPUT;
        }
        if (topic.startsWith("__")) {
            return Kind.BROKER;
        }
        if (topic.endsWith("-changelog")) {
            return Kind.CHANGELOG;
        }
        if (topic.endsWith("-repartition")) {
            return Kind.REPARTITION;
        }
        return Kind.OUTPUT;
    }

    /**
     * Rows of the topics whose end offsets moved, largest first.
     *
     * @param before        end offsets before the pass; a partition absent was created during it (0)
     * @param after         end offsets after the pass
     * @param records       data records counted per partition; a partition absent was not counted
     * @param maxMarkers    the most markers a partition can hold from this pass (the number of
     *                      transactions committed), or -1 when unknown; more gaps than this mean that
     *                      records were removed before counting
     */
    public static List<Row> rows(Map<TopicPartition, Long> before, Map<TopicPartition, Long> after, Map<TopicPartition, Long> records,
                                 long maxMarkers, Set<String> inputs) {
        Map<String, long[]> byTopic = new TreeMap<>();
        Map<String, Boolean> approximate = new TreeMap<>();
        for (Map.Entry<TopicPartition, Long> e : after.entrySet()) {
            TopicPartition tp = e.getKey();
            long offsets = e.getValue() - before.getOrDefault(tp, 0L);
            if (offsets <= 0) {
                continue;
            }
            Long counted = records.get(tp);
            long n = counted == null ? offsets : Math.min(counted, offsets);
            boolean approx = counted == null || (maxMarkers >= 0 && offsets - n > maxMarkers);
            long[] t = byTopic.computeIfAbsent(tp.topic(), k -> new long[2]);
            t[0] += offsets;
            t[1] += n;
            approximate.merge(tp.topic(), approx, Boolean::logicalOr);
        }
        List<Row> rows = new ArrayList<>();
        byTopic.forEach((topic, t) -> rows.add(new Row(topic, kindOf(topic, inputs), t[0], t[1], t[0] - t[1], approximate.get(topic))));
        rows.sort((a, b) -> a.records() != b.records() ? Long.compare(b.records(), a.records()) : a.topic().compareTo(b.topic()));
        return rows;
    }

    /** Records written by the application itself: changelogs, repartitions and outputs. */
    public static long applicationRecords(List<Row> rows) {
        long n = 0;
        for (Row r : rows) {
            if (r.kind() == Kind.CHANGELOG || r.kind() == Kind.REPARTITION || r.kind() == Kind.OUTPUT) {
                n += r.records();
            }
        }
        return n;
    }

    /** Records of one kind. */
    public static long records(List<Row> rows, Kind kind) {
        return rows.stream().filter(r -> r.kind() == kind).mapToLong(Row::records).sum();
    }
}
