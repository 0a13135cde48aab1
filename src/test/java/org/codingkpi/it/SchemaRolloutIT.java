package org.codingkpi.it;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.codingkpi.app.Pipeline;
import org.codingkpi.app.Topics;
import org.codingkpi.broker.EmbeddedKafka;
import org.codingkpi.config.PipelineConfig;
import org.codingkpi.events.AuditVerdict;
import org.codingkpi.events.ClaimFrequency;
import org.codingkpi.events.CodingMode;
import org.codingkpi.events.Decision;
import org.codingkpi.events.EventType;
import org.codingkpi.serde.EventCodec;
import org.codingkpi.serde.RestSchemaRegistry;
import org.codingkpi.serde.SchemaRegistries;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.codingkpi.TestEvents.audited;
import static org.codingkpi.TestEvents.coded;
import static org.codingkpi.TestEvents.discharged;
import static org.codingkpi.TestEvents.paid;
import static org.codingkpi.TestEvents.reviewed;
import static org.codingkpi.TestEvents.submitted;

/**
 * Issue 11 item 1, the rollout of docs/schema-registry.md on a running pipeline: a real broker, the
 * real Apicurio registry at BACKWARD, and one pipeline that is never restarted.
 * <ol>
 *   <li>Version 1 is registered (the schemas kept in test resources, as version-1 producers
 *       registered them) and version-1 producers write; the pipeline counts their AI codes under
 *       {@code model_version="unknown"}, the contract's value for a coding without one.</li>
 *   <li>The encounter system switches to version 2 on the same topic (EncounterCoded with
 *       {@code model_version}, the new CodingAudited type, registered by the producer itself and so
 *       checked by the registry), while the billing system still writes version 1; QA audits a
 *       revision coded in the version-1 era too.</li>
 *   <li>The billing system switches as well (ClaimSubmitted, ClaimPaid with adjustments).</li>
 * </ol>
 * After each step the pipeline is running, has dead-lettered nothing, and has counted every record
 * by type; version-1 codings stay under {@code unknown}, version-2 codings under their model.
 */
