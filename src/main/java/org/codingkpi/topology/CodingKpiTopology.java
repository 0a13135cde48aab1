package org.codingkpi.topology;

import org.codingkpi.deadletter.DeadLetterHandler;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;
import org.codingkpi.config.PipelineConfig;
import org.codingkpi.kpi.DenialCategorizer;
import org.codingkpi.kpi.EncounterRecord;
import org.codingkpi.serde.EventCodec;
import org.codingkpi.state.BufferedStore;
import org.codingkpi.state.BufferedStores;
import org.codingkpi.state.PublishedState;

import java.util.Map;

/**
 * The pipeline's topology, a pure function of its configuration. Claims arrive keyed by claim_id
 * and need their encounter's task. By default (claims partitioned by claim_id) that is two
 * sub-topologies and one repartition on the hot path:
 *
 * <pre>
 *  claims ──► claims-router (decode, validate, key by encounter_id) ──► claims-by-encounter (repartition)
 *                                                                              │
 *  encounters ─────┐                                                           │
 *  ai-suggestions ─┴──────────────► kpi-processor ◄────────────────────────────┘
 *                                   stores: kpi (counters), encounter (one record per encounter)
 *  dead-letter ───► dead-letter-counter (store: rejects)
 * </pre>
 *
 * With {@code claims.partitioned.by=encounter_id} (every producer of the claims topic puts a claim in
 * its encounter's partition, as this project's own do) the KPI tasks read the claims topic partition
 * for partition, with no repartition: {@code claims ──► claims-router ──► kpi-processor}. A claim
 * found outside its encounter's partition then goes to the dead-letter topic with the reason.
 *
 * Invalid records are thrown to {@link DeadLetterHandler} (KIP-1033/1034) before they touch state.
 * Every store and internal topic is named; {@code ensure.explicit.internal.resource.naming} is on.
 */
public final class CodingKpiTopology {
    public static final String KPI_STORE = "kpi-store";
    public static final String ENCOUNTER_STORE = "encounter-store";
    public static final String REJECTS_STORE = "rejects-store";
    public static final String CLAIMS_REPARTITION = "claims-by-encounter";
    public static final String ROI_SINK = "roi-sink";
    public static final String ROI_GLOBAL_STORE = "roi-global-store";
    static final String COMPLIANCE_PROCESSOR = org.codingkpi.compliance.ComplianceTopology.PROCESSOR;
    /** Encounter records kept decoded in memory between commits (a busy encounter is read once). */
    private static final int RECENT_ENCOUNTERS = 20_000;
    private static final BufferedStore.ValueCodec<EncounterRecord> ENCOUNTER_CODEC =
            BufferedStore.ValueCodec.of(EncounterRecord::encode, EncounterRecord::decode);

    private CodingKpiTopology() {
    }

    /**
     * A stream seen with the value type of the node it feeds: a processor that forwards values of
     * several types (by child name, or by mode) sends each node the one it reads.
     */
    @SuppressWarnings("unchecked")
    private static <V> KStream<byte[], V> valuesAs(KStream<byte[], ?> stream) {
        return (KStream<byte[], V>) stream;
    }

    /**
     * The partition of an encounter among {@code partitions}: the Java producer's default for its
     * encounter_id key (and the claims repartition's), so where its encounter events are. The claims
     * router and this project's producers of claims place a claim by it.
     */
    public static int encounterPartition(byte[] encounterIdUtf8, int partitions) {
        return org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(encounterIdUtf8)) % partitions;
    }

    /** The topology alone (its description), publishing nowhere. */
    public static Topology buildTopology(PipelineConfig config, EventCodec codec, DenialCategorizer categorizer,
                                         int encounterPartitions, EventObserver observer) {
        return buildTopology(config, codec, categorizer, encounterPartitions, observer, new PublishedState());
    }

    /**
     * @param encounterPartitions partitions of the encounters topic: the claims repartition topic gets
     *     as many, so that a claim meets its encounter in the same task
     * @param published where each task hands its state at every commit, for {@code /metrics}
     */
    public static Topology buildTopology(PipelineConfig config, EventCodec codec, DenialCategorizer categorizer,
                                         int encounterPartitions, EventObserver observer, PublishedState published) {
        TopologySettings settings = TopologySettings.from(config);
        StreamsBuilder builder = new StreamsBuilder();
        Serde<byte[]> bytes = Serdes.ByteArray();

        builder.addStateStore(BufferedStores.counters(KPI_STORE, published).withLoggingEnabled(Map.of()));
        builder.addStateStore(BufferedStores.records(ENCOUNTER_STORE, ENCOUNTER_CODEC, RECENT_ENCOUNTERS).withLoggingEnabled(Map.of()));
        builder.addStateStore(BufferedStores.counters(REJECTS_STORE, published).withLoggingEnabled(Map.of()));

        // claims partitioned by claim_id (the default): the router re-keys them by encounter_id for the one repartition
        // of the hot path; partitioned by encounter (claims.partitioned.by=encounter_id), the KPI tasks read them in place
        // (values: a record's bytes, or, from a router in the KPI task, a ClaimRouter.Routed claim already decoded)
        boolean inPlace = config.claimsPartitionedByEncounter();
        KStream<byte[], Object> claims = builder
                .stream(config.claimsTopic(), Consumed.with(bytes, bytes).withName("claims-source"))
                .process(() -> new ClaimRouter(codec, encounterPartitions, inPlace), Named.as("claims-router"));
        if (!inPlace) {
            claims = CodingKpiTopology.<Object>valuesAs(CodingKpiTopology.<byte[]>valuesAs(claims).repartition(Repartitioned.<byte[], byte[]>as(CLAIMS_REPARTITION)
                    .withKeySerde(bytes).withValueSerde(bytes).withNumberOfPartitions(encounterPartitions)));
        }
        KStream<byte[], byte[]> encounters = builder.stream(config.encountersTopic(), Consumed.with(bytes, bytes).withName("encounters-source"));
        KStream<byte[], byte[]> suggestions = builder.stream(config.aiTopic(), Consumed.with(bytes, bytes).withName("ai-suggestions-source"));
        KStream<byte[], Object> kpiOut = CodingKpiTopology.<Object>valuesAs(encounters.merge(suggestions, Named.as("merge-encounters-ai")))
                .merge(claims, Named.as("merge-claims"))
                .process(() -> new KpiProcessor(codec, categorizer, settings, observer, published), Named.as("kpi-processor"),
                        KPI_STORE, ENCOUNTER_STORE);
        // the KPI processor forwards by child name: accepted events to the compliance processor, ROI month sums to the ROI topic
        org.codingkpi.compliance.ComplianceTopology.attach(builder, CodingKpiTopology.<org.apache.avro.specific.SpecificRecord>valuesAs(kpiOut),
                config, codec, encounterPartitions, KPI_STORE);
        CodingKpiTopology.<byte[]>valuesAs(kpiOut).to(config.roiTopic(), Produced.with(bytes, bytes).withName(ROI_SINK));

        // every instance reads every task's month sums back: one ROI for the whole pipeline (ROI.md version 2)
        builder.addGlobalStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(ROI_GLOBAL_STORE), Serdes.String(), bytes)
                        .withLoggingDisabled(),
                config.roiTopic(), Consumed.with(bytes, bytes).withName("roi-global"),
                () -> new RoiGlobalProcessor(published));

        builder.stream(config.deadLetterTopic(), Consumed.with(bytes, bytes).withName("dead-letter-source"))
                .process(RejectCounter::new, Named.as("dead-letter-counter"), REJECTS_STORE);
        return builder.build();
    }
}
