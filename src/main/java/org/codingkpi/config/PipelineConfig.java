package org.codingkpi.config;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.codingkpi.deadletter.DeadLetterHandler;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * The pipeline's settings: a properties file, then environment overrides, then defaults
 * ({@code putIfAbsent}). The project's own keys are listed in {@link #OWN_KEYS}; every other key is
 * a Kafka client or Kafka Streams setting and is passed on as it is (security settings such as
 * {@code security.protocol}, {@code ssl.*}, {@code sasl.*} included).
 *
 * <p>Environment: {@code CODING_KPI_METRICS_PORT=9500} sets {@code metrics.port};
 * {@code KAFKA_BOOTSTRAP_SERVERS=h:9092} sets {@code bootstrap.servers} (a {@code KAFKA_} prefix,
 * lower-cased, {@code _} to {@code .}).
 */
public final class PipelineConfig {
    public static final String APPLICATION_ID = "application.id";
    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String TOPIC_ENCOUNTERS = "topic.encounters";
    public static final String TOPIC_AI = "topic.ai.suggestions";
    public static final String TOPIC_CLAIMS = "topic.claims";
    public static final String TOPIC_DEAD_LETTER = "topic.dead.letter";
    public static final String TOPIC_AUDIT = "topic.audit";
    /** The KPI tasks' ROI month sums (compacted), read back by every instance as one global set (ROI.md version 2). */
    public static final String TOPIC_ROI = "topic.roi";
    /** The ledger of files `import --watch` committed (one record per file, written in the file's transaction). */
    public static final String TOPIC_IMPORTS = "topic.imports";
    /** The transactional id of `import --watch` (default: derived from the folder's path). */
    public static final String IMPORT_TRANSACTIONAL_ID = "import.transactional.id";
    public static final String TOPIC_PARTITIONS = "topic.partitions";
    public static final String DEDUPE_RETENTION = "dedupe.retention";
    /**
     * How the producers of the claims topic choose a claim's partition: {@code claim_id} (by its key, the
     * default) or {@code encounter_id} (the partition of its encounter, as this project's own producers do).
     */
    public static final String CLAIMS_PARTITIONED_BY = "claims.partitioned.by";
    public static final String ATTRIBUTION_MAX_WAIT = "attribution.max.wait";
    public static final String ATTRIBUTION_RETENTION = "attribution.retention";
    public static final String DNFC_RETENTION = "dnfc.retention";
    public static final String DNFB_RETENTION = "dnfb.retention";
    public static final String AR_RETENTION = "ar.retention";
    /** YAML file of mandatory-review rules (KPIS.md §5 v2); absent: the defaults inpatient and high_dollar. */
    public static final String OVERSIGHT_RULES_FILE = "oversight.rules.file";
    public static final String LABEL_CAP = "label.cap";
    public static final String LABEL_CAP_CODER = "label.cap.coder";
    public static final String DENIAL_CATEGORIES_FILE = "denial.categories.file";
    public static final String METRICS_PORT = "metrics.port";
    public static final String METRICS_BIND = "metrics.bind.address";
    public static final String ROI_FILE = "roi.file";
    /** This instance's stable name: its static group membership id (docs/operations.md, Restarts). */
    public static final String INSTANCE_NAME = "instance.name";
    /** {@code true} (default): static group membership with a stable {@code group.instance.id}; {@code false}: dynamic. */
    public static final String STATIC_MEMBERSHIP = "static.membership";
    /** Every {@code schema.registry.*} key is the project's own (never passed to Kafka): docs/schema-registry.md. */
    public static final String SCHEMA_REGISTRY_PREFIX = "schema.registry.";
    /** X12 import settings (org.codingkpi.x12.X12Settings); never passed to Kafka. */
    public static final String X12_PREFIX = "x12.";
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    public static final String SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO = "schema.registry.basic.auth.user.info";
    public static final String SCHEMA_REGISTRY_TRUSTSTORE_LOCATION = "schema.registry.ssl.truststore.location";
    public static final String SCHEMA_REGISTRY_TRUSTSTORE_PASSWORD = "schema.registry.ssl.truststore.password";
    public static final String SCHEMA_REGISTRY_TRUSTSTORE_TYPE = "schema.registry.ssl.truststore.type";
    public static final String SCHEMA_REGISTRY_CONNECT_TIMEOUT = "schema.registry.connect.timeout";
    public static final String SCHEMA_REGISTRY_REQUEST_TIMEOUT = "schema.registry.request.timeout";
    public static final String SCHEMA_REGISTRY_RETRIES = "schema.registry.retries";

