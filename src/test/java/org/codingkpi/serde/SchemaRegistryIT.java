package org.codingkpi.serde;

import org.codingkpi.events.InvalidEventException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificRecord;
import org.codingkpi.events.EncounterDischarged;
import org.codingkpi.events.EventType;
import org.codingkpi.events.RejectReason;
import org.codingkpi.it.ApicurioRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.codingkpi.TestEvents.T0;
import static org.codingkpi.TestEvents.adj;
import static org.codingkpi.TestEvents.coded;
import static org.codingkpi.TestEvents.days;
import static org.codingkpi.TestEvents.denied;
import static org.codingkpi.TestEvents.discharged;
import static org.codingkpi.TestEvents.hours;
import static org.codingkpi.TestEvents.paid;
import static org.codingkpi.TestEvents.reviewed;

/**
 * The REST client and the codec against a real registry: Apicurio Registry 2.6 through its
 * Confluent-compatible API ({@code /apis/ccompat/v7}). Every decode goes through a fresh client, so
 * the writer schema really comes from the registry by id, not from a cache filled while encoding.
 */
@Tag("integration")
class SchemaRegistryIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static ApicurioRegistry apicurio;

    @BeforeAll
    static void startRegistry() {
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

    private static Map<EventType, SpecificRecord> oneOfEach() {
        Map<EventType, SpecificRecord> events = new EnumMap<>(EventType.class);
        events.put(EventType.EncounterDischarged, discharged("E-IT-1", T0).build());
        events.put(EventType.EncounterCoded, coded("E-IT-1", T0, hours(20), 1, org.codingkpi.events.CodingMode.AI_ASSISTED).build());
        events.put(EventType.AiSuggestionReviewed, reviewed("E-IT-1", hours(19), org.codingkpi.events.Decision.ACCEPTED).build());
        events.put(EventType.ClaimDenied, denied("E-IT-1", "CL-IT-1", days(2), days(20),
                adj(org.codingkpi.events.AdjustmentGroup.CO, "197")).build());
        events.put(EventType.ClaimPaid, paid("E-IT-1", "CL-IT-2", days(2), days(25)).build());
        return events;
    }

    @Test
    void allFiveEventSchemasRegisterThroughTheCompatibilityApi() throws Exception {
        RestSchemaRegistry registry = client();
        for (EventType type : EventType.values()) {
            int id = registry.register(subject(type), type.schema());

            JsonNode latest = get("/subjects/" + URLEncoder.encode(subject(type), StandardCharsets.UTF_8) + "/versions/latest");
            assertThat(latest.get("id").asInt()).as(type.name()).isEqualTo(id);
            assertThat(new Schema.Parser().parse(latest.get("schema").asText())).as(type.name()).isEqualTo(type.schema());
        }
        List<String> subjects = new ArrayList<>();
        get("/subjects").forEach(s -> subjects.add(s.asText()));
        assertThat(subjects).contains(
                "encounters-org.codingkpi.events.EncounterDischarged",
                "encounters-org.codingkpi.events.EncounterCoded",
                "ai-suggestions-org.codingkpi.events.AiSuggestionReviewed",
                "claims-org.codingkpi.events.ClaimDenied",
                "claims-org.codingkpi.events.ClaimPaid");
    }

    @Test
    void everyEventTypeSurvivesARoundTripThroughTheRegistry() {
        EventCodec producer = new EventCodec(client());
        for (Map.Entry<EventType, SpecificRecord> e : oneOfEach().entrySet()) {
            byte[] bytes = producer.encode(e.getKey().defaultTopic(), e.getValue());

            assertThat(bytes[0]).isEqualTo(EventCodec.MAGIC_BYTE);
            int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
            assertThat(id).as(e.getKey().name()).isEqualTo(client().register(subject(e.getKey()), e.getKey().schema()));
            EventCodec consumer = new EventCodec(client());
            assertThat(consumer.decode(bytes)).as(e.getKey().name()).isEqualTo(e.getValue());
        }
    }

    @Test
    void registrationIsIdempotent() throws Exception {
        EventType type = EventType.ClaimPaid;
        int first = client().register(subject(type), type.schema());
        int second = client().register(subject(type), type.schema());

        assertThat(second).isEqualTo(first);
        JsonNode versions = get("/subjects/" + URLEncoder.encode(subject(type), StandardCharsets.UTF_8) + "/versions");
        assertThat(versions).hasSize(1);
    }

    @Test
    void anUnknownIdIsAnUnknownSchemaIdAndAnUnknownSchemaRejection() {
        int unknown = 987_654;

        assertThatThrownBy(() -> client().byId(unknown)).isInstanceOf(SchemaRegistry.UnknownSchemaIdException.class);

        byte[] bytes = ByteBuffer.allocate(6).put(EventCodec.MAGIC_BYTE).putInt(unknown).put((byte) 0).array();
        assertThatThrownBy(() -> new EventCodec(client()).decode(bytes))
                .isInstanceOfSatisfying(InvalidEventException.class,
                        e -> assertThat(e.reason()).isEqualTo(RejectReason.UNKNOWN_SCHEMA));
    }

    @Test
    void aNewerCompatibleWriterSchemaFromTheRegistryIsResolvedToTheEventClass() throws Exception {
        // a producer that has added an optional field the pipeline does not know yet
        ObjectNode evolved = (ObjectNode) JSON.readTree(EventType.EncounterDischarged.schema().toString());
        ((ArrayNode) evolved.get("fields")).addObject().put("name", "ward").putArray("type").add("null").add("string");
        ((ObjectNode) evolved.get("fields").get(evolved.get("fields").size() - 1)).putNull("default");
        Schema writer = new Schema.Parser().parse(evolved.toString());
        // its own topic, so that "latest" of the other tests' subjects stays the bundled schema
        int id = client().register("encounters-evolved-" + writer.getFullName(), writer);

        EncounterDischarged event = discharged("E-IT-2", T0).build();
        GenericRecord record = new GenericData.Record(writer);
        for (Schema.Field f : EventType.EncounterDischarged.schema().getFields()) {
            record.put(f.name(), toGeneric(event, f));
        }
        record.put("ward", "4B");

        EncounterDischarged decoded = (EncounterDischarged) new EventCodec(client()).decode(wireFormat(id, writer, record));

        assertThat(decoded).isEqualTo(event);
    }

    @Test
    void aSchemaRegisteredWithReferencesIsResolvedThroughTheRegistry() throws Exception {
        // the .avsc files as they are: shared types registered once under their own subjects,
        // the event schema referring to them (as Confluent's serializers and many teams register)
        for (String shared : List.of("Setting", "CodingMode", "CodeSystem", "CodeSource")) {
            registerAvsc("org.codingkpi.events." + shared, shared);
        }
        registerAvsc("org.codingkpi.events.CodeEntry", "CodeEntry", "CodeSystem", "CodeSource");
        int id = registerAvsc("encounters-refs-org.codingkpi.events.EncounterCoded", "EncounterCoded", "Setting", "CodingMode", "CodeEntry");
        assertThat(get("/schemas/ids/" + id).get("references")).hasSize(3);

        org.codingkpi.events.EncounterCoded event = coded("E-IT-3", T0, hours(20), 1, org.codingkpi.events.CodingMode.AI_ASSISTED).build();
        byte[] bytes = withId(new EventCodec(new BundledSchemaRegistry()).encode("encounters", event), id);

        assertThat(new EventCodec(client()).decode(bytes)).isEqualTo(event);
    }

    @Test
    void aRecordWhoseSchemaReferenceTheRegistryLacksIsAnUnknownSchemaRejectionThatSaysSo() throws Exception {
        // Apicurio's own API stores a reference to a subject that does not exist (its Confluent API refuses that,
        // and refuses deleting a referenced subject); the Confluent API then serves the id with that reference
        String body = JSON.createObjectNode()
                .put("content", java.nio.file.Files.readString(java.nio.file.Path.of("schemas", "EncounterDischarged.avsc")))
                .set("references", JSON.createArrayNode().add(JSON.createObjectNode()
                        .put("name", "org.codingkpi.events.Setting").put("artifactId", "org.codingkpi.events.RemovedSetting").put("version", "1")))
                .toString();
        HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(apicurio.baseUrl() + "/apis/registry/v2/groups/default/artifacts"))
                .header("Content-Type", "application/create.extended+json").header("X-Registry-ArtifactType", "AVRO")
                .header("X-Registry-ArtifactId", "encounters-dangling-org.codingkpi.events.EncounterDischarged")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        int id = JSON.readTree(created.body()).get("contentId").asInt();
        byte[] bytes = withId(new EventCodec(new BundledSchemaRegistry()).encode("encounters", discharged("E-IT-4", T0).build()), id);

        assertThatThrownBy(() -> new EventCodec(client()).decode(bytes))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> {
                    assertThat(e.reason()).isEqualTo(RejectReason.UNKNOWN_SCHEMA);
                    assertThat(e.detail()).isEqualTo("schema id " + id + " references org.codingkpi.events.Setting (subject "
                            + "org.codingkpi.events.RemovedSetting, version 1), which the schema registry does not have (error 40401)");
                });
    }

    /** Registers a file of schemas/ under a subject, with references to the named shared types (version 1 of their subjects). */
    private static int registerAvsc(String subject, String file, String... references) throws Exception {
        ObjectNode body = JSON.createObjectNode().put("schemaType", "AVRO")
                .put("schema", java.nio.file.Files.readString(java.nio.file.Path.of("schemas", file + ".avsc")));
        ArrayNode refs = body.putArray("references");
        for (String r : references) {
            refs.addObject().put("name", "org.codingkpi.events." + r).put("subject", "org.codingkpi.events." + r).put("version", 1);
        }
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(apicurio.ccompatUrl() + "/subjects/"
                        + URLEncoder.encode(subject, StandardCharsets.UTF_8) + "/versions"))
                .header("Content-Type", RestSchemaRegistry.CONTENT_TYPE).POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("registering " + subject + ": " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).get("id").asInt();
    }

    /** The same wire-format record with another schema id. */
    private static byte[] withId(byte[] wireFormat, int id) {
        byte[] copy = wireFormat.clone();
        ByteBuffer.wrap(copy, 1, 4).putInt(id);
        return copy;
    }

    private static Object toGeneric(EncounterDischarged event, Schema.Field f) {
        Object v = event.get(f.pos());
        if (v instanceof Enum<?> e) {
            return new GenericData.EnumSymbol(f.schema(), e.name());
        }
        if (v instanceof java.time.Instant i) {
            return i.toEpochMilli();
        }
        return v;
    }

    private static byte[] wireFormat(int id, Schema writer, GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(EventCodec.MAGIC_BYTE);
        out.write(ByteBuffer.allocate(4).putInt(id).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(writer).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    /** The registry's own view, read without the client under test. */
    private static JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(apicurio.ccompatUrl() + path))
                .header("Accept", RestSchemaRegistry.CONTENT_TYPE).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET " + path).isEqualTo(200);
        return JSON.readTree(r.body());
    }
}
