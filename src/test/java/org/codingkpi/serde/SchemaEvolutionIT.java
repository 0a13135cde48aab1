package org.codingkpi.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.codingkpi.events.Adjustment;
import org.codingkpi.events.AdjustmentGroup;
import org.codingkpi.events.ClaimDenied;
import org.codingkpi.events.ClaimFrequency;
import org.codingkpi.events.ClaimPaid;
import org.codingkpi.events.ClaimSubmitted;
import org.codingkpi.events.CodingMode;
import org.codingkpi.events.EncounterCoded;
import org.codingkpi.events.EventType;
import org.codingkpi.it.ApicurioRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Version 1 to version 2 of shared/spec/EVENTS.md through a real Apicurio registry under BACKWARD
 * compatibility: version 1 registered first (the schemas kept in test resources, as version-1
 * producers registered them), version 2 passes the registry's check and registers, and a topic that
 * holds records of both versions decodes with the version-2 codec.
 */
@Tag("integration")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SchemaEvolutionIT {
    private static final Instant T0 = Instant.parse("2026-03-02T08:00:00Z");
    /** The version-1 schema files, dependencies first. */
    private static final List<String> V1_FILES = List.of("Setting", "CodingMode", "CodeSystem", "CodeSource", "Decision",
            "AdjustmentGroup", "CodeEntry", "Adjustment", "EncounterDischarged", "EncounterCoded", "AiSuggestionReviewed",
            "ClaimDenied", "ClaimPaid");
    private static final List<EventType> V1_TYPES = List.of(EventType.EncounterDischarged, EventType.EncounterCoded,
            EventType.AiSuggestionReviewed, EventType.ClaimDenied, EventType.ClaimPaid);

    private static ApicurioRegistry apicurio;
    private static Map<EventType, Schema> v1;

    @BeforeAll
    static void startRegistry() throws IOException {
        v1 = version1Schemas();
        apicurio = ApicurioRegistry.start();
    }

    @AfterAll
    static void stopRegistry() {
        if (apicurio != null) {
            apicurio.close();
        }
    }

    private static RestSchemaRegistry client() {
        return RestSchemaRegistry.builder(apicurio.ccompatUrl()).build();
    }

    private static String subject(EventType type) {
        return type.defaultTopic() + "-" + type.schema().getFullName();
    }

    @Test
    void version2PassesTheBackwardCheckRegistersAndReadsAMixedTopic() throws IOException {
        RestSchemaRegistry registry = client();
        // version 1, as it was registered before the upgrade, under BACKWARD compatibility
        Map<EventType, Integer> v1Ids = new LinkedHashMap<>();
        for (EventType type : V1_TYPES) {
            registry.setCompatibility(subject(type), "BACKWARD");
            v1Ids.put(type, registry.register(subject(type), v1.get(type)));
        }
        // records a version-1 producer writes
        List<byte[]> topic = new ArrayList<>();
        GenericRecord v1Coded = v1Coded();
        GenericRecord v1Paid = v1Paid();
        GenericRecord v1Denied = v1Denied();
        topic.add(wire(v1Ids.get(EventType.EncounterCoded), v1Coded));
        topic.add(wire(v1Ids.get(EventType.ClaimPaid), v1Paid));
        topic.add(wire(v1Ids.get(EventType.ClaimDenied), v1Denied));

        // the operator's rollout: every version-2 schema is checked, then registered
        for (EventType type : EventType.values()) {
            assertThat(registry.isCompatible(subject(type), type.schema())).as(type.name()).isTrue();
        }
        Map<EventType, Integer> v2Ids = new LinkedHashMap<>();
        for (EventType type : EventType.values()) {
            v2Ids.put(type, registry.register(subject(type), type.schema()));
        }
        for (EventType type : List.of(EventType.EncounterCoded, EventType.ClaimDenied, EventType.ClaimPaid)) {
            assertThat(v2Ids.get(type)).as(type + " is a new version").isNotEqualTo(v1Ids.get(type));
        }

        // records a version-2 producer writes, on the same topics
        EventCodec producer = new EventCodec(client());
        ClaimSubmitted submitted = new ClaimSubmitted("ev-s", T0, "FAC-NORTH", "E-1", "MEDICARE|E-1", "MEDICARE", 120_000L,
                ClaimFrequency.ORIGINAL);
        ClaimPaid v2Paid = new ClaimPaid("ev-p2", T0.plusSeconds(30 * 86_400L), "FAC-NORTH", "E-1", "MEDICARE|E-1", "MEDICARE",
                null, 120_000L, 80_000L, List.of(new Adjustment(AdjustmentGroup.CO, "45", 40_000L)), List.of("N381"));
        topic.add(producer.encode("claims", submitted));
        topic.add(producer.encode("claims", v2Paid));

        // the version-2 pipeline reads the whole mixed topic, writer schemas fetched by id
        EventCodec consumer = new EventCodec(client());
        List<SpecificRecord> read = new ArrayList<>();
        for (byte[] bytes : topic) {
            read.add(consumer.decode(bytes));
        }
        EncounterCoded coded = (EncounterCoded) read.get(0);
        assertThat(coded.getModelVersion()).isNull();
        assertThat(coded.getRevision()).isEqualTo(1);
        assertThat(coded.getCodingMode()).isEqualTo(CodingMode.AI_ASSISTED);
        assertThat(coded.getCodes()).hasSize(1);
        ClaimPaid paid = (ClaimPaid) read.get(1);
        assertThat(paid.getSubmittedAt()).isEqualTo(T0.plusSeconds(2 * 86_400L));
        assertThat(paid.getPaidCents()).isEqualTo(9_000L);
        assertThat(paid.getAdjustments()).isEmpty();
        assertThat(paid.getRemarkCodes()).isEmpty();
        ClaimDenied denied = (ClaimDenied) read.get(2);
        assertThat(denied.getSubmittedAt()).isEqualTo(T0.plusSeconds(86_400L));
        assertThat(denied.getAdjustments()).containsExactly(new Adjustment(AdjustmentGroup.CO, "197", 5_000L));
        assertThat(read.get(3)).isEqualTo(submitted);
        assertThat(read.get(4)).isEqualTo(v2Paid);
    }

    @Test
    void aVersion1ReaderStillResolvesVersion2RecordsOfItsTypes() throws IOException {
        // FORWARD as well, at the Avro level: a pipeline still on version 1 reads what upgraded producers write
        EncounterCoded v2 = EncounterCoded.newBuilder().setEventId("ev-c2").setOccurredAt(T0).setFacilityId("FAC-NORTH")
                .setEncounterId("E-2").setSetting(org.codingkpi.events.Setting.OUTPATIENT).setSpecialty("CARDIOLOGY")
                .setPayerId("MEDICARE").setCoderId(null).setRevision(1).setCodingMode(CodingMode.AUTONOMOUS)
                .setDischargedAt(T0).setCodingSeconds(0).setChargeCents(10_000).setCodes(List.of())
                .setModelVersion("coder-llm-2.0").build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<EncounterCoded>(EncounterCoded.getClassSchema()).write(v2, enc);
        enc.flush();

        GenericRecord asV1 = new GenericDatumReader<GenericRecord>(EncounterCoded.getClassSchema(), v1.get(EventType.EncounterCoded))
                .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));

        assertThat(asV1.get("revision")).isEqualTo(1);
        assertThat(asV1.getSchema().getField("model_version")).isNull();
    }

    @Test
    void theRegistryRefusesAnIncompatibleChange() throws IOException {
        RestSchemaRegistry registry = client();
        String subject = "claims-incompatible-" + EventType.ClaimPaid.schema().getFullName();
        registry.setCompatibility(subject, "BACKWARD");
        registry.register(subject, v1.get(EventType.ClaimPaid));
        // a new required field without a default: version-1 records could not be read
        String text = EventType.ClaimPaid.schema().toString()
                .replace("{\"name\":\"paid_cents\",\"type\":\"long\"}", "{\"name\":\"paid_cents\",\"type\":\"long\"},{\"name\":\"batch\",\"type\":\"string\"}");
        Schema incompatible = new Schema.Parser().parse(text);
        assertThat(incompatible.getField("batch")).isNotNull();

        assertThat(registry.isCompatible(subject, incompatible)).isFalse();
        assertThatThrownBy(() -> registry.register(subject, incompatible)).isInstanceOf(SchemaRegistryException.class);
    }

    // ------------------------------------------------------------------------------------------

    private static Map<EventType, Schema> version1Schemas() throws IOException {
        Schema.Parser parser = new Schema.Parser();
        Map<String, Schema> byName = new LinkedHashMap<>();
        for (String name : V1_FILES) {
            try (InputStream in = SchemaEvolutionIT.class.getResourceAsStream("/schemas-v1/" + name + ".avsc")) {
                assertThat(in).as(name).isNotNull();
                byName.put(name, parser.parse(in));
            }
        }
        Map<EventType, Schema> out = new LinkedHashMap<>();
        for (EventType t : V1_TYPES) {
            out.put(t, byName.get(t.name()));
        }
        return out;
    }

    private static GenericRecord v1Coded() {
        Schema s = v1.get(EventType.EncounterCoded);
        GenericRecord code = new GenericData.Record(s.getField("codes").schema().getElementType());
        Schema entry = code.getSchema();
        code.put("system", new GenericData.EnumSymbol(entry.getField("system").schema(), "CPT"));
        code.put("code", "99213");
        code.put("modifiers", List.of());
        code.put("source", new GenericData.EnumSymbol(entry.getField("source").schema(), "AI_ACCEPTED"));
        GenericRecord r = common(s, "ev-c1", T0);
        r.put("setting", new GenericData.EnumSymbol(s.getField("setting").schema(), "PROFESSIONAL"));
        r.put("specialty", "GENERAL_MEDICINE");
        r.put("payer_id", "MEDICARE");
        r.put("coder_id", "C001");
        r.put("revision", 1);
        r.put("coding_mode", new GenericData.EnumSymbol(s.getField("coding_mode").schema(), "AI_ASSISTED"));
        r.put("discharged_at", T0.minusSeconds(3_600).toEpochMilli());
        r.put("coding_seconds", 300L);
        r.put("charge_cents", 12_000L);
        r.put("codes", List.of(code));
        return r;
    }

    private static GenericRecord v1Paid() {
        Schema s = v1.get(EventType.ClaimPaid);
        GenericRecord r = common(s, "ev-p1", T0.plusSeconds(20 * 86_400L));
        r.put("claim_id", "MEDICARE|E-1");
        r.put("payer_id", "MEDICARE");
        r.put("submitted_at", T0.plusSeconds(2 * 86_400L).toEpochMilli());
        r.put("billed_cents", 12_000L);
        r.put("paid_cents", 9_000L);
        return r;
    }

    private static GenericRecord v1Denied() {
        Schema s = v1.get(EventType.ClaimDenied);
        Schema adj = s.getField("adjustments").schema().getElementType();
        GenericRecord a = new GenericData.Record(adj);
        a.put("group", new GenericData.EnumSymbol(adj.getField("group").schema(), "CO"));
        a.put("reason", "197");
        a.put("amount_cents", 5_000L);
        GenericRecord r = common(s, "ev-d1", T0.plusSeconds(15 * 86_400L));
        r.put("claim_id", "AETNA|E-3");
        r.put("payer_id", "AETNA");
        r.put("submitted_at", T0.plusSeconds(86_400L).toEpochMilli());
        r.put("billed_cents", 5_000L);
        r.put("denied_cents", 5_000L);
        r.put("adjustments", List.of(a));
        r.put("remark_codes", List.of());
        return r;
    }

    private static GenericRecord common(Schema s, String eventId, Instant at) {
        GenericRecord r = new GenericData.Record(s);
        r.put("event_id", eventId);
        r.put("occurred_at", at.toEpochMilli());
        r.put("facility_id", "FAC-NORTH");
        r.put("encounter_id", "E-1");
        return r;
    }

    private static byte[] wire(int id, GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(EventCodec.MAGIC_BYTE);
        out.write(ByteBuffer.allocate(4).putInt(id).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
