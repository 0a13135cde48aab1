package org.codingkpi.topology;

import org.codingkpi.deadletter.DeadLetterHandler;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.test.TestRecord;
import org.codingkpi.events.AiSuggestionReviewed;
import org.codingkpi.events.CodingMode;
import org.codingkpi.events.Decision;
import org.codingkpi.events.EncounterDischarged;
import org.codingkpi.events.RejectReason;
import org.codingkpi.serde.EventCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.codingkpi.TestEvents.coded;
import static org.codingkpi.TestEvents.days;
import static org.codingkpi.TestEvents.discharged;
import static org.codingkpi.TestEvents.paid;
import static org.codingkpi.TestEvents.reviewed;

/** Every validation rule of EVENTS.md: the record goes to the dead-letter topic, whole, with its reason; state is untouched. */
class DeadLetterTest {
    private final KpiDriver kpi = new KpiDriver();

    @AfterEach
    void close() {
        kpi.close();
    }

    private TestRecord<byte[], byte[]> onlyDeadLetter(byte[] sent) {
        List<TestRecord<byte[], byte[]>> dlq = kpi.drainDeadLetters();
        assertThat(dlq).hasSize(1);
        assertThat(dlq.get(0).value()).isEqualTo(sent);
        return dlq.get(0);
    }

    private void assertRejected(SpecificRecord invalid, RejectReason reason) {
        String topic = kpi.topicOf(invalid);
        byte[] bytes = kpi.codec.encode(topic, invalid);
        kpi.pipeRaw(topic, bytes);
        TestRecord<byte[], byte[]> dlq = onlyDeadLetter(bytes);
        assertThat(DeadLetterHandler.reasonOf(dlq.headers())).isEqualTo(reason);
        assertThat(dlq.headers().lastHeader("__streams.errors.exception")).isNotNull();
        assertThat(kpi.value("coding_events_total")).isEqualTo(0.0);
    }

    @Test
    void negativeMoneyOrSeconds() {
        assertRejected(discharged("E1", days(0)).setExpectedChargeCents(-1).build(), RejectReason.NEGATIVE_VALUE);
    }

    @Test
    void negativeCodingSeconds() {
        assertRejected(coded("E1", days(0), days(1), 1, CodingMode.MANUAL).setCodingSeconds(-5).build(), RejectReason.NEGATIVE_VALUE);
    }

    @Test
    void revisionBelowOne() {
        assertRejected(coded("E1", days(0), days(1), 0, CodingMode.MANUAL).build(), RejectReason.INVALID_REVISION);
    }

    @Test
    void dischargedAfterOccurred() {
        assertRejected(coded("E1", days(2), days(1), 1, CodingMode.MANUAL).build(), RejectReason.TIME_ORDER);
    }

    @Test
    void submittedAfterOccurred() {
        assertRejected(paid("E1", "CL1", days(5), days(4)).build(), RejectReason.TIME_ORDER);
    }

    @Test
    void confidenceOutsideZeroToOne() {
        assertRejected(reviewed("E1", days(0), Decision.ACCEPTED).setConfidence(1.2).build(), RejectReason.CONFIDENCE_RANGE);
    }

    @Test
    void eventMoreThanADayAheadOfTheWallClock() {
        assertRejected(discharged("E1", KpiDriver.WALL_CLOCK.plusSeconds(86400 + 60)).build(), RejectReason.FUTURE_EVENT);
    }

    @Test
    void undecodableBytesAndTruncatedAvro() {
        byte[] garbage = "not avro".getBytes(StandardCharsets.UTF_8);
        kpi.pipeRaw(kpi.config.encountersTopic(), garbage);
        assertThat(DeadLetterHandler.reasonOf(onlyDeadLetter(garbage).headers())).isEqualTo(RejectReason.UNDECODABLE);
        byte[] whole = kpi.codec.encode("encounters", discharged("E1", days(0)).build());
        byte[] truncated = java.util.Arrays.copyOf(whole, whole.length - 7);
        kpi.pipeRaw(kpi.config.encountersTopic(), truncated);
        assertThat(DeadLetterHandler.reasonOf(onlyDeadLetter(truncated).headers())).isEqualTo(RejectReason.UNDECODABLE);
    }

    @Test
    void unknownSchemaId() {
        byte[] bytes = kpi.codec.encode("encounters", discharged("E1", days(0)).build());
        ByteBuffer.wrap(bytes).putInt(1, 9999);
        kpi.pipeRaw(kpi.config.encountersTopic(), bytes);
        assertThat(DeadLetterHandler.reasonOf(onlyDeadLetter(bytes).headers())).isEqualTo(RejectReason.UNKNOWN_SCHEMA);
    }

