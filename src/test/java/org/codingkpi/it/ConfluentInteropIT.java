package org.codingkpi.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.codingkpi.app.Pipeline;
import org.codingkpi.broker.EmbeddedKafka;
import org.codingkpi.cli.Main;
import org.codingkpi.config.PipelineConfig;
import org.codingkpi.events.EventType;
import org.codingkpi.events.RejectReason;
import org.codingkpi.serde.EventCodec;
import org.codingkpi.serde.RestSchemaRegistry;
import org.codingkpi.serde.SchemaRegistries;
import org.codingkpi.simulator.SimEvent;
import org.codingkpi.simulator.Simulator;
import org.codingkpi.simulator.SimulatorConfig;
import org.codingkpi.deadletter.DeadLetterHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Confluent's own Avro serde, {@code @confluentinc/schemaregistry} (the schema-registry half of
 * Confluent's JavaScript client, installed from the npm registry by ci-obs/install.sh), against a
 * real Apicurio Registry through its Confluent API, with the registry's default compatibility set to
 * BACKWARD (Confluent's default). The Kafka transport is Java; {@code src/test/js/confluent-interop/interop.js}
 * only serializes and deserializes, as a Confluent team's producer or consumer would:
 *
 * <ul>
 *   <li>records {@code simulate} writes are read by Confluent's {@code AvroDeserializer}, field by field;</li>
 *   <li>records Confluent's {@code AvroSerializer} writes from our {@code schemas/*.avsc}, with
 *       TopicRecordNameStrategy, auto-registration on and off, and with schema references, are counted
 *       exactly by the pipeline;</li>
 *   <li>Confluent's default subject naming ({@code <topic>-value}) is refused the second record type
 *       of a topic, and our producers explain that refusal.</li>
 * </ul>
 */
@Tag("integration")
@Timeout(600)
class ConfluentInteropIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path INTEROP = Path.of("src", "test", "js", "confluent-interop").toAbsolutePath();
    private static final Path SCHEMAS = Path.of("schemas").toAbsolutePath();
    private static ApicurioRegistry apicurio;
    private static EmbeddedKafka kafka;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        assertThat(INTEROP.resolve("node_modules/@confluentinc/schemaregistry/package.json"))
                .as("Confluent's serde library is not installed: run ci-obs/install.sh (npm ci in " + INTEROP + ")")
                .exists();
        apicurio = ApicurioRegistry.start();
        kafka = EmbeddedKafka.start();
        // Confluent's default compatibility level, set with Confluent's own client
        ObjectNode config = JSON.createObjectNode().put("registry", apicurio.ccompatUrl()).put("compatibility", "BACKWARD");
        assertThat(node("config", config).get("compatibility").asText()).isEqualTo("BACKWARD");
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
        if (apicurio != null) {
            apicurio.close();
        }
    }

    // ---------------------------------------------------------------- our bytes, Confluent's reader

    @Test
    void recordsSimulateWritesAreReadFieldByFieldByConfluentsDeserializer() throws Exception {
        PipelineConfig config = config("ours");
        kafka.createTopics(inputs(config), 1);
        awaitLeaders(inputs(config));

        Run run = cli("simulate", "--bootstrap-servers", kafka.bootstrapServers(), "--config", configFile(config).toString(),
                "--days", "40", "--encounters-per-day", "2", "--go-live-days", "0",
                "--start", Instant.now().minus(Duration.ofDays(150)).toString().substring(0, 10));
        assertThat(run.exitCode()).as(run.err()).isZero();

        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (String topic : inputs(config)) {
            records.addAll(readTopic(topic));
        }
        ArrayNode request = JSON.createArrayNode();
        List<JsonNode> expected = new ArrayList<>();
        Map<String, Integer> types = new TreeMap<>();
        EventCodec reader = new EventCodec(RestSchemaRegistry.builder(apicurio.ccompatUrl()).build());
        for (ConsumerRecord<byte[], byte[]> r : records) {
            request.addObject().put("topic", r.topic()).put("value", Base64.getEncoder().encodeToString(r.value()));
            SpecificRecord event = reader.decode(r.value());
            expected.add(normalized(toJson(event)));
            types.merge(event.getSchema().getName(), 1, Integer::sum);
        }
        // simulate writes version-1 events by default (--events v2 adds the others)
        assertThat(types).as("every event type simulate writes is in the sample")
                .hasSize((int) java.util.Arrays.stream(EventType.values()).filter(t -> !t.sinceVersion2()).count());

        JsonNode decoded = node("decode", JSON.createObjectNode().put("registry", apicurio.ccompatUrl()).set("records", request));

        assertThat(decoded).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            assertThat(normalized(decoded.get(i))).as("record %d of %s", i, records.get(i).topic()).isEqualTo(expected.get(i));
        }
    }

    // ---------------------------------------------------------------- Confluent's bytes, our pipeline

    @Test
    void recordsConfluentsSerializerWritesWithAutoRegistrationAreCountedExactly() throws Exception {
        PipelineConfig config = config("auto");
        List<SimEvent> events = simulated();

        List<Encoded> encoded = encode(config, events, request -> request.put("autoRegister", true).put("strategy", "TOPIC_RECORD"));

        assertThat(subjects()).contains("auto-encounters-org.codingkpi.events.EncounterDischarged",
                "auto-encounters-org.codingkpi.events.EncounterCoded", "auto-ai-suggestions-org.codingkpi.events.AiSuggestionReviewed",
                "auto-claims-org.codingkpi.events.ClaimDenied", "auto-claims-org.codingkpi.events.ClaimPaid");
        assertCountedExactly(config, events, encoded, List.of());
    }

    @Test
    void recordsConfluentsSerializerWritesWithAutoRegistrationOffAreCountedExactly() throws Exception {
        PipelineConfig config = config("lookup");
        List<SimEvent> events = simulated();
        // registered beforehand (self-contained schemas), the serializer only looks its schema up
        node("register", registerRequest(config, false));

        List<Encoded> encoded = encode(config, events, request -> request.put("autoRegister", false).put("strategy", "TOPIC_RECORD"));

        assertCountedExactly(config, events, encoded, List.of());
    }

    @Test
    void recordsWhoseSchemasUseReferencesAreCountedExactlyAndAnUnresolvableReferenceIsDeadLetteredSayingSo() throws Exception {
        PipelineConfig config = config("refs");
        List<SimEvent> events = simulated();
        // shared types under their own subjects, the event schemas referring to them; the serializer
        // uses the latest version of each subject and resolves its references through the registry
        node("register", registerRequest(config, true));
        List<Encoded> encoded = encode(config, events, request -> request.put("autoRegister", false).put("useLatestVersion", true));
        int id = ByteBuffer.wrap(encoded.get(0).value(), 1, 4).getInt();
        assertThat(JSON.readTree(get("/schemas/ids/" + id)).get("references")).isNotEmpty();
        // and one record whose schema refers to a subject the registry does not have
        int dangling = danglingReferenceSchema();
        byte[] bad = encoded.get(0).value().clone();
        ByteBuffer.wrap(bad, 1, 4).putInt(dangling);
        Encoded badRecord = new Encoded(config.encountersTopic(), "E-DANGLING".getBytes(StandardCharsets.UTF_8), bad, Instant.now().toEpochMilli());

        assertCountedExactly(config, events, encoded, List.of(badRecord));

        ConsumerRecord<byte[], byte[]> dlq = readTopic(config.deadLetterTopic()).get(0);
        assertThat(DeadLetterHandler.reasonOf(dlq.headers())).isEqualTo(RejectReason.UNKNOWN_SCHEMA);
        assertThat(new String(dlq.headers().lastHeader("__streams.errors.message").value(), StandardCharsets.UTF_8))
                .isEqualTo("unknown_schema: schema id " + dangling + " references org.codingkpi.events.Setting (subject"
                        + " org.codingkpi.events.RemovedSetting, version 1), which the schema registry does not have (error 40401)");
    }

    // ---------------------------------------------------------------- subject naming

    @Test
    void confluentsDefaultTopicNameStrategyIsRefusedTheSecondRecordTypeOfATopic() throws Exception {
        PipelineConfig config = config("tns");
        List<SimEvent> twoTypes = new ArrayList<>();
        for (SimEvent e : simulated()) {
            if (e.event() != null && defaultTopicOf(e).equals("encounters")
                    && twoTypes.stream().noneMatch(t -> t.event().getSchema().equals(e.event().getSchema()))) {
                twoTypes.add(e);
            }
        }
        assertThat(twoTypes).hasSize(2);

        JsonNode refused = nodeFailing("encode", encodeRequest(config, twoTypes).put("autoRegister", true).put("strategy", "TOPIC"));

        assertThat(refused.get("status").asInt()).isEqualTo(409);
        assertThat(refused.get("error").asText()).contains("Incompatible artifact: tns-encounters-value");
    }

    @Test
    void ourProducersExplainTheRefusalOfTopicNameStrategyAndNameTheStrategyToUse() throws Exception {
        PipelineConfig config = config("tns-ours").with(SchemaRegistries.SUBJECT_NAME_STRATEGY, "io.confluent.kafka.serializers.subject.TopicNameStrategy");
        kafka.createTopics(inputs(config), 1);
        awaitLeaders(inputs(config));

        Run run = cli("simulate", "--bootstrap-servers", kafka.bootstrapServers(), "--config", configFile(config).toString(), "--days", "1");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .contains("registering a schema under subject tns-ours-encounters-value")
                .contains("HTTP 409")
                .contains("With TopicNameStrategy, EncounterCoded shares the subject tns-ours-encounters-value with EncounterDischarged")
                .contains("BACKWARD is Confluent's default")
                .contains("set schema.registry.subject.name.strategy=TopicRecordNameStrategy")
                .contains("value.subject.name.strategy=io.confluent.kafka.serializers.subject.TopicRecordNameStrategy");
        assertThat(readTopic(config.encountersTopic())).as("nothing is sent").isEmpty();
    }

    // ---------------------------------------------------------------- auto-registration off, our producers

    @Test
    void withAutoRegistrationOffOurProducersStopBeforeSendingUntilTheSchemasAreRegistered() throws Exception {
        PipelineConfig config = config("noauto").with(SchemaRegistries.AUTO_REGISTER, "false");
        kafka.createTopics(inputs(config), 1);
        awaitLeaders(inputs(config));
        String[] simulate = {"simulate", "--bootstrap-servers", kafka.bootstrapServers(), "--config", configFile(config).toString(), "--days", "1",
                "--encounters-per-day", "4", "--start", Instant.now().minus(Duration.ofDays(10)).toString().substring(0, 10)};

        Run refused = cli(simulate);

        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.err()).contains("schema org.codingkpi.events.EncounterDischarged is not registered under subject"
                + " noauto-encounters-org.codingkpi.events.EncounterDischarged, and schema.registry.auto.register=false");
        assertThat(subjects()).noneMatch(s -> s.startsWith("noauto-"));

        node("register", registerRequest(config, false));
        Run sent = cli(simulate);

        assertThat(sent.exitCode()).as(sent.err()).isZero();
        assertThat(readTopic(config.encountersTopic())).isNotEmpty();
    }

    // ---------------------------------------------------------------- helpers

    private record Run(int exitCode, String err) {
    }

    private record Encoded(String topic, byte[] key, byte[] value, long timestamp) {
    }

    private static Run cli(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, err.toString());
    }

    private PipelineConfig config(String prefix) {
        Map<String, String> s = new HashMap<>();
        s.put(PipelineConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        s.put(PipelineConfig.APPLICATION_ID, "interop-" + prefix);
        s.put(PipelineConfig.METRICS_PORT, "0");
        s.put(PipelineConfig.METRICS_BIND, "127.0.0.1");
        s.put(PipelineConfig.TOPIC_ENCOUNTERS, prefix + "-encounters");
        s.put(PipelineConfig.TOPIC_AI, prefix + "-ai-suggestions");
        s.put(PipelineConfig.TOPIC_CLAIMS, prefix + "-claims");
        s.put(PipelineConfig.TOPIC_DEAD_LETTER, prefix + "-dead-letter");
        s.put(PipelineConfig.TOPIC_AUDIT, prefix + "-audit");
        s.put(PipelineConfig.SCHEMA_REGISTRY_URL, apicurio.ccompatUrl());
        s.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state-" + prefix).toString());
        return PipelineConfig.of(s);
    }

    /** The settings a CLI run needs, as a properties file. */
    private Path configFile(PipelineConfig config) throws IOException {
        StringBuilder s = new StringBuilder();
        for (String key : List.of(PipelineConfig.TOPIC_ENCOUNTERS, PipelineConfig.TOPIC_AI, PipelineConfig.TOPIC_CLAIMS,
                PipelineConfig.TOPIC_DEAD_LETTER, PipelineConfig.SCHEMA_REGISTRY_URL, SchemaRegistries.SUBJECT_NAME_STRATEGY,
                SchemaRegistries.AUTO_REGISTER)) {
            String v = config.get(key);
            if (v != null) {
                s.append(key).append('=').append(v).append('\n');
            }
        }
        Path file = Files.createTempFile(dir, "interop-", ".properties");
        Files.writeString(file, s);
        return file;
    }

    private static List<String> inputs(PipelineConfig config) {
        return List.of(config.encountersTopic(), config.aiTopic(), config.claimsTopic());
    }

    /** The default topic an event belongs on ("encounters", "ai-suggestions", "claims"). */
    private static String defaultTopicOf(SimEvent e) {
        return EventType.of(e.event()).defaultTopic();
    }

    /** A small simulated department with the AI live: valid events only, every type, all in the past. */
    private static List<SimEvent> simulated() {
        Instant start = Instant.now().truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(150));
        Simulator sim = new Simulator(SimulatorConfig.builder().seed(15).start(start).days(40).encountersPerDay(2)
                .goLive(start).build());
        List<SimEvent> out = new ArrayList<>();
        while (sim.hasNext()) {
            SimEvent e = sim.next();
            if (e.event() != null && e.kind() == SimEvent.Kind.ORIGINAL) {
                out.add(e);
            }
        }
        return out;
    }

    private ObjectNode encodeRequest(PipelineConfig config, List<SimEvent> events) {
        ObjectNode request = JSON.createObjectNode().put("registry", apicurio.ccompatUrl()).put("schemas", SCHEMAS.toString());
        ArrayNode list = request.putArray("events");
        for (SimEvent e : events) {
            list.addObject().put("type", e.event().getSchema().getName()).put("topic", org.codingkpi.app.Topics.of(EventType.of(e.event()), config))
                    .set("value", toJson(e.event()));
        }
        return request;
    }

    private List<Encoded> encode(PipelineConfig config, List<SimEvent> events, java.util.function.Consumer<ObjectNode> settings) throws Exception {
        ObjectNode request = encodeRequest(config, events);
        settings.accept(request);
        JsonNode answer = node("encode", request);
        List<Encoded> out = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            SpecificRecord e = events.get(i).event();
            out.add(new Encoded(answer.get(i).get("topic").asText(), EventType.key(e).getBytes(StandardCharsets.UTF_8),
                    Base64.getDecoder().decode(answer.get(i).get("value").asText()), EventType.occurredAtMs(e)));
        }
        return out;
    }

    private ObjectNode registerRequest(PipelineConfig config, boolean references) {
        ObjectNode request = JSON.createObjectNode().put("registry", apicurio.ccompatUrl()).put("schemas", SCHEMAS.toString())
                .put("references", references);
        ObjectNode topics = request.putObject("topics");
        for (EventType t : EventType.values()) {
            topics.put(t.name(), org.codingkpi.app.Topics.of(t, config));
        }
        return request;
    }

    /**
     * Produces the records to the input topics, runs the pipeline on them, and requires every event
     * accepted, by type, nothing duplicate, and exactly the extra records dead-lettered.
     */
    private void assertCountedExactly(PipelineConfig config, List<SimEvent> events, List<Encoded> encoded, List<Encoded> extra) throws Exception {
        kafka.createTopics(inputs(config), 2);
        awaitLeaders(inputs(config));
        // not idempotent, one request in flight: a retry right after topic creation cannot turn into the
        // OUT_OF_ORDER_SEQUENCE_NUMBER loop the single embedded broker was seen in (see EmbeddedKafka)
        Map<String, Object> settings = new HashMap<>(config.clientProperties());
        settings.put(org.apache.kafka.clients.producer.ProducerConfig.ACKS_CONFIG, "all");
        settings.put(org.apache.kafka.clients.producer.ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        settings.put(org.apache.kafka.clients.producer.ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        try (Producer<byte[], byte[]> producer = new org.apache.kafka.clients.producer.KafkaProducer<>(settings,
                new org.apache.kafka.common.serialization.ByteArraySerializer(), new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            for (Encoded e : encoded) {
                producer.send(new ProducerRecord<>(e.topic(), null, e.timestamp(), e.key(), e.value()));
            }
            for (Encoded e : extra) {
                producer.send(new ProducerRecord<>(e.topic(), null, e.timestamp(), e.key(), e.value()));
            }
        }
        Map<EventType, Integer> expected = new EnumMap<>(EventType.class);
        events.forEach(e -> expected.merge(EventType.of(e.event()), 1, Integer::sum));
        try (Pipeline pipeline = Pipeline.start(config, SchemaRegistries.codec(config), List.of())) {
            await("the pipeline has processed all " + (encoded.size() + extra.size()) + " records").atMost(Duration.ofMinutes(4))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        Scrape s = Scrape.orNull(pipeline.metricsPort());
                        return s != null && s.processed() == encoded.size() + extra.size();
                    });
            Scrape s = Scrape.of(pipeline.metricsPort());
            for (EventType t : EventType.values()) {
                assertThat(s.samples().getOrDefault("coding_events_total{type=\"" + t.name() + "\"}", 0.0))
                        .as("accepted " + t.name()).isEqualTo(expected.getOrDefault(t, 0).doubleValue());
            }
            assertThat(s.sum("coding_events_duplicate_total")).isZero();
            assertThat(s.sum("coding_events_rejected_total")).isEqualTo(extra.size());
        }
    }

    private static void awaitLeaders(List<String> topics) {
        try (org.apache.kafka.clients.admin.Admin admin = kafka.admin()) {
            await("every partition of " + topics + " has a leader").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200))
                    .until(() -> admin.describeTopics(topics).allTopicNames().get().values().stream()
                            .allMatch(d -> d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())));
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> readTopic(String topic) {
        Map<String, Object> p = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
            await("records of " + topic + " read").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ZERO).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
                return partitions.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
            });
            return out;
        }
    }

    /** An event as plain JSON: enums as symbols, timestamps as epoch milliseconds, unions unwrapped. */
    private static JsonNode toJson(SpecificRecord record) {
        ObjectNode o = JSON.createObjectNode();
        for (Schema.Field f : record.getSchema().getFields()) {
            o.set(f.name(), toJsonValue(record.get(f.pos())));
        }
        return o;
    }

    private static JsonNode toJsonValue(Object v) {
        if (v == null) {
            return JSON.nullNode();
        }
        if (v instanceof SpecificRecord r) {
            return toJson(r);
        }
        if (v instanceof Instant i) {
            return JSON.getNodeFactory().numberNode(i.toEpochMilli());
        }
        if (v instanceof Enum<?> e) {
            return JSON.getNodeFactory().textNode(e.name());
        }
        if (v instanceof CharSequence c) {
            return JSON.getNodeFactory().textNode(c.toString());
        }
        if (v instanceof List<?> l) {
            ArrayNode a = JSON.createArrayNode();
            l.forEach(x -> a.add(toJsonValue(x)));
            return a;
        }
        return JSON.valueToTree(v);
    }

    /** Numbers as exact decimals, so that 12 is the same whether it was a long, a double 12.0 or a JavaScript number. */
    private static JsonNode normalized(JsonNode n) {
        if (n.isNumber()) {
            return JSON.getNodeFactory().numberNode(new java.math.BigDecimal(n.asText()).stripTrailingZeros());
        }
        if (n.isArray()) {
            ArrayNode a = JSON.createArrayNode();
            n.forEach(x -> a.add(normalized(x)));
            return a;
        }
        if (n.isObject()) {
            ObjectNode o = JSON.createObjectNode();
            n.fields().forEachRemaining(f -> o.set(f.getKey(), normalized(f.getValue())));
            return o;
        }
        return n;
    }

    /** Runs interop.js; fails the test with the script's error when it reports one. */
    private static JsonNode node(String command, ObjectNode request) throws Exception {
        JsonNode answer = runNode(command, request);
        assertThat(answer.has("error") && answer.isObject()).as(command + ": " + answer).isFalse();
        return answer;
    }

    /** Runs interop.js where it must fail; its error document. */
    private static JsonNode nodeFailing(String command, ObjectNode request) throws Exception {
        JsonNode answer = runNode(command, request);
        assertThat(answer.has("error")).as(command + " should have failed: " + answer).isTrue();
        return answer;
    }

    private static JsonNode runNode(String command, ObjectNode request) throws Exception {
        Path file = Files.createTempFile("interop-request-", ".json");
        try {
            Files.writeString(file, request.toString());
            Path stderr = Files.createTempFile("interop-stderr-", ".txt");
            Process p = new ProcessBuilder("node", INTEROP.resolve("interop.js").toString(), command, file.toString())
                    .directory(INTEROP.toFile()).redirectError(stderr.toFile()).start();
            byte[] out = p.getInputStream().readAllBytes();
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("node " + command + " ended").isTrue();
            String err = Files.readString(stderr);
            Files.deleteIfExists(stderr);
            assertThat(out).as("node " + command + " printed nothing; stderr: " + err).isNotEmpty();
            return JSON.readTree(out);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static List<String> subjects() throws Exception {
        List<String> out = new ArrayList<>();
        JSON.readTree(get("/subjects")).forEach(s -> out.add(s.asText()));
        return out;
    }

    private static String get(String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(apicurio.ccompatUrl() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET " + path).isEqualTo(200);
        return r.body();
    }

    /**
     * A schema whose reference names a subject the registry does not have: stored through Apicurio's
     * own API (its Confluent API refuses such a registration, and refuses deleting a referenced subject).
     */
    private static int danglingReferenceSchema() throws Exception {
        String body = JSON.createObjectNode()
                .put("content", Files.readString(SCHEMAS.resolve("EncounterDischarged.avsc")))
                .set("references", JSON.createArrayNode().add(JSON.createObjectNode()
                        .put("name", "org.codingkpi.events.Setting").put("artifactId", "org.codingkpi.events.RemovedSetting").put("version", "1")))
                .toString();
        HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(apicurio.baseUrl() + "/apis/registry/v2/groups/default/artifacts"))
                .header("Content-Type", "application/create.extended+json").header("X-Registry-ArtifactType", "AVRO")
                .header("X-Registry-ArtifactId", "refs-dangling-org.codingkpi.events.EncounterDischarged")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        return JSON.readTree(created.body()).get("contentId").asInt();
    }
}
