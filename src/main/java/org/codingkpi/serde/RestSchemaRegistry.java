package org.codingkpi.serde;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.AvroRuntimeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A client of the Confluent Schema Registry REST API, written against the API rather than Confluent's
 * jars, so that it works with every registry that speaks it: Confluent Schema Registry
 * ({@code http://host:8081}), Apicurio Registry's compatibility API
 * ({@code http://host:8080/apis/ccompat/v7}), Karapace ({@code http://host:8081}) and Redpanda
 * ({@code http://host:8081}).
 *
 * <ul>
 *   <li>{@link #register}: {@code POST /subjects/{subject}/versions} with
 *       {@code {"schemaType":"AVRO","schema":"..."}}; the registry answers with the existing id when
 *       the schema is already registered under the subject. Cached per (subject, schema).</li>
 *   <li>{@link #byId}: {@code GET /schemas/ids/{id}}. Ids are immutable, so the answer is cached for
 *       the life of the client. {@code 404} with error code {@code 40403} is
 *       {@link UnknownSchemaIdException} (the pipeline's {@code unknown_schema} rejection); any other
 *       failure is a {@link SchemaRegistryException} (a misconfigured URL must not dead-letter every
 *       record).</li>
 *   <li>Schema references ({@code "references":[{"name","subject","version"}]} in that answer, as
 *       Confluent's serializers write for shared types): each is fetched with
 *       {@code GET /subjects/{subject}/versions/{version}} (its own references first) and parsed into
 *       the same Avro parser before the schema itself; cached like ids. A reference the registry does
 *       not have is {@link UnknownSchemaIdException} with a message naming it.</li>
 *   <li>Connection errors, timeouts, 408, 429 and 5xx are retried with exponential backoff, a bounded
 *       number of times; with several comma-separated URLs the next one is tried after a connection
 *       error.</li>
 * </ul>
 *
 * <p>Log lines and exception messages name the operation, the registry URL (credentials removed), the
 * HTTP status and the registry's error; never a schema body or a record. Instances are thread-safe.
 */
public final class RestSchemaRegistry implements SchemaRegistry {
    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    /** The registry error code of "schema not found" (Confluent, Apicurio ccompat, Karapace, Redpanda). */
    public static final int SCHEMA_NOT_FOUND = 40403;
    /** The registry error codes of "subject not found" and "version not found". */
    public static final int SUBJECT_NOT_FOUND = 40401;
    public static final int VERSION_NOT_FOUND = 40402;
    /** How deep references may nest (a reference of a reference ...). */
    private static final int MAX_REFERENCE_DEPTH = 32;

    private static final Logger LOG = LoggerFactory.getLogger(RestSchemaRegistry.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_ERROR_MESSAGE = 300;

    private final List<URI> baseUrls;
    private final AtomicInteger current = new AtomicInteger();
    private final HttpClient http;
    private final String authorization;
    private final Duration requestTimeout;
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Map<Integer, Schema> schemas = new ConcurrentHashMap<>();
    private final Map<SubjectSchema, Integer> ids = new ConcurrentHashMap<>();
    /** Referenced schemas by {@code subject/version}: immutable once registered, so cached like ids. */
    private final Map<String, Referenced> references = new ConcurrentHashMap<>();

    private record SubjectSchema(String subject, Schema schema) {
    }

    private record Referenced(String schema, JsonNode references) {
    }

    private RestSchemaRegistry(Builder b) {
        List<URI> urls = new ArrayList<>();
        String userInfo = b.userInfo;
        for (String raw : b.urls.split(",")) {
            if (raw.isBlank()) {
                continue;
            }
            URI uri = parseUrl(raw.trim());
            if (uri.getRawUserInfo() != null) {
                userInfo = userInfo != null ? userInfo : java.net.URLDecoder.decode(uri.getRawUserInfo(), StandardCharsets.UTF_8);
                uri = withoutUserInfo(uri);
            }
            urls.add(uri);
        }
        if (urls.isEmpty()) {
            throw new IllegalArgumentException("schema registry: no URL given");
        }
        this.baseUrls = List.copyOf(urls);
        if (b.bearerToken != null && !b.bearerToken.isBlank()) {
            if (userInfo != null && !userInfo.isEmpty()) {
                throw new IllegalArgumentException("schema registry: give basic auth (schema.registry.basic.auth.user.info) or a bearer token "
                        + "(schema.registry.bearer.auth.token), not both");
            }
            this.authorization = "Bearer " + b.bearerToken.trim();
        } else if (userInfo != null && !userInfo.isEmpty()) {
            if (userInfo.indexOf(':') < 0) {
                throw new IllegalArgumentException("schema registry basic auth: expected user:password");
            }
            this.authorization = "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
        } else {
            this.authorization = null;
        }
        HttpClient.Builder hb = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(b.connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER);
        if (b.sslContext != null) {
            hb.sslContext(b.sslContext);
        }
        this.http = hb.build();
        this.requestTimeout = b.requestTimeout;
        this.maxAttempts = b.retries + 1;
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
    }

    /** A client of the registry at {@code urls} (one URL, or several separated by commas). */
    public static Builder builder(String urls) {
        return new Builder(urls);
    }

    /** The registry URLs, without credentials: safe to log. */
    public List<URI> urls() {
        return baseUrls;
    }

    @Override
    public int register(String subject, Schema schema) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        Integer cached = ids.get(key);
        if (cached != null) {
            return cached;
        }
        String what = "registering a schema under subject " + subject;
        return remember(key, call("POST", "/subjects/" + pathSegment(subject) + "/versions", schemaBody(schema), what), what);
    }

    /** The request body that registers or looks up a schema. */
    private static String schemaBody(Schema schema) {
        ObjectNode body = JSON.createObjectNode();
        body.put("schemaType", "AVRO");
        body.put("schema", schema.toString());
        return body.toString();
    }

    /** The id of a registration or lookup answer, cached for its subject and schema. */
    private int remember(SubjectSchema key, JsonNode answer, String what) {
        JsonNode id = answer.get("id");
        if (id == null || !id.canConvertToInt()) {
            throw new SchemaRegistryException(what + ": the schema registry's answer has no integer \"id\"", 200, -1, null);
        }
        ids.put(key, id.intValue());
        schemas.putIfAbsent(id.intValue(), key.schema());
        return id.intValue();
    }

    /**
     * {@code POST /subjects/{subject}} with the schema: its id when the subject holds it (cached like
     * a registration). Registries match the text; when the subject holds no version with this text
     * (40403), the newest version with the same Avro parsing canonical form (references resolved) is
     * used, for example one registered from the {@code schemas/*.avsc} files. {@link NotRegisteredException}
     * when there is none, or no subject (40401).
     */
    @Override
    public int lookup(String subject, Schema schema) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        Integer cached = ids.get(key);
        if (cached != null) {
            return cached;
        }
        String what = "looking up schema " + schema.getFullName() + " under subject " + subject;
        JsonNode answer;
        try {
            answer = call("POST", "/subjects/" + pathSegment(subject), schemaBody(schema), what);
        } catch (SchemaRegistryException e) {
            if (e.status() == 404 && (e.errorCode() == SUBJECT_NOT_FOUND || e.errorCode() == SCHEMA_NOT_FOUND)) {
                // the subject exists but holds no version with this exact text (registries compare the text,
                // and one registered from .avsc files, or with references, differs from the event class's):
                // a version with the same Avro parsing canonical form encodes the same bytes
                int found = sameCanonicalForm(subject, schema);
                if (found >= 0) {
                    ids.put(key, found);
                    return found;
                }
                throw new NotRegisteredException(subject, schema.getFullName());
            }
            throw e;
        }
        return remember(key, answer, what);
    }

    /** The id of the newest version of the subject whose schema (references resolved) has the schema's canonical form; -1 if none. */
    private int sameCanonicalForm(String subject, Schema schema) {
        String wanted = SchemaNormalization.toParsingForm(schema);
        JsonNode versions;
        try {
            versions = callArray("/subjects/" + pathSegment(subject) + "/versions", "listing the versions of subject " + subject);
        } catch (SchemaRegistryException e) {
            if (e.status() == 404) {
                return -1;
            }
            throw e;
        }
        for (int i = versions.size() - 1; i >= 0; i--) {
            String version = versions.get(i).asText();
            JsonNode answer = call("GET", "/subjects/" + pathSegment(subject) + "/versions/" + pathSegment(version), null,
                    "reading version " + version + " of subject " + subject);
            JsonNode id = answer.get("id");
            JsonNode text = answer.get("schema");
            JsonNode type = answer.get("schemaType");
            if (id == null || !id.canConvertToInt() || text == null || !text.isTextual()
                    || type != null && !type.isNull() && !"AVRO".equalsIgnoreCase(type.asText())) {
                continue;
            }
            try {
                Schema.Parser parser = new Schema.Parser();
                resolveReferences(id.intValue(), answer.get("references"), parser, new java.util.HashSet<>());
                if (wanted.equals(SchemaNormalization.toParsingForm(parser.parse(text.asText())))) {
                    return id.intValue();
                }
            } catch (UnknownSchemaIdException | AvroRuntimeException e) {
                // a version this client cannot use: not the one
            }
        }
        return -1;
    }

    /** A GET whose answer is a JSON array (the versions of a subject). */
    private JsonNode callArray(String path, String what) {
        // call() wants an object: wrap the array the registry answers with
        return call("GET", path, null, what, true).get("array");
    }

    /**
     * Asks the registry whether a schema may be registered next under a subject, by the subject's
     * compatibility rule ({@code POST /compatibility/subjects/S/versions/latest}). A subject that
     * does not exist yet accepts any schema.
     */
    public boolean isCompatible(String subject, Schema schema) {
        ObjectNode body = JSON.createObjectNode();
        body.put("schemaType", "AVRO");
        body.put("schema", schema.toString());
        String what = "checking compatibility under subject " + subject;
        JsonNode answer;
        try {
            answer = call("POST", "/compatibility/subjects/" + pathSegment(subject) + "/versions/latest", body.toString(), what);
        } catch (SchemaRegistryException e) {
            if (e.status() == 404) {
                return true; // no version yet: nothing to be compatible with
            }
            throw e;
        }
        JsonNode ok = answer.get("is_compatible");
        if (ok == null || !ok.isBoolean()) {
            throw new SchemaRegistryException(what + ": the schema registry's answer has no boolean \"is_compatible\"", 200, -1, null);
        }
        return ok.booleanValue();
    }

    /** Sets a subject's compatibility rule ({@code PUT /config/S}), e.g. BACKWARD. */
    public void setCompatibility(String subject, String level) {
        ObjectNode body = JSON.createObjectNode();
        body.put("compatibility", level);
        call("PUT", "/config/" + pathSegment(subject), body.toString(), "setting the compatibility of subject " + subject);
    }

    @Override
    public Schema byId(int id) {
        Schema cached = schemas.get(id);
        if (cached != null) {
            return cached;
        }
        String what = "looking up schema id " + id;
        JsonNode answer;
        try {
            answer = call("GET", "/schemas/ids/" + id, null, what);
        } catch (SchemaRegistryException e) {
            if (e.status() == 404 && (e.errorCode() == SUBJECT_NOT_FOUND || e.errorCode() == SCHEMA_NOT_FOUND)) {
                throw new UnknownSchemaIdException(id);
            }
            throw e;
        }
        JsonNode type = answer.get("schemaType");
        if (type != null && !type.isNull() && !"AVRO".equalsIgnoreCase(type.asText())) {
            // a JSON Schema or Protobuf id: not one of the pipeline's Avro events
            throw new UnknownSchemaIdException(id);
        }
        JsonNode text = answer.get("schema");
        if (text == null || !text.isTextual()) {
            throw new SchemaRegistryException(what + ": the schema registry's answer has no \"schema\" text", 200, -1, null);
        }
        Schema.Parser parser = new Schema.Parser();
        resolveReferences(id, answer.get("references"), parser, new java.util.HashSet<>());
        Schema schema;
        try {
            schema = parser.parse(text.asText());
        } catch (AvroRuntimeException e) { // SchemaParseException; AvroTypeException for an undefined name
            // not a parsable Avro schema, even with its references: not one of the five event types
            throw new UnknownSchemaIdException(id, "schema id " + id + " is not a parsable Avro schema"
                    + (hasReferences(answer.get("references")) ? " with its references" : "") + " (" + sanitize(String.valueOf(e.getMessage())) + ")");
        }
        Schema raced = schemas.putIfAbsent(id, schema);
        return raced != null ? raced : schema;
    }

    private static boolean hasReferences(JsonNode references) {
        return references != null && references.isArray() && !references.isEmpty();
    }

    /**
     * Makes the named types a schema refers to known to the parser, depth first: each reference
     * ({@code name}, {@code subject}, {@code version}) is fetched with
     * {@code GET /subjects/{subject}/versions/{version}} (cached for the life of the client, like
     * ids), its own references resolved first. A reference the registry does not have (40401 subject
     * or 40402 version not found) makes the whole id unknown, with a message that names it.
     */
    private void resolveReferences(int id, JsonNode references, Schema.Parser parser, java.util.Set<String> visiting) {
        if (!hasReferences(references)) {
            return;
        }
        if (visiting.size() > MAX_REFERENCE_DEPTH) {
            throw new UnknownSchemaIdException(id, "schema id " + id + " has references nested deeper than " + MAX_REFERENCE_DEPTH);
        }
        for (JsonNode ref : references) {
            String name = text(ref, "name");
            String subject = text(ref, "subject");
            String version = text(ref, "version");
            if (subject == null || version == null) {
                throw new UnknownSchemaIdException(id, "schema id " + id + " has a reference without subject or version");
            }
            if (name != null && parser.getTypes().containsKey(name)) {
                continue;
            }
            String key = subject + "/" + version;
            if (!visiting.add(key)) {
                continue;
            }
            Referenced referenced = referenced(id, name, subject, version);
            resolveReferences(id, referenced.references(), parser, visiting);
            if (name == null || !parser.getTypes().containsKey(name)) {
                try {
                    parser.parse(referenced.schema());
                } catch (AvroRuntimeException e) { // SchemaParseException; AvroTypeException for an undefined name
                    throw new UnknownSchemaIdException(id, "schema id " + id + " references " + describeRef(name, subject, version)
                            + ", which is not a parsable Avro schema (" + sanitize(String.valueOf(e.getMessage())) + ")");
                }
            }
        }
    }

    private Referenced referenced(int id, String name, String subject, String version) {
        String key = subject + "/" + version;
        Referenced cached = references.get(key);
        if (cached != null) {
            return cached;
        }
        String what = "resolving the reference " + describeRef(name, subject, version) + " of schema id " + id;
        JsonNode answer;
        try {
            answer = call("GET", "/subjects/" + pathSegment(subject) + "/versions/" + pathSegment(version), null, what);
        } catch (SchemaRegistryException e) {
            if (e.status() == 404 && (e.errorCode() == SUBJECT_NOT_FOUND || e.errorCode() == VERSION_NOT_FOUND || e.errorCode() == SCHEMA_NOT_FOUND)) {
                throw new UnknownSchemaIdException(id, "schema id " + id + " references " + describeRef(name, subject, version)
                        + ", which the schema registry does not have (error " + e.errorCode() + ")");
            }
            throw e;
        }
        JsonNode type = answer.get("schemaType");
        if (type != null && !type.isNull() && !"AVRO".equalsIgnoreCase(type.asText())) {
            throw new UnknownSchemaIdException(id, "schema id " + id + " references " + describeRef(name, subject, version)
                    + ", which is a " + type.asText() + " schema, not Avro");
        }
        JsonNode text = answer.get("schema");
        if (text == null || !text.isTextual()) {
            throw new SchemaRegistryException(what + ": the schema registry's answer has no \"schema\" text", 200, -1, null);
        }
        Referenced r = new Referenced(text.asText(), answer.get("references"));
        Referenced raced = references.putIfAbsent(key, r);
        return raced != null ? raced : r;
    }

    private static String describeRef(String name, String subject, String version) {
        return (name != null ? name + " " : "") + "(subject " + subject + ", version " + version + ")";
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private JsonNode call(String method, String path, String body, String what) {
        return call(method, path, body, what, false);
    }

    private JsonNode call(String method, String path, String body, String what, boolean array) {
        Duration backoff = initialBackoff;
        for (int attempt = 1; ; attempt++) {
            int index = Math.floorMod(current.get(), baseUrls.size());
            URI base = baseUrls.get(index);
            HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(base + path))
                    .timeout(requestTimeout)
                    .header("Accept", CONTENT_TYPE + ", application/json;q=0.9")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            if (body != null) {
                rb.header("Content-Type", CONTENT_TYPE);
            }
            if (authorization != null) {
                rb.header("Authorization", authorization);
            }
            String failure;
            SchemaRegistryException error;
            try {
                HttpResponse<String> response = http.send(rb.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                int status = response.statusCode();
                if (status >= 200 && status < 300) {
                    return array ? parseArray(response, what, base) : parseAnswer(response, what, base);
                }
                error = httpError(response, what, base);
                if (!retryable(status)) {
                    throw error;
                }
                failure = "HTTP " + status;
            } catch (javax.net.ssl.SSLException e) {
                // a certificate the truststore does not vouch for, or a protocol mismatch: retrying changes nothing
                throw new SchemaRegistryException(what + ": TLS with the schema registry at " + base + " failed (" + describe(e)
                        + "); check schema.registry.ssl.truststore.location (the registry's CA) and that the URL is https", -1, -1, e);
            } catch (IOException e) {
                failure = e.getClass().getSimpleName();
                error = new SchemaRegistryException(what + ": cannot reach the schema registry at " + base + " (" + describe(e)
                        + "); check schema.registry.url and the network", -1, -1, e);
                if (baseUrls.size() > 1) {
                    current.compareAndSet(index, index + 1);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SchemaRegistryException(what + ": interrupted", -1, -1, e);
            }
            if (attempt >= maxAttempts) {
                throw error;
            }
            LOG.warn("Schema registry request failed ({}), attempt {} of {}; retrying in {} ms", failure, attempt, maxAttempts,
                    backoff.toMillis());
            pause(backoff, what);
            backoff = backoff.multipliedBy(2).compareTo(maxBackoff) > 0 ? maxBackoff : backoff.multipliedBy(2);
        }
    }

    private static boolean retryable(int status) {
        return status >= 500 || status == 408 || status == 429;
    }

    private static JsonNode parseArray(HttpResponse<String> response, String what, URI base) {
        try {
            JsonNode node = JSON.readTree(response.body());
            if (node != null && node.isArray()) {
                ObjectNode wrapped = JSON.createObjectNode();
                wrapped.set("array", node);
                return wrapped;
            }
        } catch (JsonProcessingException e) {
            // below
        }
        throw new SchemaRegistryException(what + ": " + base + " answered HTTP " + response.statusCode() + " with "
                + contentType(response) + " that is not a schema registry answer; check schema.registry.url (Apicurio: "
                + ".../apis/ccompat/v7)", response.statusCode(), -1, null);
    }

    private static JsonNode parseAnswer(HttpResponse<String> response, String what, URI base) {
        try {
            JsonNode node = JSON.readTree(response.body());
            if (node == null || !node.isObject()) {
                throw new JsonProcessingException("not a JSON object") {
                };
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new SchemaRegistryException(what + ": " + base + " answered HTTP " + response.statusCode() + " with "
                    + contentType(response) + " that is not a schema registry answer; check schema.registry.url (Apicurio: "
                    + ".../apis/ccompat/v7)", response.statusCode(), -1, null);
        }
    }

    private static SchemaRegistryException httpError(HttpResponse<String> response, String what, URI base) {
        int status = response.statusCode();
        int code = -1;
        String message = null;
        try {
            JsonNode node = JSON.readTree(response.body());
            if (node != null && node.isObject()) {
                JsonNode c = node.get("error_code");
                code = c != null && c.canConvertToInt() ? c.intValue() : -1;
                JsonNode m = node.get("message");
                message = m != null && !m.isNull() ? m.asText() : null;
            }
        } catch (JsonProcessingException e) {
            // not a registry error document (a proxy's page, for example): status only
        }
        StringBuilder s = new StringBuilder(what).append(": the schema registry at ").append(base).append(" answered HTTP ").append(status);
        if (code >= 0 || message != null) {
            s.append(" (");
            if (code >= 0) {
                s.append("error ").append(code);
            }
            if (message != null) {
                s.append(code >= 0 ? ": " : "").append(sanitize(message));
            }
            s.append(')');
        }
        if (status == 401 || status == 403) {
            s.append("; check schema.registry.basic.auth.user.info or schema.registry.bearer.auth.token");
        } else if (status == 404 && code < 0) {
            s.append("; check schema.registry.url (Apicurio: .../apis/ccompat/v7)");
        }
        return new SchemaRegistryException(s.toString(), status, code, null);
    }

    /** A registry's error message, without anything that looks like a schema body, and short. */
    static String sanitize(String message) {
        String m = message.replaceAll("\\s+", " ").trim();
        int schemaStart = indexOfSchema(m);
        if (schemaStart >= 0) {
            m = m.substring(0, schemaStart).trim() + " [schema omitted]";
        }
        return m.length() > MAX_ERROR_MESSAGE ? m.substring(0, MAX_ERROR_MESSAGE) + "..." : m;
    }

    private static int indexOfSchema(String m) {
        int best = -1;
        for (String marker : new String[] {"{\"type\"", "{\"namespace\"", "{\"name\"", "{\"fields\"", "schema={", "schema=\"{"}) {
            int i = m.indexOf(marker);
            if (i >= 0 && (best < 0 || i < best)) {
                best = i;
            }
        }
        return best;
    }

    private static String contentType(HttpResponse<?> response) {
        return response.headers().firstValue("Content-Type").map(t -> "content type " + t).orElse("a body");
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + m;
    }

    private static void pause(Duration d, String what) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException(what + ": interrupted", -1, -1, e);
        }
    }

    private static String pathSegment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static URI parseUrl(String raw) {
        String s = raw;
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        URI uri;
        try {
            uri = new URI(s);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("schema.registry.url: not a URL (" + e.getReason() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new IllegalArgumentException("schema.registry.url: expected http://host:port[/path] or https://..., got scheme \""
                    + scheme + "\"");
        }
        return uri;
    }

    private static URI withoutUserInfo(URI uri) {
        try {
            return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), uri.getQuery(), uri.getFragment());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("schema.registry.url: not a URL (" + e.getReason() + ")");
        }
    }

    /** Settings of a {@link RestSchemaRegistry}; defaults suit a registry on the local network. */
    public static final class Builder {
        private final String urls;
        private String userInfo;
        private String bearerToken;
        private SSLContext sslContext;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private int retries = 5;
        private Duration initialBackoff = Duration.ofMillis(200);
        private Duration maxBackoff = Duration.ofSeconds(5);

        private Builder(String urls) {
            this.urls = Objects.requireNonNull(urls, "urls");
        }

        /** HTTP basic authentication, {@code user:password}; null or empty for none. */
        public Builder basicAuth(String userInfo) {
            this.userInfo = userInfo;
            return this;
        }

        /** {@code Authorization: Bearer TOKEN} (an OAuth access token or API key); null or empty for none. */
        public Builder bearerToken(String token) {
            this.bearerToken = token;
            return this;
        }

        /** The TLS context for https URLs; by default the JVM's (its default truststore). */
        public Builder sslContext(SSLContext sslContext) {
            this.sslContext = sslContext;
            return this;
        }

        public Builder connectTimeout(Duration d) {
            this.connectTimeout = positive("connect timeout", d);
            return this;
        }

        public Builder requestTimeout(Duration d) {
            this.requestTimeout = positive("request timeout", d);
            return this;
        }

        /** How often a failed request (connection error, timeout, 408, 429, 5xx) is retried. */
        public Builder retries(int retries) {
            if (retries < 0) {
                throw new IllegalArgumentException("schema registry retries: expected >= 0, got " + retries);
            }
            this.retries = retries;
            return this;
        }

        /** The first pause between attempts (doubled after each, up to {@code max}). */
        public Builder backoff(Duration initial, Duration max) {
            this.initialBackoff = positive("backoff", initial);
            this.maxBackoff = positive("max backoff", max);
            return this;
        }

        public RestSchemaRegistry build() {
            return new RestSchemaRegistry(this);
        }

        private static Duration positive(String what, Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("schema registry " + what + ": expected a positive duration");
            }
            return d;
        }
    }
}
