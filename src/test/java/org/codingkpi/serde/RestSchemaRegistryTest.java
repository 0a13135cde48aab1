package org.codingkpi.serde;

import org.codingkpi.events.InvalidEventException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.apache.avro.Schema;
import org.codingkpi.events.EventType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The REST client against a scripted in-process stub; the real-registry proof is SchemaRegistryIT. */
class RestSchemaRegistryTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Schema DISCHARGED = EventType.EncounterDischarged.schema();

    private record Seen(String method, String path, String contentType, String authorization, String body) {
    }

    private record Reply(int status, String body) {
    }

    private HttpServer server;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final Deque<Reply> replies = new ArrayDeque<>();
    private String url;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort() + "/apis/ccompat/v7/";
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private synchronized void handle(HttpExchange ex) throws IOException {
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        seen.add(new Seen(ex.getRequestMethod(), ex.getRequestURI().getRawPath(), ex.getRequestHeaders().getFirst("Content-Type"),
                ex.getRequestHeaders().getFirst("Authorization"), body));
        Reply r = replies.isEmpty() ? new Reply(500, "{\"error_code\":50001,\"message\":\"no reply scripted\"}") : replies.poll();
        byte[] out = r.body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", RestSchemaRegistry.CONTENT_TYPE);
        ex.sendResponseHeaders(r.status, out.length == 0 ? -1 : out.length);
        if (out.length > 0) {
            ex.getResponseBody().write(out);
        }
        ex.close();
    }

    private synchronized void reply(int status, String body) {
        replies.add(new Reply(status, body));
    }

    private RestSchemaRegistry client() {
        return RestSchemaRegistry.builder(url).retries(2).backoff(Duration.ofMillis(1), Duration.ofMillis(5)).build();
    }

    @Test
    void registerPostsTheSchemaAsAvroUnderTheSubjectAndCachesTheId() throws IOException {
        reply(200, "{\"id\":7}");
        RestSchemaRegistry registry = client();

        assertThat(registry.register("encounters-org.codingkpi.events.EncounterDischarged", DISCHARGED)).isEqualTo(7);
        assertThat(registry.register("encounters-org.codingkpi.events.EncounterDischarged", DISCHARGED)).isEqualTo(7);
        assertThat(registry.byId(7)).isEqualTo(DISCHARGED);

        assertThat(seen).hasSize(1);
        Seen post = seen.get(0);
        assertThat(post.method()).isEqualTo("POST");
        assertThat(post.path()).isEqualTo("/apis/ccompat/v7/subjects/encounters-org.codingkpi.events.EncounterDischarged/versions");
        assertThat(post.contentType()).isEqualTo(RestSchemaRegistry.CONTENT_TYPE);
        JsonNode body = JSON.readTree(post.body());
        assertThat(body.get("schemaType").asText()).isEqualTo("AVRO");
        assertThat(new Schema.Parser().parse(body.get("schema").asText())).isEqualTo(DISCHARGED);
    }

    @Test
    void byIdFetchesOnceAndCachesForever() {
        reply(200, "{\"schema\":" + JSON.valueToTree(DISCHARGED.toString()) + ",\"references\":[]}");
        RestSchemaRegistry registry = client();

        assertThat(registry.byId(3)).isEqualTo(DISCHARGED);
        assertThat(registry.byId(3)).isEqualTo(DISCHARGED);

        assertThat(seen).hasSize(1);
        assertThat(seen.get(0).method()).isEqualTo("GET");
        assertThat(seen.get(0).path()).isEqualTo("/apis/ccompat/v7/schemas/ids/3");
    }

    @Test
    void schemaNotFoundIsAnUnknownSchemaId() {
        reply(404, "{\"error_code\":40403,\"message\":\"Schema 99 not found\"}");

        assertThatThrownBy(() -> client().byId(99)).isInstanceOf(SchemaRegistry.UnknownSchemaIdException.class);
    }

    @Test
    void aNotFoundWithoutTheRegistryErrorCodeIsAConfigurationErrorNotAnUnknownId() {
        reply(404, "");

        assertThatThrownBy(() -> client().byId(99))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("HTTP 404")
                .hasMessageContaining("schema.registry.url");
    }

    @Test
    void aNonAvroSchemaIsAnUnknownSchemaId() {
        reply(200, "{\"schemaType\":\"PROTOBUF\",\"schema\":\"syntax = \\\"proto3\\\";\"}");

        assertThatThrownBy(() -> client().byId(5)).isInstanceOf(SchemaRegistry.UnknownSchemaIdException.class);
    }

    private static String avsc(String name) {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("schemas", name + ".avsc"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A {@code /schemas/ids} or {@code /subjects/../versions/..} answer: an .avsc file and its references. */
    private static String answer(String avscName, String... referencedTypes) {
        StringBuilder refs = new StringBuilder("[");
        for (String t : referencedTypes) {
            refs.append(refs.length() > 1 ? "," : "").append("{\"name\":\"org.codingkpi.events.").append(t)
                    .append("\",\"subject\":\"org.codingkpi.events.").append(t).append("\",\"version\":1}");
        }
        return "{\"schema\":" + JSON.valueToTree(avsc(avscName)) + ",\"references\":" + refs.append("]") + "}";
    }

    private static String canonical(Schema s) {
        return org.apache.avro.SchemaNormalization.toParsingForm(s);
    }

    @Test
    void referencesAreResolvedThroughTheRegistryDepthFirstAndCached() {
        // EncounterCoded as the .avsc files have it: Setting, CodingMode and CodeEntry by reference,
        // CodeEntry with references of its own (CodeSystem, CodeSource)
        reply(200, answer("EncounterCoded", "Setting", "CodingMode", "CodeEntry"));
        reply(200, answer("Setting"));
        reply(200, answer("CodingMode"));
        reply(200, answer("CodeEntry", "CodeSystem", "CodeSource"));
        reply(200, answer("CodeSystem"));
        reply(200, answer("CodeSource"));
        reply(200, answer("EncounterDischarged", "Setting"));
        RestSchemaRegistry registry = client();

        assertThat(canonical(registry.byId(10))).isEqualTo(canonical(EventType.EncounterCoded.schema()));
        assertThat(canonical(registry.byId(11))).isEqualTo(canonical(DISCHARGED));
        assertThat(canonical(registry.byId(10))).isEqualTo(canonical(EventType.EncounterCoded.schema()));

        assertThat(seen.stream().map(Seen::path).toList()).containsExactly(
                "/apis/ccompat/v7/schemas/ids/10",
                "/apis/ccompat/v7/subjects/org.codingkpi.events.Setting/versions/1",
                "/apis/ccompat/v7/subjects/org.codingkpi.events.CodingMode/versions/1",
                "/apis/ccompat/v7/subjects/org.codingkpi.events.CodeEntry/versions/1",
                "/apis/ccompat/v7/subjects/org.codingkpi.events.CodeSystem/versions/1",
                "/apis/ccompat/v7/subjects/org.codingkpi.events.CodeSource/versions/1",
                // Setting is cached from the first id's resolution
                "/apis/ccompat/v7/schemas/ids/11");
    }

    @Test
    void aReferenceTheRegistryDoesNotHaveIsAnUnknownSchemaRejectionThatNamesIt() {
        reply(200, answer("EncounterDischarged", "Setting"));
        reply(404, "{\"error_code\":40401,\"message\":\"Subject 'org.codingkpi.events.Setting' not found.\"}");
        EventCodec codec = new EventCodec(client());
        byte[] record = {EventCodec.MAGIC_BYTE, 0, 0, 0, 12, 0};

        assertThatThrownBy(() -> codec.decode(record))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> {
                    assertThat(e.reason()).isEqualTo(org.codingkpi.events.RejectReason.UNKNOWN_SCHEMA);
                    assertThat(e.getMessage()).isEqualTo("unknown_schema: schema id 12 references org.codingkpi.events.Setting"
                            + " (subject org.codingkpi.events.Setting, version 1), which the schema registry does not have (error 40401)");
                });
    }

    @Test
    void aSchemaWithReferencesTheAnswerLeavesOutIsUnknownAndSaysItCannotBeParsed() {
        reply(200, answer("EncounterDischarged"));

        assertThatThrownBy(() -> client().byId(13))
                .isInstanceOf(SchemaRegistry.UnknownSchemaIdException.class)
                .hasMessageStartingWith("schema id 13 is not a parsable Avro schema (")
                .hasMessageContaining("Setting");
    }

    @Test
    void lookupAsksTheSubjectWithoutRegisteringAndANotFoundIsNotRegistered() throws IOException {
        reply(200, "{\"subject\":\"encounters-org.codingkpi.events.EncounterDischarged\",\"id\":8,\"version\":1}");
        reply(404, "{\"error_code\":40401,\"message\":\"Subject not found\"}");
        reply(404, "{\"error_code\":40401,\"message\":\"Subject not found\"}");
        RestSchemaRegistry registry = client();

        assertThat(registry.lookup("encounters-org.codingkpi.events.EncounterDischarged", DISCHARGED)).isEqualTo(8);
        assertThatThrownBy(() -> registry.lookup("claims-org.codingkpi.events.ClaimPaid", EventType.ClaimPaid.schema()))
                .isInstanceOf(SchemaRegistry.NotRegisteredException.class)
                .hasMessage("schema org.codingkpi.events.ClaimPaid is not registered under subject claims-org.codingkpi.events.ClaimPaid");

        assertThat(seen.get(0).method()).isEqualTo("POST");
        assertThat(seen.get(0).path()).isEqualTo("/apis/ccompat/v7/subjects/encounters-org.codingkpi.events.EncounterDischarged");
        assertThat(JSON.readTree(seen.get(0).body()).get("schemaType").asText()).isEqualTo("AVRO");
    }

    @Test
    void lookupFindsAVersionRegisteredFromTheAvscFilesByItsCanonicalForm() {
        reply(404, "{\"error_code\":40403,\"message\":\"Schema not found\"}");
        reply(200, "[1,2]");
        reply(200, "{\"id\":21,\"version\":2," + answer("EncounterDischarged", "Setting").substring(1));
        reply(200, answer("Setting"));

        assertThat(client().lookup("encounters-org.codingkpi.events.EncounterDischarged", DISCHARGED)).isEqualTo(21);
        assertThat(seen.stream().map(Seen::path).toList()).containsExactly(
                "/apis/ccompat/v7/subjects/encounters-org.codingkpi.events.EncounterDischarged",
                "/apis/ccompat/v7/subjects/encounters-org.codingkpi.events.EncounterDischarged/versions",
                "/apis/ccompat/v7/subjects/encounters-org.codingkpi.events.EncounterDischarged/versions/2",
                "/apis/ccompat/v7/subjects/org.codingkpi.events.Setting/versions/1");
    }

    @Test
    void serverErrorsAreRetriedWithBackoff() {
        reply(503, "{\"error_code\":50003,\"message\":\"forwarding failed\"}");
        reply(500, "");
        reply(200, "{\"id\":4}");

        assertThat(client().register("claims-org.codingkpi.events.ClaimPaid", EventType.ClaimPaid.schema())).isEqualTo(4);
        assertThat(seen).hasSize(3);
    }

    @Test
    void retriesAreBoundedAndTheErrorNamesStatusAndRegistryMessage() {
        reply(503, "{\"error_code\":50003,\"message\":\"forwarding failed\"}");
        reply(503, "{\"error_code\":50003,\"message\":\"forwarding failed\"}");
        reply(503, "{\"error_code\":50003,\"message\":\"forwarding failed\"}");
        reply(200, "{\"id\":4}");

        assertThatThrownBy(() -> client().register("claims-org.codingkpi.events.ClaimPaid", EventType.ClaimPaid.schema()))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("HTTP 503")
                .hasMessageContaining("error 50003: forwarding failed")
                .hasMessageContaining("claims-org.codingkpi.events.ClaimPaid");
        assertThat(seen).hasSize(3);
    }

    @Test
    void clientErrorsAreNotRetriedAndSchemaBodiesStayOutOfTheMessage() {
        reply(422, "{\"error_code\":42201,\"message\":\"Invalid schema {\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"EncounterDischarged\\\"}\"}");

        assertThatThrownBy(() -> client().register("encounters-x", DISCHARGED))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("HTTP 422 (error 42201: Invalid schema [schema omitted])")
                .hasMessageNotContaining("\"record\"");
        assertThat(seen).hasSize(1);
    }

    @Test
    void basicAuthIsSentAndAuthFailuresPointAtTheSetting() {
        reply(401, "{\"error_code\":401,\"message\":\"Unauthorized\"}");
        RestSchemaRegistry registry = RestSchemaRegistry.builder(url).basicAuth("svc:s3cret").retries(0).build();

        assertThatThrownBy(() -> registry.byId(1))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("HTTP 401")
                .hasMessageContaining("schema.registry.basic.auth.user.info")
                .hasMessageNotContaining("s3cret");
        assertThat(seen.get(0).authorization())
                .isEqualTo("Basic " + Base64.getEncoder().encodeToString("svc:s3cret".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aBearerTokenIsSentAndNeverShown() {
        reply(401, "{\"error_code\":401,\"message\":\"Unauthorized\"}");
        RestSchemaRegistry registry = RestSchemaRegistry.builder(url).bearerToken("tok-3xyz").retries(0).build();

        assertThatThrownBy(() -> registry.byId(1))
                .hasMessageContaining("HTTP 401")
                .hasMessageContaining("schema.registry.bearer.auth.token")
                .hasMessageNotContaining("tok-3xyz");
        assertThat(seen.get(0).authorization()).isEqualTo("Bearer tok-3xyz");
    }

    @Test
    void basicAuthAndABearerTokenTogetherAreAConfigurationError() {
        assertThatThrownBy(() -> RestSchemaRegistry.builder(url).basicAuth("svc:pw").bearerToken("tok").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not both");
    }

    @Test
    void credentialsInTheUrlAreUsedAndNeverShown() {
        reply(500, "");
        String withCredentials = url.replace("http://", "http://svc:s3cret@");
        RestSchemaRegistry registry = RestSchemaRegistry.builder(withCredentials).retries(0).build();

        assertThat(registry.urls().toString()).doesNotContain("s3cret");
        assertThatThrownBy(() -> registry.byId(1)).hasMessageNotContaining("s3cret");
        assertThat(seen.get(0).authorization()).startsWith("Basic ");
    }

    @Test
    void anUnreachableRegistryFailsAfterTheBoundedRetriesWithAClearMessage() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        RestSchemaRegistry registry = RestSchemaRegistry.builder("http://127.0.0.1:" + closedPort).retries(1)
                .backoff(Duration.ofMillis(1), Duration.ofMillis(1)).connectTimeout(Duration.ofSeconds(2)).build();

        assertThatThrownBy(() -> registry.register("encounters-x", DISCHARGED))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("cannot reach the schema registry at http://127.0.0.1:" + closedPort);
    }

    @Test
    void withSeveralUrlsTheNextIsTriedAfterAConnectionError() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        reply(200, "{\"id\":11}");
        RestSchemaRegistry registry = RestSchemaRegistry.builder("http://127.0.0.1:" + closedPort + "," + url).retries(1)
                .backoff(Duration.ofMillis(1), Duration.ofMillis(1)).build();

        assertThat(registry.register("encounters-x", DISCHARGED)).isEqualTo(11);
    }

    @Test
    void anAnswerThatIsNotJsonPointsAtTheUrl() {
        reply(200, "<html>login</html>");

        assertThatThrownBy(() -> client().byId(1))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("not a schema registry answer")
                .hasMessageNotContaining("login");
    }

    @Test
    void badUrlsAreRejectedAtConstruction() {
        assertThatThrownBy(() -> RestSchemaRegistry.builder("localhost:8081").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("schema.registry.url");
        assertThatThrownBy(() -> RestSchemaRegistry.builder(" , ").build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RestSchemaRegistry.builder("http://h:8081").basicAuth("nopassword").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("user:password");
    }
}