@Tag("integration")
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class SchemaRolloutIT {
    private static final Instant T0 = Instant.parse("2026-03-02T08:00:00Z");
    private static final String MODEL = "coder-llm-2.0";
    /** The version-1 schema files, dependencies first. */
    private static final List<String> V1_FILES = List.of("Setting", "CodingMode", "CodeSystem", "CodeSource", "Decision",
            "AdjustmentGroup", "CodeEntry", "Adjustment", "EncounterDischarged", "EncounterCoded", "AiSuggestionReviewed",
            "ClaimDenied", "ClaimPaid");
    private static final List<EventType> V1_TYPES = List.of(EventType.EncounterDischarged, EventType.EncounterCoded,
            EventType.AiSuggestionReviewed, EventType.ClaimDenied, EventType.ClaimPaid);
    private static final int ENCOUNTERS_PER_STEP = 12;

    @TempDir
    Path dir;

    private final Map<EventType, Long> sent = new EnumMap<>(EventType.class);

    @Test
    void aRunningPipelineKeepsCountingWhileProducersSwitchFromVersion1ToVersion2OnTheSameTopics() throws Exception {
        Map<EventType, Schema> v1 = version1Schemas();
        try (ApicurioRegistry apicurio = ApicurioRegistry.start(); EmbeddedKafka kafka = EmbeddedKafka.start()) {
            PipelineConfig config = config(kafka, apicurio);
            kafka.createTopics(Topics.all(config), 2);
            RestSchemaRegistry registry = RestSchemaRegistry.builder(apicurio.ccompatUrl()).build();
            // version 1, registered before anything else, under BACKWARD
            Map<EventType, Integer> v1Ids = new EnumMap<>(EventType.class);
            for (EventType type : V1_TYPES) {
                String subject = subject(config, type);
                registry.setCompatibility(subject, "BACKWARD");
                v1Ids.put(type, registry.register(subject, v1.get(type)));
            }

            try (Pipeline pipeline = Pipeline.start(config, SchemaRegistries.codec(config), List.of());
                 Producer<byte[], byte[]> producer = producer(config)) {
                // 1. version-1 producers only
                List<String> v1Era = new ArrayList<>();
                for (int i = 0; i < ENCOUNTERS_PER_STEP; i++) {
                    String enc = "E-V1-" + i;
                    v1Era.add(enc);
                    for (SpecificRecord e : encounter(enc, i, null)) {
                        sendV1(producer, config, e, v1.get(EventType.of(e)), v1Ids.get(EventType.of(e)));
                    }
                    sendV1(producer, config, claimPaid(enc, i, false), v1.get(EventType.ClaimPaid), v1Ids.get(EventType.ClaimPaid));
                }
                producer.flush();
                Scrape first = awaitCounted(pipeline, "the version-1 records");
                assertThat(aiCodesByModel(first)).isEqualTo(Map.of("unknown", 2.0 * ENCOUNTERS_PER_STEP));

                // 2. the encounter system switches to version 2; the billing system still writes version 1
                for (EventType type : EventType.values()) {
                    assertThat(registry.isCompatible(subject(config, type), type.schema()))
                            .as("version 2 of %s passes the registry's BACKWARD check", type).isTrue();
                }
                EventCodec v2Codec = SchemaRegistries.codec(config); // registers the version-2 schemas as it sends
                for (int i = 0; i < ENCOUNTERS_PER_STEP; i++) {
                    String enc = "E-V2-" + i;
                    for (SpecificRecord e : encounter(enc, ENCOUNTERS_PER_STEP + i, MODEL)) {
                        send(producer, config, v2Codec, e);
                    }
                    send(producer, config, v2Codec, audited(enc, at(ENCOUNTERS_PER_STEP + i, 9), 1, CodingMode.AI_ASSISTED,
                            AuditVerdict.ACCURATE, 0).setModelVersion(MODEL).build());
                    // QA audits a revision coded while everything was version 1
                    send(producer, config, v2Codec, audited(v1Era.get(i), at(ENCOUNTERS_PER_STEP + i, 10), 1, CodingMode.AI_ASSISTED,
                            AuditVerdict.MINOR_VARIANCE, 2_500).setModelVersion(null).build());
                    sendV1(producer, config, claimPaid(enc, ENCOUNTERS_PER_STEP + i, false), v1.get(EventType.ClaimPaid),
                            v1Ids.get(EventType.ClaimPaid));
                }
                producer.flush();
                Scrape second = awaitCounted(pipeline, "the version-2 encounter records beside version-1 claims");
                assertThat(aiCodesByModel(second)).isEqualTo(Map.of("unknown", 2.0 * ENCOUNTERS_PER_STEP, MODEL, 2.0 * ENCOUNTERS_PER_STEP));
                assertThat(second.sum("coding_qa_audits_total")).isEqualTo(2.0 * ENCOUNTERS_PER_STEP);
                assertThat(registry.register(subject(config, EventType.EncounterCoded), EventType.EncounterCoded.schema()))
                        .as("the encounters topic holds EncounterCoded under two schema ids").isNotEqualTo(v1Ids.get(EventType.EncounterCoded));

                // 3. the billing system switches too
                for (int i = 0; i < ENCOUNTERS_PER_STEP; i++) {
                    String enc = "E-V3-" + i;
                    int day = 2 * ENCOUNTERS_PER_STEP + i;
                    for (SpecificRecord e : encounter(enc, day, MODEL)) {
                        send(producer, config, v2Codec, e);
                    }
                    send(producer, config, v2Codec, submitted(enc, "MEDICARE|" + enc, at(day, 6), ClaimFrequency.ORIGINAL).build());
                    send(producer, config, v2Codec, claimPaid(enc, day, true));
                }
                producer.flush();
                Scrape third = awaitCounted(pipeline, "the version-2 records of both systems");
                assertThat(aiCodesByModel(third)).isEqualTo(Map.of("unknown", 2.0 * ENCOUNTERS_PER_STEP, MODEL, 4.0 * ENCOUNTERS_PER_STEP));
                assertThat(third.sum("coding_claims_submitted_total")).isEqualTo(ENCOUNTERS_PER_STEP);
                assertThat(registry.register(subject(config, EventType.ClaimPaid), EventType.ClaimPaid.schema()))
                        .as("the claims topic holds ClaimPaid under two schema ids").isNotEqualTo(v1Ids.get(EventType.ClaimPaid));
                assertThat(third.sum("coding_claims_paid_dollars_total")).isEqualTo(3 * ENCOUNTERS_PER_STEP * 10_000.0);
                assertThat(pipeline.failed()).as(pipeline.failure()).isFalse();
            }
        }
    }

    /**
     * The other order, a producer upgraded before the pipeline (docs/schema-registry.md): a version-1
     * pipeline resolves each record's writer schema to its version-1 reader schema. A version-2
     * record of a version-1 type reads, its new fields dropped, unless a field that version 1
     * requires is null: a remittance without {@code submitted_at} cannot be read (the version-1
     * pipeline dead-letters it {@code undecodable}). The new types have no version-1 reader at all
     * ({@code unknown_schema}).
     */
    @Test
    void aVersion1PipelineReadsVersion2RecordsOfItsTypesExceptARemittanceWithoutSubmissionTime() throws IOException {
        Map<EventType, Schema> v1 = version1Schemas();
        SpecificRecord withTime = claimPaid("E-1", 1, true);
        GenericRecord read = asVersion1(withTime, v1.get(EventType.ClaimPaid));
        assertThat(read.get("paid_cents")).isEqualTo(1_000_000L);
        assertThat(read.getSchema().getField("adjustments")).isNull();

        org.codingkpi.events.ClaimPaid withoutTime = (org.codingkpi.events.ClaimPaid) claimPaid("E-2", 1, true);
        withoutTime.setSubmittedAt(null);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> asVersion1(withoutTime, v1.get(EventType.ClaimPaid)))
                .isInstanceOf(org.apache.avro.AvroTypeException.class);
        assertThat(v1).doesNotContainKeys(EventType.CodingAudited, EventType.ClaimSubmitted, EventType.ClaimReversed);
    }

    /** Waits until the pipeline has taken every record sent; then: running, nothing dead-lettered, every type counted. */
    private Scrape awaitCounted(Pipeline pipeline, String what) {
        long records = sent.values().stream().mapToLong(Long::longValue).sum();
        await(what + " processed (" + records + " records)").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    assertThat(pipeline.failed()).as("the pipeline failed: %s", pipeline.failure()).isFalse();
                    Scrape s = Scrape.orNull(pipeline.metricsPort());
                    return s != null && s.processed() >= records;
                });
        Scrape s = Scrape.orNull(pipeline.metricsPort());
        assertThat(pipeline.state()).isEqualTo(KafkaStreams.State.RUNNING);
        assertThat(s.sum("coding_events_rejected_total")).as("dead-lettered").isZero();
        assertThat(s.sum("coding_events_duplicate_total")).as("duplicates").isZero();
        Map<String, Double> byType = new TreeMap<>();
        Map<String, Double> expected = new TreeMap<>();
        sent.forEach((type, n) -> {
            expected.put(type.name(), n.doubleValue());
            byType.put(type.name(), s.samples().getOrDefault("coding_events_total{type=\"" + type.name() + "\"}", 0.0));
        });
        assertThat(byType).as("accepted by type").isEqualTo(expected);
        return s;
    }

    /** Codes of AI-assisted revision-1 codings by their model_version label. */
    private static Map<String, Double> aiCodesByModel(Scrape s) {
        Map<String, Double> out = new TreeMap<>();
        s.samples().forEach((k, v) -> {
            if (Scrape.name(k).equals("coding_ai_assisted_codes_total") && v > 0) {
                out.merge(Scrape.label(k, "model_version"), v, Double::sum);
            }
        });
        return out;
    }

    /** Discharge, an accepted AI suggestion, and the AI-assisted coding (one code the AI suggested, one added by hand). */
    private static List<SpecificRecord> encounter(String enc, int day, String model) {
        return List.of(discharged(enc, at(day, 0)).build(),
                reviewed(enc, at(day, 2), Decision.ACCEPTED).setModelVersion(model == null ? "coder-llm-1.4" : model).build(),
                coded(enc, at(day, 0), at(day, 3), 1, CodingMode.AI_ASSISTED).setModelVersion(model).build());
    }

    private static SpecificRecord claimPaid(String enc, int day, boolean version2) {
        var b = paid(enc, "MEDICARE|" + enc, at(day, 6), at(day + 20, 0));
        if (version2) {
            b.setAdjustments(List.of(org.codingkpi.TestEvents.adj(org.codingkpi.events.AdjustmentGroup.CO, "45")))
                    .setRemarkCodes(List.of("N381"));
        }
        return b.build();
    }

    private static Instant at(int day, int hour) {
        return T0.plus(Duration.ofDays(day)).plus(Duration.ofHours(hour));
    }

    /** A version-2 producer: the pipeline's codec, which registers (and so has the registry check) each schema it sends. */
    private void send(Producer<byte[], byte[]> producer, PipelineConfig config, EventCodec codec, SpecificRecord e) {
        String topic = Topics.of(EventType.of(e), config);
        producer.send(record(topic, e, codec.encode(topic, e)));
        sent.merge(EventType.of(e), 1L, Long::sum);
    }

    /** A version-1 producer: the event written with its version-1 schema (as a version-1 producer has it) under that schema's id. */
    private void sendV1(Producer<byte[], byte[]> producer, PipelineConfig config, SpecificRecord e, Schema v1, int id) throws IOException {
        GenericRecord asV1 = asVersion1(e, v1);
        if (e instanceof org.codingkpi.events.EncounterCoded) {
            assertThat(asV1.getSchema().getField("model_version")).as("version 1 of EncounterCoded").isNull();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(EventCodec.MAGIC_BYTE);
        out.write(ByteBuffer.allocate(4).putInt(id).array());
        BinaryEncoder w = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(v1).write(asV1, w);
        w.flush();
        producer.send(record(Topics.of(EventType.of(e), config), e, out.toByteArray()));
        sent.merge(EventType.of(e), 1L, Long::sum);
    }

    /** The event written with its version-2 schema and read with a version-1 reader schema, as a version-1 consumer resolves it. */
    private static GenericRecord asVersion1(SpecificRecord e, Schema v1) throws IOException {
        ByteArrayOutputStream v2 = new ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(v2, null);
        new SpecificDatumWriter<SpecificRecord>(e.getSchema()).write(e, enc);
        enc.flush();
        return new GenericDatumReader<GenericRecord>(e.getSchema(), v1).read(null, DecoderFactory.get().binaryDecoder(v2.toByteArray(), null));
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, SpecificRecord e, byte[] value) {
        return new ProducerRecord<>(topic, null, EventType.occurredAtMs(e), EventType.key(e).getBytes(StandardCharsets.UTF_8), value);
    }

    private static String subject(PipelineConfig config, EventType type) {
        return Topics.of(type, config) + "-" + type.schema().getFullName();
    }

    private PipelineConfig config(EmbeddedKafka kafka, ApicurioRegistry apicurio) {
        Map<String, String> s = new HashMap<>();
        s.put(PipelineConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        s.put(PipelineConfig.APPLICATION_ID, "schema-rollout");
        s.put(PipelineConfig.METRICS_PORT, "0");
        s.put(PipelineConfig.METRICS_BIND, "127.0.0.1");
        s.put(PipelineConfig.SCHEMA_REGISTRY_URL, apicurio.ccompatUrl());
        s.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state").toString());
        s.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "500");
        return PipelineConfig.of(s);
    }

    private static Producer<byte[], byte[]> producer(PipelineConfig config) {
        Map<String, Object> p = new HashMap<>(config.clientProperties());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        // not idempotent, one request in flight (as ConfluentInteropIT, for the single embedded broker)
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static Map<EventType, Schema> version1Schemas() throws IOException {
        Schema.Parser parser = new Schema.Parser();
        Map<String, Schema> byName = new LinkedHashMap<>();
        for (String name : V1_FILES) {
            try (InputStream in = SchemaRolloutIT.class.getResourceAsStream("/schemas-v1/" + name + ".avsc")) {
                assertThat(in).as(name).isNotNull();
                byName.put(name, parser.parse(in));
            }
        }
        Map<EventType, Schema> out = new EnumMap<>(EventType.class);
        for (EventType t : V1_TYPES) {
            out.put(t, byName.get(t.name()));
        }
        return out;
    }
}