    // security of the HTTP endpoints and secrets (docs/operations.md, Security)
    /** Prometheus' web configuration file format: tls_server_config, basic_auth_users. */
    public static final String METRICS_WEB_CONFIG = "metrics.web.config.file";
    /** {@code true}: /health/* answers without authentication (probes), still over TLS when TLS is on. */
    public static final String METRICS_HEALTH_OPEN = "metrics.health.open";
    public static final String SCHEMA_REGISTRY_BEARER_TOKEN = "schema.registry.bearer.auth.token";
    /** The project's own security keys (not passed to Kafka). */
    public static final Set<String> SECURITY_KEYS = Set.of(METRICS_WEB_CONFIG, METRICS_HEALTH_OPEN);

    public static final Set<String> OWN_KEYS = Set.of(TOPIC_ENCOUNTERS, TOPIC_AI, TOPIC_CLAIMS, TOPIC_DEAD_LETTER, TOPIC_AUDIT, TOPIC_ROI,
            TOPIC_IMPORTS, IMPORT_TRANSACTIONAL_ID,
            TOPIC_PARTITIONS, DEDUPE_RETENTION, CLAIMS_PARTITIONED_BY, ATTRIBUTION_MAX_WAIT, ATTRIBUTION_RETENTION, DNFC_RETENTION, DNFB_RETENTION, AR_RETENTION, OVERSIGHT_RULES_FILE, LABEL_CAP,
            LABEL_CAP_CODER, DENIAL_CATEGORIES_FILE, METRICS_PORT, METRICS_BIND, ROI_FILE,
            INSTANCE_NAME, STATIC_MEMBERSHIP);

