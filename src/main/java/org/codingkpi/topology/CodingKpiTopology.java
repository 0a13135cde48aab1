package org.codingkpi.topology;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;
import org.codingkpi.config.PipelineConfig;
import org.codingkpi.kpi.DenialCategorizer;
import org.codingkpi.serde.EventCodec;

import java.time.Duration;

/**
 * The pipeline's topology, a pure function of its configuration. Two sub-topologies and one
 * repartition on the hot path:
 *
 * <pre>
 *  claims ──► claims-router (decode, validate, key by encounter_id) ──► claims-by-encounter (repartition)
 *                                                                              │
 *  encounters ─────┐                                                           │
 *  ai-suggestions ─┴──────────────► kpi-processor ◄────────────────────────────┘
 *                                   stores: kpi, dedupe, attribution, claim, pending-claims, dnfc
 *  dead-letter ───► dead-letter-counter (store: rejects)
 * </pre>
 *
 * Invalid records are thrown to {@link DeadLetterHandler} (KIP-1033/1034) before they touch state.
 * Every store and internal topic is named; {@code ensure.explicit.internal.resource.naming} is on.
 */
public final class CodingKpiTopology {
    public static final String KPI_STORE = "kpi-store";
    /** One dedupe store per input feed, so each topic's duplicates are remembered on its own stream time. */
    public static String dedupeStore(String feed) {
        return "dedupe-" + feed + "-store";
    }
    public static final String ATTRIBUTION_STORE = "attribution-store";
    public static final String CLAIM_STORE = "claim-store";
    public static final String PENDING_STORE = "pending-claims-store";
    public static final String DNFC_STORE = "dnfc-store";
    public static final String REJECTS_STORE = "rejects-store";
    public static final String EXPIRY_INDEX_STORE = "expiry-index-store";
    public static final String CLAIMS_REPARTITION = "claims-by-encounter";

    private CodingKpiTopology() {
    }

    /**
     * @param encounterPartitions partitions of the encounters topic: the claims repartition topic gets
     *     as many, so that a claim meets its encounter in the same task
     */
    public static Topology buildTopology(PipelineConfig config, EventCodec codec, DenialCategorizer categorizer,
                                         int encounterPartitions, EventObserver observer) {
        TopologySettings settings = TopologySettings.from(config);
        StreamsBuilder builder = new StreamsBuilder();
        Serde<byte[]> bytes = Serdes.ByteArray();

        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(KPI_STORE), Serdes.String(), StateSerdes.doubles())
                .withCachingEnabled().withLoggingEnabled(java.util.Map.of()));
        java.util.Set<String> feeds = new java.util.TreeSet<>();
        for (org.codingkpi.events.EventType t : org.codingkpi.events.EventType.values()) {
            feeds.add(t.defaultTopic());
        }
        for (String feed : feeds) {
            builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(dedupeStore(feed)), Serdes.String(), Serdes.Long())
                    .withCachingDisabled().withLoggingEnabled(java.util.Map.of()));
        }
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ATTRIBUTION_STORE), Serdes.String(), StateSerdes.attribution())
                .withCachingDisabled().withLoggingEnabled(java.util.Map.of()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CLAIM_STORE), Serdes.String(), StateSerdes.claimState())
                .withCachingDisabled().withLoggingEnabled(java.util.Map.of()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(EXPIRY_INDEX_STORE), Serdes.String(), bytes)
                .withCachingDisabled().withLoggingEnabled(java.util.Map.of()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PENDING_STORE), Serdes.String(), StateSerdes.pendingClaims())
                .withLoggingEnabled(java.util.Map.of()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DNFC_STORE), Serdes.String(), StateSerdes.dnfc())
                .withLoggingEnabled(java.util.Map.of()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(REJECTS_STORE), Serdes.String(), StateSerdes.doubles())
                .withCachingEnabled().withLoggingEnabled(java.util.Map.of()));

        KStream<byte[], byte[]> claimsByEncounter = builder
                .stream(config.claimsTopic(), Consumed.with(bytes, bytes).withName("claims-source"))
                .process(() -> new ClaimRouter(codec), Named.as("claims-router"))
                .repartition(Repartitioned.<byte[], byte[]>as(CLAIMS_REPARTITION)
                        .withKeySerde(bytes).withValueSerde(bytes).withNumberOfPartitions(encounterPartitions));
        KStream<byte[], byte[]> encounters = builder.stream(config.encountersTopic(), Consumed.with(bytes, bytes).withName("encounters-source"));
        KStream<byte[], byte[]> suggestions = builder.stream(config.aiTopic(), Consumed.with(bytes, bytes).withName("ai-suggestions-source"));
        KStream<byte[], org.apache.avro.specific.SpecificRecord> accepted = encounters
                .merge(suggestions, Named.as("merge-encounters-ai"))
                .merge(claimsByEncounter, Named.as("merge-claims"))
                .process(() -> new KpiProcessor(codec, categorizer, settings, observer), Named.as("kpi-processor"),
                        java.util.stream.Stream.concat(java.util.stream.Stream.of(KPI_STORE, ATTRIBUTION_STORE, CLAIM_STORE, PENDING_STORE, DNFC_STORE, EXPIRY_INDEX_STORE),
                                feeds.stream().map(CodingKpiTopology::dedupeStore)).toArray(String[]::new));
        org.codingkpi.compliance.ComplianceTopology.attach(builder, accepted, config, codec, encounterPartitions);

        builder.stream(config.deadLetterTopic(), Consumed.with(bytes, bytes).withName("dead-letter-source"))
                .process(() -> new RejectCounter(observer), Named.as("dead-letter-counter"), REJECTS_STORE);
        return builder.build();
    }
}
