package org.codingkpi.bench;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** End offsets, committed offsets and record counts, read from the broker. */
final class Offsets {
    private Offsets() {
    }

    /** End offsets of every partition of every topic, the broker's internal topics included. */
    static Map<TopicPartition, Long> endOffsetsOfAll(Admin admin) {
        return endOffsets(admin, get(admin.listTopics(new ListTopicsOptions().listInternal(true)).names()));
    }

    static Map<TopicPartition, Long> endOffsets(Admin admin, Collection<String> topics) {
        Map<String, TopicDescription> d = get(admin.describeTopics(topics).allTopicNames());
        Map<TopicPartition, OffsetSpec> spec = new HashMap<>();
        d.values().forEach(t -> t.partitions().forEach(p -> spec.put(new TopicPartition(t.name(), p.partition()), OffsetSpec.latest())));
        Map<TopicPartition, Long> out = new TreeMap<>(java.util.Comparator.comparing(TopicPartition::toString));
        get(admin.listOffsets(spec).all()).forEach((tp, info) -> out.put(tp, info.offset()));
        return out;
    }

    /**
     * Waits until every partition of the topics answers a ListOffsets request, which only its leader
     * does. Just after CreateTopics, a produce request can meet NOT_LEADER_OR_FOLLOWER, and an
     * idempotent producer was then seen (on a loaded machine) retrying OUT_OF_ORDER_SEQUENCE_NUMBER
     * until its delivery timeout.
     */
    static void awaitLeaders(Admin admin, Collection<String> topics, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            try {
                endOffsets(admin, topics);
                return;
            } catch (IllegalStateException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("topics " + topics + " have no leader after " + limit.toSeconds() + " s: " + e.getMessage(), e);
                }
                Thread.sleep(100);
            }
        }
    }

    /** Committed offsets of a consumer group (an application id), summed over the given partitions. */
    static long committed(Admin admin, String group, Set<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> c = get(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata());
        long sum = 0;
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata o = c.get(tp);
            sum += o == null ? 0 : o.offset();
        }
        return sum;
    }

    /**
     * The input records a Kafka Streams application has fully processed, as far as the broker can
     * tell: its committed input offsets, minus what still waits in its repartition topics (a claim
     * is committed on its input topic when it is re-keyed into the repartition topic, and counted
     * only when the repartitioned record is processed). A repartition partition may end on a
     * transaction marker that its committed offset never passes, so one offset per partition is
     * not counted as backlog. Exact when everything is processed: then it equals the input records.
     */
    static java.util.function.LongSupplier processedInputs(Admin admin, String applicationId, Set<TopicPartition> inputs) {
        List<String> repartitions = new java.util.ArrayList<>();
        return () -> {
            if (repartitions.isEmpty()) {
                for (String t : get(admin.listTopics().names())) {
                    if (t.startsWith(applicationId + "-") && t.endsWith("-repartition")) {
                        repartitions.add(t);
                    }
                }
            }
            Map<TopicPartition, OffsetAndMetadata> c = get(admin.listConsumerGroupOffsets(applicationId).partitionsToOffsetAndMetadata());
            long done = 0;
            for (TopicPartition tp : inputs) {
                OffsetAndMetadata o = c.get(tp);
                done += o == null ? 0 : o.offset();
            }
            Map<TopicPartition, Long> ends = repartitions.isEmpty() ? Map.of() : endOffsets(admin, repartitions);
            Map<TopicPartition, Long> committed = new HashMap<>();
            ends.keySet().forEach(tp -> {
                OffsetAndMetadata o = c.get(tp);
                committed.put(tp, o == null ? 0L : o.offset());
            });
            return Stats.processedInputs(done, ends, committed);
        };
    }

    /**
     * Data records in {@code [from, to)} of each partition, read with {@code read_committed}
     * (transaction markers and aborted records are not returned). A partition not read to its end
     * within the time limit is absent from the result.
     */
    static Map<TopicPartition, Long> countRecords(Map<String, Object> clientProperties, Map<TopicPartition, Long> from,
                                                  Map<TopicPartition, Long> to, Duration limit) {
        Map<TopicPartition, Long> counts = new HashMap<>();
        Set<TopicPartition> open = new HashSet<>();
        to.forEach((tp, end) -> {
            if (end > from.getOrDefault(tp, 0L)) {
                open.add(tp);
                counts.put(tp, 0L);
            }
        });
        if (open.isEmpty()) {
            return counts;
        }
        Map<String, Object> p = new HashMap<>(clientProperties);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 20_000);
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024 * 1024);
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
        p.put(ConsumerConfig.CHECK_CRCS_CONFIG, false);
        long deadline = System.nanoTime() + limit.toNanos();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.assign(open);
            for (TopicPartition tp : open) {
                c.seek(tp, from.getOrDefault(tp, 0L));
            }
            while (!open.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (r.offset() < to.get(tp)) {
                        counts.merge(tp, 1L, Long::sum);
                    }
                }
                open.removeIf(tp -> c.position(tp) >= to.get(tp));
            }
        }
        open.forEach(counts::remove);
        return counts;
    }

    /** Bytes on the broker's disk by topic (every log directory of every broker). */
    static Map<String, Long> topicBytes(Admin admin) {
        List<Integer> brokers = get(admin.describeCluster().nodes()).stream().map(org.apache.kafka.common.Node::id).toList();
        Map<String, Long> bytes = new TreeMap<>();
        get(admin.describeLogDirs(brokers).allDescriptions()).values().forEach(dirs -> dirs.values().forEach(dir ->
                dir.replicaInfos().forEach((tp, info) -> bytes.merge(tp.topic(), info.size(), Long::sum))));
        return bytes;
    }

    private static <T> T get(org.apache.kafka.common.KafkaFuture<T> f) {
        try {
            return f.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("broker request failed: " + e.getCause().getMessage(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("the broker did not answer in 60 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