    private static final Map<String, String> DEFAULTS = Map.ofEntries(
            Map.entry(APPLICATION_ID, "coding-kpi"),
            Map.entry(BOOTSTRAP_SERVERS, "localhost:9092"),
            Map.entry(TOPIC_ENCOUNTERS, "encounters"),
            Map.entry(TOPIC_AI, "ai-suggestions"),
            Map.entry(TOPIC_CLAIMS, "claims"),
            Map.entry(TOPIC_DEAD_LETTER, "coding-kpi-dead-letter"),
            Map.entry(TOPIC_AUDIT, "coding-kpi-audit"),
            Map.entry(TOPIC_IMPORTS, "coding-kpi-imports"),
            Map.entry(TOPIC_PARTITIONS, "6"),
            Map.entry(DEDUPE_RETENTION, "90d"),
            Map.entry(CLAIMS_PARTITIONED_BY, "claim_id"),
            Map.entry(ATTRIBUTION_MAX_WAIT, "30d"),
            Map.entry(ATTRIBUTION_RETENTION, "400d"),
            Map.entry(DNFC_RETENTION, "365d"),
            Map.entry(DNFB_RETENTION, "365d"),
            Map.entry(AR_RETENTION, "365d"),
            Map.entry(LABEL_CAP, "50"),
            Map.entry(LABEL_CAP_CODER, "500"),
            Map.entry(METRICS_PORT, "9464"),
            Map.entry(METRICS_BIND, "0.0.0.0"),
            Map.entry(STATIC_MEMBERSHIP, "true"),
            // how long the group waits for a member that stopped heartbeating (a lost instance) before its
            // partitions move; a restarted static member takes its place at once (docs/operations.md, Restarts)
            Map.entry(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "45000"),
            // Kafka Streams production defaults
            Map.entry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2),
            Map.entry(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, "true"),
            Map.entry(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, String.valueOf(32L * 1024 * 1024)),
            // RocksDB's off-heap memory bounded for the whole process, however many tasks it runs (docs/operations.md)
            Map.entry(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, "org.codingkpi.state.BoundedRocksDb"),
            Map.entry(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class.getName()),
            Map.entry(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class.getName()),
            Map.entry(StreamsConfig.producerPrefix(ProducerConfig.ACKS_CONFIG), "all"),
            Map.entry(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), "5"),
            Map.entry(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), String.valueOf(256 * 1024)),
            Map.entry(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4"),
            Map.entry(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), "2000"));

    private final Map<String, String> values;

    private PipelineConfig(Map<String, String> values) {
        this.values = values;
    }

    /** Defaults only, with the given overrides on top. */
    public static PipelineConfig of(Map<String, String> overrides) {
        return of(overrides, System.getenv());
    }

    private static PipelineConfig of(Map<String, String> overrides, Map<String, String> env) {
        Map<String, String> v = new TreeMap<>(overrides);
        // ${file:PATH} and ${env:NAME} references (secrets mounted as files): org.codingkpi.config.Secrets
        v.replaceAll((k, val) -> org.codingkpi.config.Secrets.resolve(k, val, env));
        DEFAULTS.forEach(v::putIfAbsent);
        v.putIfAbsent(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, v.get(TOPIC_DEAD_LETTER));
        return new PipelineConfig(v);
    }

    /** The file (may be null), then environment overrides, then defaults. */
    public static PipelineConfig load(Path file, Map<String, String> env) {
        Map<String, String> v = new TreeMap<>();
        if (file != null) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(file)) {
                p.load(r);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read config file " + file + ": " + e.getMessage());
            }
            p.stringPropertyNames().forEach(k -> v.put(k, p.getProperty(k).trim()));
        }
        env.forEach((k, val) -> {
            if (k.startsWith("CODING_KPI_")) {
                v.put(k.substring("CODING_KPI_".length()).toLowerCase(Locale.ROOT).replace('_', '.'), val);
            } else if (k.startsWith("KAFKA_")) {
                v.put(k.substring("KAFKA_".length()).toLowerCase(Locale.ROOT).replace('_', '.'), val);
            }
        });
        return of(v, env);
    }

    public PipelineConfig with(String key, String value) {
        Map<String, String> v = new TreeMap<>(values);
        v.put(key, value);
        return new PipelineConfig(v);
    }

    public String get(String key) {
        return values.get(key);
    }

    /** The settings whose key starts with a prefix, prefix removed. */
    public Map<String, String> withPrefix(String prefix) {
        Map<String, String> out = new TreeMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }

    public String encountersTopic() {
        return values.get(TOPIC_ENCOUNTERS);
    }

    public String aiTopic() {
        return values.get(TOPIC_AI);
    }

    public String claimsTopic() {
        return values.get(TOPIC_CLAIMS);
    }

    public String deadLetterTopic() {
        return values.get(TOPIC_DEAD_LETTER);
    }

    public String importsTopic() {
        return values.get(TOPIC_IMPORTS);
    }

    public String auditTopic() {
        return values.get(TOPIC_AUDIT);
    }

    /**
     * The ROI topic: {@code <application.id>-roi} unless set, so the ACLs on the application's own
     * prefix cover it (docs/operations.md) and two pipelines on one cluster never share it.
     */
    public String roiTopic() {
        String t = values.get(TOPIC_ROI);
        return t == null || t.isBlank() ? values.get(APPLICATION_ID) + "-roi" : t;
    }

    public int partitions() {
        return intValue(TOPIC_PARTITIONS, 1);
    }

    public Duration dedupeRetention() {
        return duration(DEDUPE_RETENTION);
    }

    /**
     * True when the claims topic's producers put each claim in its encounter's partition
     * ({@code claims.partitioned.by=encounter_id}): the KPI tasks then process a claim where they read it.
     */
    public boolean claimsPartitionedByEncounter() {
        String v = values.get(CLAIMS_PARTITIONED_BY).trim();
        return switch (v) {
            case "encounter_id" -> true;
            case "claim_id" -> false;
            default -> throw new IllegalArgumentException(CLAIMS_PARTITIONED_BY + " must be claim_id or encounter_id, not " + v);
        };
    }

    public Duration attributionMaxWait() {
        return duration(ATTRIBUTION_MAX_WAIT);
    }

    public Duration attributionRetention() {
        return duration(ATTRIBUTION_RETENTION);
    }

    public Duration dnfcRetention() {
        return duration(DNFC_RETENTION);
    }

    public int labelCap() {
        return intValue(LABEL_CAP, 1);
    }

    public int coderLabelCap() {
        return intValue(LABEL_CAP_CODER, 1);
    }

    public int metricsPort() {
        return intValue(METRICS_PORT, 0);
    }

    public String metricsBindAddress() {
        return values.get(METRICS_BIND);
    }

    public Path roiFile() {
        String f = values.get(ROI_FILE);
        return f == null || f.isBlank() ? null : Path.of(f);
    }

    public Duration dnfbRetention() {
        return duration(DNFB_RETENTION);
    }

    public Duration arRetention() {
        return duration(AR_RETENTION);
    }

    public Path oversightRulesFile() {
        String f = values.get(OVERSIGHT_RULES_FILE);
        return f == null || f.isBlank() ? null : Path.of(f);
    }

    public Path denialCategoriesFile() {
        String f = values.get(DENIAL_CATEGORIES_FILE);
        return f == null || f.isBlank() ? null : Path.of(f);
    }

    /**
     * The Kafka Streams and client settings, and only those: a key is passed on when Kafka Streams,
     * the producer, the consumer or the admin client defines it, or it carries one of Kafka
     * Streams' client or internal-topic prefixes. The project's own keys ({@link #OWN_KEYS},
     * {@code drift.*}, {@code audit.*}, {@code schema.registry.*}, ...) never reach a Kafka client,
     * whatever key a later feature adds.
     */
    public Properties streamsProperties() {
        Properties p = new Properties();
        values.forEach((k, v) -> {
            if (isKafkaSetting(k)) {
                p.put(k, v);
            }
        });
        return p;
    }

    private static final Set<String> KAFKA_NAMES = kafkaNames();
    private static final List<String> KAFKA_PREFIXES = List.of(StreamsConfig.PRODUCER_PREFIX, StreamsConfig.CONSUMER_PREFIX,
            StreamsConfig.MAIN_CONSUMER_PREFIX, StreamsConfig.RESTORE_CONSUMER_PREFIX, StreamsConfig.GLOBAL_CONSUMER_PREFIX,
            StreamsConfig.ADMIN_CLIENT_PREFIX, StreamsConfig.TOPIC_PREFIX);

    private static Set<String> kafkaNames() {
        Set<String> names = new java.util.HashSet<>(StreamsConfig.configDef().names());
        names.addAll(org.apache.kafka.clients.producer.ProducerConfig.configNames());
        names.addAll(org.apache.kafka.clients.consumer.ConsumerConfig.configNames());
        names.addAll(org.apache.kafka.clients.admin.AdminClientConfig.configNames());
        return Set.copyOf(names);
    }

    /** True for a setting of Kafka Streams or a Kafka client (see {@link #streamsProperties()}). */
    static boolean isKafkaSetting(String key) {
        if (OWN_KEYS.contains(key) || SECURITY_KEYS.contains(key) || key.startsWith(SCHEMA_REGISTRY_PREFIX) || key.startsWith(X12_PREFIX)) {
            return false;
        }
        if (KAFKA_NAMES.contains(key)) {
            return true;
        }
        for (String prefix : KAFKA_PREFIXES) {
            if (key.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    public Path metricsWebConfig() {
        String f = values.get(METRICS_WEB_CONFIG);
        return f == null || f.isBlank() ? null : Path.of(f.trim());
    }

    public boolean metricsHealthOpen() {
        return Boolean.parseBoolean(values.getOrDefault(METRICS_HEALTH_OPEN, "false").trim());
    }

    /** Every setting in force, sorted, secrets {@code [hidden]}: safe for a log line or the {@code config} command. */
    public Map<String, String> masked() {
        return org.codingkpi.config.Secrets.mask(values);
    }

    /** The client settings (bootstrap, security) for plain producers, consumers and admin clients. */
    public Map<String, Object> clientProperties() {
        Map<String, Object> p = new TreeMap<>();
        values.forEach((k, v) -> {
            if (k.equals(BOOTSTRAP_SERVERS) || k.startsWith("security.") || k.startsWith("ssl.") || k.startsWith("sasl.")
                    || k.equals("client.dns.lookup")) {
                p.put(k, v);
            }
        });
        return p;
    }

    private int intValue(String key, int min) {
        String raw = values.get(key);
        try {
            int i = Integer.parseInt(raw.trim());
            if (i < min) {
                throw new NumberFormatException();
            }
            return i;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(key + ": expected an integer >= " + min + ", got \"" + raw + "\"");
        }
    }

    private Duration duration(String key) {
        return parseDuration(key, values.get(key));
    }

    /** {@code 90d}, {@code 12h}, {@code 30m}, {@code 45s}, {@code 500ms} or ISO-8601 ({@code P90D}). */
    public static Duration parseDuration(String key, String raw) {
        String s = raw == null ? "" : raw.trim().toLowerCase(Locale.ROOT);
        try {
            if (s.startsWith("p")) {
                return Duration.parse(s.toUpperCase(Locale.ROOT));
            }
            if (s.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            }
            long n = Long.parseLong(s.substring(0, s.length() - 1));
            switch (s.charAt(s.length() - 1)) {
                case 'd': return Duration.ofDays(n);
                case 'h': return Duration.ofHours(n);
                case 'm': return Duration.ofMinutes(n);
                case 's': return Duration.ofSeconds(n);
                default: throw new IllegalArgumentException();
            }
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(key + ": expected a duration like 90d, 12h, 30m, 45s, 500ms or P90D, got \"" + raw + "\"");
        }
    }
}