    @Test
    void claimOnTheClaimsTopicThatIsNotAClaim() {
        byte[] bytes = kpi.codec.encode("claims", discharged("E1", days(0)).build());
        kpi.pipeRaw(kpi.config.claimsTopic(), bytes);
        assertThat(DeadLetterHandler.reasonOf(onlyDeadLetter(bytes).headers())).isEqualTo(RejectReason.UNKNOWN_SCHEMA);
    }

    @Test
    void missingRequiredFieldInTheWriterSchema() throws Exception {
        Schema full = EncounterDischarged.getClassSchema();
        Schema writer = SchemaBuilder.record(full.getName()).namespace(full.getNamespace()).fields()
                .requiredString("event_id").name("occurred_at").type(full.getField("occurred_at").schema()).noDefault()
                .requiredString("facility_id").requiredString("encounter_id")
                .name("setting").type(full.getField("setting").schema()).noDefault()
                .requiredString("specialty").requiredString("payer_id").endRecord(); // no expected_charge_cents
        GenericRecord r = new GenericData.Record(writer);
        r.put("event_id", "ev-x");
        r.put("occurred_at", days(0).toEpochMilli());
        r.put("facility_id", "F");
        r.put("encounter_id", "E1");
        r.put("setting", new GenericData.EnumSymbol(full.getField("setting").schema(), "INPATIENT"));
        r.put("specialty", "s");
        r.put("payer_id", "p");
        byte[] bytes = frame(kpi.codec, writer, r);
        kpi.pipeRaw(kpi.config.encountersTopic(), bytes);
        assertThat(DeadLetterHandler.reasonOf(onlyDeadLetter(bytes).headers())).isEqualTo(RejectReason.MISSING_FIELD);
    }

    @Test
    void unknownEnumSymbolInTheWriterSchema() throws Exception {
        Schema full = AiSuggestionReviewed.getClassSchema();
        Schema decision = Schema.createEnum("Decision", null, "org.codingkpi.events", List.of("ACCEPTED", "REJECTED", "MODIFIED", "DEFERRED"));
        List<Schema.Field> fields = new java.util.ArrayList<>();
        for (Schema.Field f : full.getFields()) {
            fields.add(new Schema.Field(f.name(), f.name().equals("decision") ? decision : f.schema(), f.doc(), f.defaultVal()));
        }
        Schema writer = Schema.createRecord(full.getName(), null, full.getNamespace(), false, fields);
        AiSuggestionReviewed valid = reviewed("E1", days(0), Decision.ACCEPTED).build();
        GenericRecord r = new GenericData.Record(writer);
        for (Schema.Field f : full.getFields()) {
            Object v = valid.get(f.pos());
            if (v instanceof Instant i) {
                v = i.toEpochMilli();
            } else if (v instanceof Enum<?> e) {
                v = new GenericData.EnumSymbol(writer.getField(f.name()).schema(), e.name());
            }
            r.put(f.name(), v);
        }
        r.put("decision", new GenericData.EnumSymbol(decision, "DEFERRED"));
        byte[] bytes = frame(kpi.codec, writer, r);
        kpi.pipeRaw(kpi.config.aiTopic(), bytes);
        assertThat(DeadLetterHandler.reasonOf(onlyDeadLetter(bytes).headers())).isEqualTo(RejectReason.INVALID_ENUM);
    }

    @Test
    void invalidRecordNeverRegistersItsEventId() {
        var bad = discharged("E1", days(0)).setExpectedChargeCents(-1).build();
        var good = EncounterDischarged.newBuilder(bad).setExpectedChargeCents(100).build();
        kpi.pipe(bad, good);
        assertThat(kpi.value("coding_events_total")).isEqualTo(1.0);
        assertThat(kpi.value("coding_events_duplicate_total")).isEqualTo(0.0);
    }

    @Test
    void deadLetterRecordsAreCountedByReasonFromTheTopic() {
        kpi.pipe(discharged("E1", days(0)).setExpectedChargeCents(-1).build());
        kpi.pipeRaw(kpi.config.encountersTopic(), new byte[] {1, 2, 3});
        // the driver feeds the dead-letter topic back to the reject counter, as the broker would
        assertThat(kpi.value("coding_events_rejected_total", "reason=\"negative_value\"")).isEqualTo(1.0);
        assertThat(kpi.value("coding_events_rejected_total", "reason=\"undecodable\"")).isEqualTo(1.0);
    }

    private static byte[] frame(EventCodec codec, Schema writer, GenericRecord r) throws Exception {
        int id = codec.registry().register("test-" + writer.getFullName(), writer);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(ByteBuffer.allocate(4).putInt(id).array());
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(writer).write(r, enc);
        enc.flush();
        return out.toByteArray();
    }
}
