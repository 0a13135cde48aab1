package org.codingkpi.compliance;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.state.Stores;
import org.codingkpi.compliance.audit.AuditFinding;
import org.codingkpi.config.PipelineConfig;
import org.codingkpi.state.BufferedStore;
import org.codingkpi.state.BufferedStores;
import org.codingkpi.serde.EventCodec;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The compliance part of the topology, on the stream of accepted events:
 *
 * <pre>
 *  accepted ──► compliance-processor (daily counts in kpi-store; observations merged per scope and day
 *                    │                  in compliance-outbox-store, sent before each clock tick)
 *                    │
 *                    ▼  compliance-by-scope (repartition: a scope's observations in one partition, ticks to all)
 *               compliance-detector (stores: compliance-days, -scopes, -findings, -clock) ──► audit topic
 * </pre>
 *
 * The detector sees every observation of a scope whatever partition its encounters are in, so a
 * finding is raised once per episode with the counts of the whole pipeline, however many partitions.
 */
public final class ComplianceTopology {
    public static final String REPARTITION = "compliance-by-scope";
    public static final String PROCESSOR = "compliance-processor";
    public static final String DAYS_STORE = "compliance-days-store";
    public static final String SCOPES_STORE = "compliance-scopes-store";
    public static final String FINDINGS_STORE = "compliance-findings-store";
    public static final String CLOCK_STORE = "compliance-clock-store";
    /** The KPI task's observations since its last tick, merged per scope and day (see ComplianceProcessor). */
    public static final String OUTBOX_STORE = "compliance-outbox-store";

    private ComplianceTopology() {
    }

    /**
     * @param partitions partitions of the KPI tasks (the encounters topic); the repartition topic gets as many
     * @param kpiStore the KPI tasks' counter store, where the daily counts of the gauges are kept
     */
    public static void attach(StreamsBuilder builder, KStream<byte[], SpecificRecord> accepted, PipelineConfig config,
                              EventCodec codec, int partitions, String kpiStore) {
        ComplianceConfig settings = ComplianceConfig.from(config);
        AuditCodec audit = new AuditCodec(codec);
        String auditTopic = config.auditTopic();
        Serde<byte[]> bytes = Serdes.ByteArray();
        // the detector's days, scopes and clock: resident objects, each changed key written once per commit
        builder.addStateStore(BufferedStores.sortedResident(DAYS_STORE, DayRecord.CODEC).withLoggingEnabled(Map.of()));
        builder.addStateStore(BufferedStores.sortedResident(SCOPES_STORE, ScopeState.CODEC).withLoggingEnabled(Map.of()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(FINDINGS_STORE), Serdes.String(), findingSerde(audit, auditTopic))
                .withLoggingEnabled(Map.of()));
        // the clock stays a key-value store (AuditTrail.caughtUp reads it through interactive queries), behind
        // the record cache: its received-records count changes with every record, and is written once per commit
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(CLOCK_STORE), Serdes.String(), Serdes.Long())
                .withCachingEnabled().withLoggingEnabled(Map.of()));
        builder.addStateStore(BufferedStores.resident(OUTBOX_STORE, DayRecord.CODEC).withLoggingEnabled(Map.of()));
        accepted.process(() -> new ComplianceProcessor(settings, partitions, kpiStore), Named.as(PROCESSOR), kpiStore, OUTBOX_STORE)
                .repartition(Repartitioned.<byte[], byte[]>as(REPARTITION).withKeySerde(bytes).withValueSerde(bytes)
                        .withNumberOfPartitions(partitions).withStreamPartitioner(new ScopePartitioner()))
                .process(() -> new ComplianceDetector(settings, partitions, audit, auditTopic), Named.as("compliance-detector"),
                        DAYS_STORE, SCOPES_STORE, FINDINGS_STORE, CLOCK_STORE)
                .to(auditTopic, Produced.with(bytes, bytes).withName("audit-sink"));
    }

    /** Findings in the state as on the audit topic (the wire format), so a read of the store decodes like the topic. */
    static Serde<AuditFinding> findingSerde(AuditCodec audit, String auditTopic) {
        return Serdes.serdeFrom((topic, f) -> f == null ? null : audit.encode(auditTopic, f),
                (topic, b) -> b == null ? null : audit.decode(b));
    }

    /** A scope's observations to the partition of its key (as the default partitioner); a clock tick to every partition. */
    static final class ScopePartitioner implements StreamPartitioner<byte[], byte[]> {
        @Override
        public Optional<Set<Integer>> partitions(String topic, byte[] key, byte[] value, int numPartitions) {
            if (value.length > 1 && value[1] == Observation.TICK) {
                return Optional.of(IntStream.range(0, numPartitions).boxed().collect(Collectors.toSet()));
            }
            return Optional.of(Set.of(Utils.toPositive(Utils.murmur2(key)) % numPartitions));
        }
    }
}
