package org.codingkpi.it;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.internals.ExceptionHandlerUtils;
import org.codingkpi.app.Importer;
import org.codingkpi.app.Pipeline;
import org.codingkpi.app.Topics;
import org.codingkpi.broker.EmbeddedKafka;
import org.codingkpi.config.PipelineConfig;
import org.codingkpi.events.AiSuggestionReviewed;
import org.codingkpi.events.ClaimDenied;
import org.codingkpi.events.ClaimPaid;
import org.codingkpi.events.EncounterCoded;
import org.codingkpi.events.EncounterDischarged;
import org.codingkpi.events.EventType;
import org.codingkpi.events.RejectReason;
import org.codingkpi.kpi.Series;
import org.codingkpi.metrics.KpiCollector;
import org.codingkpi.metrics.KpiTotals;
import org.codingkpi.serde.BundledSchemaRegistry;
import org.codingkpi.serde.EventCodec;
import org.codingkpi.simulator.SimulatorConfig;
import org.codingkpi.topology.DeadLetterHandler;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Conservation on a real broker: whatever arrives, every record read is accepted, a duplicate, or
 * in the dead-letter topic, with its original bytes and the reason. Random bytes, tombstones,
 * truncated and padded Avro, wrong magic bytes, unknown and foreign schema ids, records of one feed
 * on another's topic, writer schemas that lack a required field or carry an unknown enum symbol,
 * and every invalid-field rule of EVENTS.md, mixed into a messy simulated history (duplicates, late
 * deliveries, invalid JSON lines dead-lettered at import). Semantic rejects reuse the event_id of a
 * valid event and arrive before it, so a reject that registered its id would turn the valid event
 * into a duplicate. Then records with random bit flips (outcome unknown): conservation still holds.
 */
@Tag("integration")
class ConservationFuzzIT {
    private static final int PARTITIONS = 3;
    private static final long SEED = 20261127L;

    @TempDir
    Path dir;

    /** A record the test sends and the reason it must be dead-lettered with. */
    private record Case(ProducerRecord<byte[], byte[]> record, RejectReason reason) {
    }

    @Test
    void everyRecordIsAcceptedDuplicateOrDeadLetteredWithItsBytesAndReason() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            PipelineConfig config = PipelineConfig.of(Map.of(
                    PipelineConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                    PipelineConfig.APPLICATION_ID, "conservation-it",
                    PipelineConfig.METRICS_PORT, "0",
                    PipelineConfig.METRICS_BIND, "127.0.0.1",
                    StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state").toString(),
                    StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "200"));
            kafka.createTopics(Topics.all(config), PARTITIONS);
            BundledSchemaRegistry registry = new BundledSchemaRegistry();
            EventCodec codec = new EventCodec(registry);
            SimulatedFeed feed = SimulatedFeed.of(SimulatorConfig.builder().seed(SEED).days(40).encountersPerDay(60).messy().build(), config, codec);
            Fuzzer fuzzer = new Fuzzer(new Random(SEED), config, codec, registry);
            List<Case> cases = new ArrayList<>();
            List<ProducerRecord<byte[], byte[]>> sequence = fuzzer.interleave(feed, cases);
            Map<RejectReason, Long> expectedRejects = new EnumMap<>(feed.rejects);
            cases.forEach(c -> expectedRejects.merge(c.reason(), 1L, Long::sum));
            // x12_invalid is the X12 importer's (X12FuzzTest, ImporterX12Test): these are records on the topics
            assertThat(expectedRejects.keySet()).as("every reject reason of KPIS.md §2 is exercised")
                    .containsExactlyInAnyOrderElementsOf(java.util.EnumSet.complementOf(java.util.EnumSet.of(RejectReason.X12_INVALID)));

