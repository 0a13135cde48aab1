package org.codingkpi.compliance;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.codingkpi.compliance.audit.AuditFinding;
import org.codingkpi.metrics.KpiTotals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Where the findings are read back from: the audit topic (durable, any process) or the detector's state (this instance). */
public final class AuditTrail {
    private AuditTrail() {
    }

    /**
     * Every committed record of the audit topic, from the beginning to the end it had when the read
     * started, in topic order per partition (a finding's records share a partition, keyed by its id).
     */
    public static List<AuditFinding> readTopic(Map<String, Object> clientProperties, String topic, AuditCodec codec, Duration timeout) {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "coding-kpi-audit-reader");
        List<AuditFinding> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("topic " + topic + " does not exist (no finding was ever raised, or another topic.audit)");
            }
            List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp, timeout) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the audit topic " + topic + " was not read to its end within " + timeout.toSeconds() + " s");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    out.add(codec.decode(r.value()));
                }
            }
        }
        return out;
    }

    /** The findings the detector tasks of this instance hold (the latest record of each). */
    public static List<AuditFinding> readState(KafkaStreams streams) {
        List<AuditFinding> out = new ArrayList<>();
        ReadOnlyKeyValueStore<String, AuditFinding> store = streams.store(
                StoreQueryParameters.fromNameAndType(ComplianceTopology.FINDINGS_STORE, QueryableStoreTypes.<String, AuditFinding>keyValueStore()));
        try (KeyValueIterator<String, AuditFinding> it = store.all()) {
            it.forEachRemaining(kv -> out.add(kv.value));
        }
        return out;
    }

    /**
     * Whether the detector tasks of this instance have processed every record the compliance
     * processors of {@code totals} (the same instance) sent them.
     */
    public static boolean caughtUp(KafkaStreams streams, KpiTotals totals) {
        double sentRecords = totals.meta(ComplianceProcessor.META_RECORDS);
        ReadOnlyKeyValueStore<String, Long> store = streams.store(
                StoreQueryParameters.fromNameAndType(ComplianceTopology.CLOCK_STORE, QueryableStoreTypes.<String, Long>keyValueStore()));
        long received = 0;
        try (KeyValueIterator<String, Long> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, Long> kv = it.next();
                if (kv.key.equals(ComplianceEngine.CLOCK_RECORDS)) {
                    received += kv.value;
                }
            }
        }
        return received >= sentRecords;
    }
}
