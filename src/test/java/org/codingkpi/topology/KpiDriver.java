package org.codingkpi.topology;

import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.codingkpi.TestEvents;
import org.codingkpi.config.PipelineConfig;
import org.codingkpi.events.EventType;
import org.codingkpi.kpi.DenialCategorizer;
import org.codingkpi.metrics.Exposition;
import org.codingkpi.metrics.KpiCollector;
import org.codingkpi.metrics.KpiState;
import org.codingkpi.metrics.KpiTotals;
import org.codingkpi.serde.BundledSchemaRegistry;
import org.codingkpi.serde.EventCodec;
import org.codingkpi.metrics.PublishedKpiState;
import org.codingkpi.state.PublishedState;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The topology under TopologyTestDriver, with the exporter on top: pipe events in, read metrics out. */
public final class KpiDriver implements AutoCloseable {
    /** The driver's wall clock: far enough after the test events that none is "in the future". */
    public static final Instant WALL_CLOCK = TestEvents.T0.plusSeconds(86400L * 400);
    public final PipelineConfig config;
    public final EventCodec codec = new EventCodec(new BundledSchemaRegistry());
    public final TopologyTestDriver driver;
    private final Map<String, TestInputTopic<byte[], byte[]>> inputs = new HashMap<>();
    private final PublishedState published = new PublishedState();

    public KpiDriver() {
        this(Map.of());
    }

    public KpiDriver(Map<String, String> overrides) {
        this(overrides, 1);
    }

    /**
     * @param encounterPartitions the partitions the topology is built for: the driver runs one task
     *     (partition 0), so with more than one a claim whose encounter hashes elsewhere takes the claims
     *     repartition topic, which the driver feeds back to the same task
     */
    public KpiDriver(Map<String, String> overrides, int encounterPartitions) {
        Map<String, String> o = new HashMap<>(overrides);
        o.putIfAbsent(PipelineConfig.APPLICATION_ID, "kpi-test");
        o.putIfAbsent(PipelineConfig.BOOTSTRAP_SERVERS, "unused:9092");
        // a state directory of its own: concurrent builds on one machine would share /tmp/kafka-streams/kpi-test
        try {
            o.putIfAbsent(org.apache.kafka.streams.StreamsConfig.STATE_DIR_CONFIG, java.nio.file.Files.createTempDirectory("kpi-driver-").toString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        config = PipelineConfig.of(o);
        driver = new TopologyTestDriver(
                CodingKpiTopology.buildTopology(config, codec, DenialCategorizer.defaults(), encounterPartitions, EventObserver.NONE, published),
                config.streamsProperties(), WALL_CLOCK);
        for (String topic : List.of(config.encountersTopic(), config.aiTopic(), config.claimsTopic(), config.deadLetterTopic())) {
            inputs.put(topic, driver.createInputTopic(topic, new ByteArraySerializer(), new ByteArraySerializer()));
        }
    }

    public String topicOf(SpecificRecord e) {
        return switch (EventType.of(e)) {
            case EncounterDischarged, EncounterCoded, CodingAudited -> config.encountersTopic();
            case AiSuggestionReviewed -> config.aiTopic();
            case ClaimDenied, ClaimPaid, ClaimSubmitted, ClaimReversed -> config.claimsTopic();
        };
    }

    public KpiDriver pipe(SpecificRecord... events) {
        for (SpecificRecord e : events) {
            String topic = topicOf(e);
            String key = EventType.key(e);
            Instant ts = (Instant) e.get(1);
            inputs.get(topic).pipeInput(new TestRecord<>(key.getBytes(StandardCharsets.UTF_8), codec.encode(topic, e), new RecordHeaders(), ts));
        }
        return this;
    }

    public KpiDriver pipeRaw(String topic, byte[] value) {
        inputs.get(topic).pipeInput(new TestRecord<>("k".getBytes(StandardCharsets.UTF_8), value, new RecordHeaders(), TestEvents.T0));
        return this;
    }

    /** The dead-letter records emitted so far; the driver feeds them back to the reject counter. */
    public List<TestRecord<byte[], byte[]>> drainDeadLetters() {
        TestOutputTopic<byte[], byte[]> out = driver.createOutputTopic(config.deadLetterTopic(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TestRecord<byte[], byte[]>> records = out.readRecordsToList();
        return records;
    }

    /** The state as /metrics reads it: what the tasks published at their last commit (the driver commits after each record). */
    public KpiTotals totals() {
        return KpiTotals.read(new PublishedKpiState(published, TopologySettings.from(config).engine()).read().state(),
                TopologySettings.from(config).engine().labelCaps());
    }

    public String scrapeText() {
        return Exposition.text(new MetricSnapshots(KpiCollector.snapshots(totals())));
    }

    public Map<String, Double> scrape() {
        return Exposition.samples(scrapeText());
    }

    /**
     * Sum of the samples of a series name whose labels include all the given {@code label="value"}
     * matchers, e.g. {@code value("coding_claims_denied_total", "category=\"coding\"")}.
     */
    public double value(String name, String... matchers) {
        double sum = 0;
        for (Map.Entry<String, Double> e : scrape().entrySet()) {
            String k = e.getKey();
            if (!(k.equals(name) || k.startsWith(name + "{"))) {
                continue;
            }
            boolean all = true;
            for (String m : matchers) {
                all &= k.contains(m);
            }
            if (all) {
                sum += e.getValue();
            }
        }
        return sum;
    }

    @Override
    public void close() {
        driver.close();
    }
}