            try (Pipeline pipeline = Pipeline.start(config, codec, List.of());
                 Producer<byte[], byte[]> producer = Importer.producer(config)) {
                sequence.forEach(producer::send);
                producer.flush();
                awaitProcessed(pipeline, sequence.size());
                KpiTotals totals = pipeline.totals();

                assertThat(accepted(totals) + duplicates(totals) + rejected(totals)).as("accepted + duplicates + dead-lettered").isEqualTo(sequence.size());
                assertThat(rejectedByReason(totals)).as("dead-lettered by reason").isEqualTo(expectedRejects);
                Map<String, Double> expected = GroundTruth.of(feed.valid, expectedRejects, PARTITIONS, config.attributionMaxWait().toMillis());
                Map<String, Double> actual = org.codingkpi.metrics.Exposition.samples(org.codingkpi.metrics.Exposition.text(
                        new io.prometheus.metrics.model.snapshots.MetricSnapshots(KpiCollector.snapshots(totals))));
                assertThat(GroundTruth.differences(expected, actual)).as("KPIs of the valid events, untouched by the invalid ones").isEmpty();

                List<ConsumerRecord<byte[], byte[]>> deadLetters = TopicReader.readAll(config, config.deadLetterTopic(), (int) rejected(totals));
                List<String> expectedLetters = new ArrayList<>();
                feed.deadLetters.forEach(d -> expectedLetters.add(d.fingerprint()));
                cases.forEach(c -> expectedLetters.add(new SimulatedFeed.DeadLetter(c.reason(), c.record().value()).fingerprint()));
                assertThat(deadLetters.stream().map(ConservationFuzzIT::fingerprint).sorted().toList())
                        .as("dead-letter records: original bytes and reason").isEqualTo(expectedLetters.stream().sorted().toList());
                Set<String> inputs = Set.copyOf(Topics.inputs(config));
                for (ConsumerRecord<byte[], byte[]> d : deadLetters) {
                    if (d.headers().lastHeader(Importer.LINE_HEADER) != null) {
                        continue; // dead-lettered at import: a JSON line that never was a record
                    }
                    assertThat(header(d, ExceptionHandlerUtils.HEADER_ERRORS_EXCEPTION_NAME)).as("exception header").isNotNull();
                    assertThat(header(d, ExceptionHandlerUtils.HEADER_ERRORS_EXCEPTION_MESSAGE_NAME)).as("message header").startsWith(header(d, DeadLetterHandler.REASON_HEADER));
                    assertThat(inputs).as("source topic header").contains(header(d, ExceptionHandlerUtils.HEADER_ERRORS_TOPIC_NAME));
                    assertThat(header(d, ExceptionHandlerUtils.HEADER_ERRORS_OFFSET_NAME)).as("source offset header").isNotNull();
                }

                // any input: random bit flips, insertions and deletions in valid records; outcome unknown, conservation not
                List<ProducerRecord<byte[], byte[]>> mutants = fuzzer.mutants(feed, 600);
                mutants.forEach(producer::send);
                producer.flush();
                long total = sequence.size() + mutants.size();
                awaitProcessed(pipeline, total);
                KpiTotals after = pipeline.totals();
                assertThat(accepted(after) + duplicates(after) + rejected(after)).as("accepted + duplicates + dead-lettered after mutants").isEqualTo(total);
                assertThat(TopicReader.readAll(config, config.deadLetterTopic(), (int) rejected(after))).as("dead-letter topic holds every reject").hasSize((int) rejected(after));
                assertThat(pipeline.isRunning()).as("pipeline still running").isTrue();
                System.out.printf("conservation: %,d records (%,d fuzz cases, %,d mutants): %,d accepted, %,d duplicates, %,d dead-lettered %s%n",
                        total, cases.size(), mutants.size(), accepted(after), duplicates(after), rejected(after), rejectedByReason(after));
            }
        }
    }

    private static void awaitProcessed(Pipeline pipeline, long records) {
        await("accepted + duplicates + dead-lettered reaches " + records).atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    assertThat(pipeline.failed()).as("pipeline failed").isFalse();
                    KpiTotals t = pipeline.totals();
                    return accepted(t) + duplicates(t) + rejected(t) >= records;
                });
    }

    private static long accepted(KpiTotals t) {
        return (long) t.group(Series.EVENTS).values().stream().mapToDouble(v -> v[0]).sum();
    }

    private static long duplicates(KpiTotals t) {
        return (long) t.group(Series.EVENTS).values().stream().mapToDouble(v -> v[1]).sum();
    }

    private static long rejected(KpiTotals t) {
        return (long) t.group(Series.REJECTED).values().stream().mapToDouble(v -> v[0]).sum();
    }

    private static Map<RejectReason, Long> rejectedByReason(KpiTotals t) {
        Map<RejectReason, Long> out = new EnumMap<>(RejectReason.class);
        t.group(Series.REJECTED).forEach((labels, v) -> out.put(RejectReason.fromLabel(labels.get(0)), (long) v[0]));
        return out;
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static String fingerprint(ConsumerRecord<byte[], byte[]> r) {
        return new SimulatedFeed.DeadLetter(DeadLetterHandler.reasonOf(r.headers()), r.value()).fingerprint();
    }

    /** Builds invalid records of every kind, and random mutants. */
    private static final class Fuzzer {
        private final Random random;
        private final PipelineConfig config;
        private final EventCodec codec;
        private final long now = System.currentTimeMillis();
        private final int missingFieldId;
        private final Schema missingFieldSchema;
        private final int extraSymbolId;
        private final Schema extraSymbolSchema;
        private final int foreignId;

        Fuzzer(Random random, PipelineConfig config, EventCodec codec, BundledSchemaRegistry registry) {
            this.random = random;
            this.config = config;
            this.codec = codec;
            // writer schemas the registry knows but the contract does not allow
            Schema discharged = EncounterDischarged.getClassSchema();
            List<Schema.Field> withoutSetting = new ArrayList<>();
            List<Schema.Field> hospice = new ArrayList<>();
            for (Schema.Field f : discharged.getFields()) {
                if (!f.name().equals("setting")) {
                    withoutSetting.add(new Schema.Field(f, f.schema()));
                    hospice.add(new Schema.Field(f, f.schema()));
                } else {
                    List<String> symbols = new ArrayList<>(f.schema().getEnumSymbols());
                    symbols.add("HOSPICE");
                    hospice.add(new Schema.Field(f, Schema.createEnum("Setting", null, "org.codingkpi.events", symbols)));
                }
            }
            missingFieldSchema = Schema.createRecord(discharged.getName(), null, discharged.getNamespace(), false, withoutSetting);
            missingFieldId = registry.register("encounters-" + discharged.getFullName(), missingFieldSchema);
            extraSymbolSchema = Schema.createRecord(discharged.getName(), null, discharged.getNamespace(), false, hospice);
            extraSymbolId = registry.register("encounters-" + discharged.getFullName(), extraSymbolSchema);
            Schema admitted = Schema.createRecord("EncounterAdmitted", null, "org.codingkpi.events", false,
                    List.of(new Schema.Field("event_id", Schema.create(Schema.Type.STRING))));
            foreignId = registry.register("encounters-org.codingkpi.events.EncounterAdmitted", admitted);
        }

        /**
         * The feed's records with the fuzz cases mixed in: a case derived from a valid event comes
         * right before it (same event_id); the others at random places.
         */
        List<ProducerRecord<byte[], byte[]>> interleave(SimulatedFeed feed, List<Case> cases) {
            List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
            Set<String> derivedFrom = new HashSet<>();
            for (int i = 0; i < feed.records.size(); i++) {
                ProducerRecord<byte[], byte[]> r = feed.records.get(i);
                SpecificRecord e = feed.eventOfRecord.get(i);
                if (e != null && derivedFrom.add((String) e.get(0)) && random.nextInt(8) == 0) {
                    for (Case c : invalidVersionsOf(e)) {
                        cases.add(c);
                        out.add(c.record());
                    }
                }
                if (random.nextInt(40) == 0) {
                    Case c = garbage(feed.valid.get(random.nextInt(feed.valid.size())));
                    cases.add(c);
                    out.add(c.record());
                }
                out.add(r);
            }
            return out;
        }

        /** Every EVENTS.md rule an event of this type can break, each on a copy with the same event_id. */
        private List<Case> invalidVersionsOf(SpecificRecord e) {
            List<Case> out = new ArrayList<>();
            Instant later = Instant.ofEpochMilli(EventType.occurredAtMs(e) + 3_600_000L);
            Instant future = Instant.ofEpochMilli(now + Duration.ofDays(2).toMillis());
            out.add(semantic(e, RejectReason.FUTURE_EVENT, "occurred_at", future));
            out.add(semantic(e, RejectReason.MISSING_FIELD, pick("event_id", "facility_id", "encounter_id"), ""));
            if (e instanceof EncounterDischarged) {
                out.add(semantic(e, RejectReason.NEGATIVE_VALUE, "expected_charge_cents", -1L));
                out.add(wire(e, RejectReason.MISSING_FIELD, missingFieldId, missingFieldSchema, null));
                out.add(wire(e, RejectReason.INVALID_ENUM, extraSymbolId, extraSymbolSchema, "HOSPICE"));
            } else if (e instanceof EncounterCoded) {
                out.add(semantic(e, RejectReason.NEGATIVE_VALUE, pick("charge_cents", "coding_seconds"), -1L - random.nextInt(1000)));
                out.add(semantic(e, RejectReason.INVALID_REVISION, "revision", random.nextBoolean() ? 0 : -1));
                out.add(semantic(e, RejectReason.TIME_ORDER, "discharged_at", later));
            } else if (e instanceof AiSuggestionReviewed) {
                out.add(semantic(e, RejectReason.NEGATIVE_VALUE, "review_seconds", random.nextBoolean() ? -0.5 : Double.NaN));
                out.add(semantic(e, RejectReason.CONFIDENCE_RANGE, "confidence", new double[] {1.7, -0.2, Double.NaN}[random.nextInt(3)]));
            } else if (e instanceof ClaimDenied) {
                out.add(semantic(e, RejectReason.NEGATIVE_VALUE, pick("billed_cents", "denied_cents"), -100L));
                out.add(semantic(e, RejectReason.TIME_ORDER, "submitted_at", later));
            } else if (e instanceof ClaimPaid) {
                out.add(semantic(e, RejectReason.NEGATIVE_VALUE, pick("billed_cents", "paid_cents"), -100L));
                out.add(semantic(e, RejectReason.TIME_ORDER, "submitted_at", later));
            }
            return out;
        }

        private Case semantic(SpecificRecord e, RejectReason reason, String field, Object value) {
            SpecificRecordBase copy = (SpecificRecordBase) SpecificData.get().deepCopy(e.getSchema(), e);
            copy.put(field, value);
            return new Case(record(Topics.of(EventType.of(e), config), EventType.key(e), codec.encode(Topics.of(EventType.of(e), config), copy)), reason);
        }

        /** The event written with a writer schema the reader cannot resolve (a missing field, an unknown symbol). */
        private Case wire(SpecificRecord e, RejectReason reason, int schemaId, Schema writer, String setting) {
            GenericRecord g = new GenericData.Record(writer);
            for (Schema.Field f : writer.getFields()) {
                Object v = e.get(e.getSchema().getField(f.name()).pos());
                if (f.name().equals("setting")) {
                    v = new GenericData.EnumSymbol(f.schema(), setting);
                } else if (v instanceof Instant i) {
                    v = i.toEpochMilli();
                }
                g.put(f.name(), v);
            }
            return new Case(record(config.encountersTopic(), EventType.key(e), wireFormat(schemaId, writer, g)), reason);
        }

        /** A record that is not a valid event on its topic at all. */
        private Case garbage(SpecificRecord template) {
            String topic = Topics.inputs(config).get(random.nextInt(3));
            byte[] valid = codec.encode(Topics.of(EventType.of(template), config), template);
            String key = EventType.key(template);
            switch (random.nextInt(10)) {
                case 0: { // random bytes, never the wire-format magic byte first
                    byte[] b = new byte[random.nextInt(120)];
                    random.nextBytes(b);
                    if (b.length > 0 && b[0] == 0) {
                        b[0] = 1;
                    }
                    return new Case(record(topic, key, b), RejectReason.UNDECODABLE);
                }
                case 1: // a tombstone or an empty value
                    return new Case(record(topic, key, random.nextBoolean() ? null : new byte[0]), RejectReason.UNDECODABLE);
                case 2: // truncated Avro: every field takes at least one byte, so the body always ends early
                    return new Case(record(Topics.of(EventType.of(template), config), key, Arrays.copyOf(valid, random.nextInt(valid.length))),
                            RejectReason.UNDECODABLE);
                case 3: { // trailing bytes after a whole body
                    byte[] b = Arrays.copyOf(valid, valid.length + 1 + random.nextInt(8));
                    return new Case(record(Topics.of(EventType.of(template), config), key, b), RejectReason.UNDECODABLE);
                }
                case 4: { // wrong magic byte
                    byte[] b = valid.clone();
                    b[0] = (byte) (1 + random.nextInt(255));
                    return new Case(record(Topics.of(EventType.of(template), config), key, b), RejectReason.UNDECODABLE);
                }
                case 5: { // a schema id nobody registered
                    byte[] b = valid.clone();
                    ByteBuffer.wrap(b, 1, 4).putInt(1000 + random.nextInt(1_000_000));
                    return new Case(record(topic, key, b), RejectReason.UNKNOWN_SCHEMA);
                }
                case 6: { // a registered schema that is not one of the five events
                    GenericRecord g = new GenericData.Record(new Schema.Parser().parse(
                            "{\"type\":\"record\",\"name\":\"EncounterAdmitted\",\"namespace\":\"org.codingkpi.events\",\"fields\":[{\"name\":\"event_id\",\"type\":\"string\"}]}"));
                    g.put("event_id", template.get(0));
                    return new Case(record(topic, key, wireFormat(foreignId, g.getSchema(), g)), RejectReason.UNKNOWN_SCHEMA);
                }
                case 7: { // an encounter or AI event on the claims topic
                    SpecificRecord e = template instanceof ClaimDenied || template instanceof ClaimPaid ? null : template;
                    if (e == null) {
                        return garbage(template);
                    }
                    return new Case(record(config.claimsTopic(), key, valid), RejectReason.UNKNOWN_SCHEMA);
                }
                case 8: { // a claim event on the encounters or AI topic (it would be attributed in the wrong task)
                    if (!(template instanceof ClaimDenied || template instanceof ClaimPaid)) {
                        return garbage(template);
                    }
                    String wrong = random.nextBoolean() ? config.encountersTopic() : config.aiTopic();
                    return new Case(record(wrong, (String) template.get(3), valid), RejectReason.UNKNOWN_SCHEMA);
                }
                default: { // the wire-format header alone, or cut inside it
                    return new Case(record(topic, key, Arrays.copyOf(valid, 1 + random.nextInt(5))), RejectReason.UNDECODABLE);
                }
            }
        }

        /** Valid records with random bit flips, inserted or deleted bytes: any outcome, but exactly one. */
        List<ProducerRecord<byte[], byte[]>> mutants(SimulatedFeed feed, int n) {
            List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                SpecificRecord e = feed.valid.get(random.nextInt(feed.valid.size()));
                String topic = Topics.of(EventType.of(e), config);
                byte[] b = codec.encode(topic, e);
                int edits = 1 + random.nextInt(3);
                for (int k = 0; k < edits; k++) {
                    int at = random.nextInt(b.length);
                    switch (random.nextInt(3)) {
                        case 0 -> b[at] ^= (byte) (1 << random.nextInt(8));
                        case 1 -> {
                            byte[] c = new byte[b.length + 1];
                            System.arraycopy(b, 0, c, 0, at);
                            c[at] = (byte) random.nextInt(256);
                            System.arraycopy(b, at, c, at + 1, b.length - at);
                            b = c;
                        }
                        default -> {
                            if (b.length > 1) {
                                byte[] c = new byte[b.length - 1];
                                System.arraycopy(b, 0, c, 0, at);
                                System.arraycopy(b, at + 1, c, at, b.length - at - 1);
                                b = c;
                            }
                        }
                    }
                }
                out.add(record(topic, EventType.key(e), b));
            }
            return out;
        }

        private ProducerRecord<byte[], byte[]> record(String topic, String key, byte[] value) {
            return new ProducerRecord<>(topic, null, now, key.getBytes(StandardCharsets.UTF_8), value);
        }

        private String pick(String... options) {
            return options[random.nextInt(options.length)];
        }

        private static byte[] wireFormat(int schemaId, Schema schema, GenericRecord record) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(EventCodec.MAGIC_BYTE);
            out.writeBytes(ByteBuffer.allocate(4).putInt(schemaId).array());
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            try {
                new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
                encoder.flush();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return out.toByteArray();
        }
    }
}
