package org.codingkpi.it;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.codingkpi.TestEvents;
import org.codingkpi.app.Importer;
import org.codingkpi.app.Pipeline;
import org.codingkpi.app.Replay;
import org.codingkpi.app.Topics;
import org.codingkpi.broker.EmbeddedKafka;
import org.codingkpi.config.PipelineConfig;
import org.codingkpi.events.EncounterDischarged;
import org.codingkpi.events.EventType;
import org.codingkpi.events.Setting;
import org.codingkpi.serde.BundledSchemaRegistry;
import org.codingkpi.serde.EventCodec;
import org.codingkpi.simulator.SimulatorConfig;
import org.codingkpi.kpi.DenialCategorizer;
import org.codingkpi.topology.CodingKpiTopology;
import org.codingkpi.topology.EventObserver;
import org.codingkpi.kpi.EncounterRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * State bounded by retention: a 14-month messy history (with a trickle of discharges that are never
 * coded) through the pipeline with short retentions, the entries of the duplicate-detection,
 * attribution, claim, pending-claims and DNFC stores counted through interactive queries at eight
 * points. Once the history is longer than the retentions (and a claim's life), every store stops
 * growing while the events keep coming, and the counters are still exactly the reference's.
 */
@Tag("integration")
class BoundedStateIT {
    private static final int PARTITIONS = 2;
    private static final int CHECKPOINTS = 8;
    /** Records sent ahead of the processing: about four days of this history. */
    private static final int LIVE_BATCH = 1000;
    private static final Duration DNFC_RETENTION = Duration.ofDays(30);

    @TempDir
    Path dir;

    @Test
    void storesStopGrowingOnALongHistoryWhileTheCountersStayExact() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            PipelineConfig config = PipelineConfig.of(Map.of(
                    PipelineConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                    PipelineConfig.APPLICATION_ID, "bounded-it",
                    PipelineConfig.METRICS_PORT, "0",
                    PipelineConfig.METRICS_BIND, "127.0.0.1",
                    StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state").toString(),
                    StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "500",
                    // duplicates come within days; a claim's first event up to ~70 days after its coding and its
                    // events up to 60 days apart in the simulated remittance feed: retentions just above those
                    // (measured in stream time, which a backlog on one feed lets run ahead: see docs/operations.md)
                    PipelineConfig.DEDUPE_RETENTION, "7d",
                    PipelineConfig.ATTRIBUTION_RETENTION, "90d",
                    PipelineConfig.DNFC_RETENTION, DNFC_RETENTION.toDays() + "d"));
            kafka.createTopics(Topics.all(config), PARTITIONS);
            EventCodec codec = new EventCodec(new BundledSchemaRegistry());
            SimulatorConfig simulation = SimulatorConfig.builder().seed(31).start(Instant.parse("2025-06-01T00:00:00Z")).days(420)
                    .encountersPerDay(40).messy().build();
            SimulatedFeed feed = SimulatedFeed.of(simulation, config, codec);
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
            List<SpecificRecord> valid = new ArrayList<>();
            withNeverCodedDischarges(feed, simulation, config, codec, records, valid);
            Map<String, Double> expected = GroundTruth.of(valid, feed.rejects, PARTITIONS, config.attributionMaxWait().toMillis(),
                    DNFC_RETENTION.toMillis());

            // the per-key state of the KPI processor (the counters are bounded by the label caps; the compliance
            // outbox is emptied at every clock tick)
            assertThat(boundedStores(config, codec)).as("stores of the KPI tasks").contains(CodingKpiTopology.ENCOUNTER_STORE);
            Set<String> bounded = Set.of(CodingKpiTopology.ENCOUNTER_STORE);
            Map<String, List<Long>> sizes = new LinkedHashMap<>();
            List<String> days = new ArrayList<>();
            try (Pipeline pipeline = Pipeline.start(config, codec, List.of());
                 Producer<byte[], byte[]> producer = Importer.producer(config)) {
                int chunk = (records.size() + CHECKPOINTS - 1) / CHECKPOINTS;
                for (int c = 0; c < CHECKPOINTS; c++) {
                    int end = Math.min(records.size(), (c + 1) * chunk);
                    // as the live feeds arrive: a few days of history ahead of the processing at most
                    for (int i = c * chunk; i < end; i += LIVE_BATCH) {
                        records.subList(i, Math.min(end, i + LIVE_BATCH)).forEach(producer::send);
                        producer.flush();
                        awaitProcessed(pipeline, Math.max(0, Math.min(end, i + LIVE_BATCH) - LIVE_BATCH));
                    }
                    awaitProcessed(pipeline, end);
                    storeSizes(config, bounded).forEach((store, n) -> sizes.computeIfAbsent(store, s -> new ArrayList<>()).add(n));
                    long streamTime = (long) Scrape.of(pipeline.metricsPort()).sum("coding_stream_time_seconds");
                    days.add(Duration.between(simulation.start(), Instant.ofEpochSecond(streamTime)).toDays() + "d");
                }
                Replay.sendEndMarkers(producer, config, PARTITIONS);
                await("every coding_* sample equals the reference").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                        .untilAsserted(() -> assertThat(GroundTruth.differences(expected, Scrape.of(pipeline.metricsPort()).kpiSamples())).isEmpty());
            }

            System.out.printf("bounded state: entries per store at stream days %s of %,d records%n", days, records.size());
            sizes.forEach((store, n) -> System.out.printf("bounded state:   %-30s %s%n", store, n));
            // from the middle of the history on (past the longest retention and a claim's life) no store grows: the
            // largest count of the second half stays within the largest of the first half (counts swing with the
            // weekly rhythm of the feeds and the hourly purges, so single checkpoints are not compared)
            int middle = CHECKPOINTS / 2;
            sizes.forEach((store, n) -> {
                long firstHalf = n.subList(0, middle).stream().mapToLong(Long::longValue).max().orElseThrow();
                long secondHalf = n.subList(middle, CHECKPOINTS).stream().mapToLong(Long::longValue).max().orElseThrow();
                assertThat(firstHalf).as("%s holds entries in the first half", store).isPositive();
                assertThat((double) secondHalf).as("%s: largest count of the second half vs the first %s", store, n)
                        .isLessThanOrEqualTo(1.35 * firstHalf + 10);
            });
            long accepted = (long) expected.entrySet().stream().filter(e -> e.getKey().startsWith("coding_events_total{")).mapToDouble(Map.Entry::getValue).sum();
            long dedupe = sizes.get(SEEN_IDS).get(CHECKPOINTS - 1);
            // an event id is remembered in its encounter's record: it counts as absent once dedupe.retention
            // passed, and its space goes when the record is next written or deleted (attribution.retention,
            // 90 days here, after the encounter's last event), so about the last retention's worth stays
            assertThat(dedupe).as("event ids remembered at the end, of %,d accepted", accepted).isLessThan(accepted / 3);
        }
    }

    /**
     * The feed's records, in order, with three discharges a day that are never coded (a backlog the
     * DNFC retention must drain), each placed among the records by its time.
     */
    private static void withNeverCodedDischarges(SimulatedFeed feed, SimulatorConfig simulation, PipelineConfig config, EventCodec codec,
                                                 List<ProducerRecord<byte[], byte[]>> records, List<SpecificRecord> valid) {
        Random random = new Random(31);
        List<EncounterDischarged> orphans = new ArrayList<>();
        for (int d = 0; d < simulation.days(); d++) {
            for (int k = 0; k < 3; k++) {
                Instant at = simulation.start().plus(Duration.ofDays(d)).plusSeconds(random.nextInt(86_400));
                orphans.add(TestEvents.discharged(new UUID(random.nextLong(), random.nextLong()).toString(), at)
                        .setEventId(new UUID(random.nextLong(), random.nextLong()).toString())
                        .setSetting(Setting.values()[random.nextInt(3)]).setExpectedChargeCents(10_000 + random.nextInt(1_000_000)).build());
            }
        }
        orphans.sort((x, y) -> x.getOccurredAt().compareTo(y.getOccurredAt()));
        long now = System.currentTimeMillis();
        int next = 0;
        for (int i = 0; i < feed.records.size(); i++) {
            ProducerRecord<byte[], byte[]> r = feed.records.get(i);
            SpecificRecord event = feed.eventOfRecord.get(i);
            // placed by the event times of valid records (an invalid one may carry any time, e.g. a century ahead)
            while (next < orphans.size() && event != null && orphans.get(next).getOccurredAt().toEpochMilli() <= EventType.occurredAtMs(event)) {
                EncounterDischarged o = orphans.get(next++);
                records.add(SimulatedFeed.record(o, config, codec, now));
                valid.add(o);
            }
            records.add(r);
            if (event != null) {
                valid.add(event);
            }
        }
        assertThat(next).as("never-coded discharges placed").isGreaterThan(orphans.size() * 9 / 10);
    }

    private static void awaitProcessed(Pipeline pipeline, long records) {
        await("accepted + duplicates + dead-lettered reaches " + records).atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    assertThat(pipeline.failed()).as("pipeline failed").isFalse();
                    Scrape s = Scrape.orNull(pipeline.metricsPort());
                    return s != null && s.processed() >= records;
                });
    }

    /** Pseudo-store name under which the test records the event ids remembered for duplicates. */
    private static final String SEEN_IDS = "seen-event-ids";

    /**
     * Live entries of every watched store, over all tasks, counted from its changelog topic (the
     * latest committed value of each key, tombstones removed); for the encounter store also the
     * event ids its records remember for duplicate detection.
     */
    private static Map<String, Long> storeSizes(PipelineConfig config, Set<String> stores) {
        Map<String, Long> out = new TreeMap<>();
        for (String store : stores) {
            Map<String, byte[]> live = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : TopicReader.readToEnd(config,
                    config.get(PipelineConfig.APPLICATION_ID) + "-" + store + "-changelog")) {
                String key = new String(r.key(), StandardCharsets.UTF_8);
                if (r.value() == null) {
                    live.remove(key);
                } else {
                    live.put(key, r.value());
                }
            }
            out.put(store, (long) live.size());
            if (store.equals(CodingKpiTopology.ENCOUNTER_STORE)) {
                out.put(SEEN_IDS, live.values().stream().mapToLong(v -> EncounterRecord.decode(v).seen.size()).sum());
            }
        }
        return out;
    }

    /** The stores the test watches: every store of the KPI processor's sub-topology but the KPI series. */
    private static Set<String> boundedStores(PipelineConfig config, EventCodec codec) {
        Set<String> out = new TreeSet<>();
        for (TopologyDescription.Subtopology s : CodingKpiTopology.buildTopology(config, codec, DenialCategorizer.defaults(), PARTITIONS,
                EventObserver.NONE).describe().subtopologies()) {
            for (TopologyDescription.Node n : s.nodes()) {
                if (n instanceof TopologyDescription.Processor p && p.stores().contains(CodingKpiTopology.KPI_STORE)) {
                    out.addAll(p.stores());
                }
            }
        }
        out.remove(CodingKpiTopology.KPI_STORE);
        return out;
    }
}
