package org.codingkpi.app;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.avro.Schema;
import org.codingkpi.config.PipelineConfig;
import org.codingkpi.events.EventType;
import org.codingkpi.serde.EventCodec;
import org.codingkpi.serde.SchemaRegistries;
import org.codingkpi.serde.SchemaRegistry;
import org.codingkpi.serde.SchemaRegistryException;
import org.codingkpi.serde.SubjectNameStrategy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What a producer ({@code simulate --bootstrap-servers}, {@code import}, the demo feed) checks before
 * it sends anything, so that a wrong target ends within seconds with a message saying what is missing
 * and how to create it, instead of a producer blocked on metadata for a topic that will never appear:
 *
 * <ol>
 *   <li>the cluster answers (within {@link #DEFAULT_TIMEOUT});</li>
 *   <li>every topic it writes to exists (clusters usually run with {@code auto.create.topics.enable=false});</li>
 *   <li>the three input topics have the same partition count (the pipeline reads them co-partitioned);</li>
 *   <li>every event schema is registered under its subject, or with auto-registration off already
 *       there; a refusal is explained (a subject shared by two record types, for example).</li>
 * </ol>
 */
public final class ProducerCheck {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    /** A target a producer cannot send to; the message says what is missing and how to fix it. */
    public static final class TargetException extends RuntimeException {
        public TargetException(String message, Throwable cause) {
            super(message, cause, false, false);
        }
    }

    private ProducerCheck() {
    }

    /**
     * @param topics the topics the producer writes to (the input topics are always checked, since the
     *     pipeline reads all three)
     */
    public static void check(PipelineConfig config, EventCodec codec, List<String> topics, Duration timeout) {
        checkTopics(config, topics, timeout);
        checkSchemas(config, codec);
    }

    static void checkTopics(PipelineConfig config, List<String> topics, Duration timeout) {
        String bootstrap = String.valueOf(config.get(PipelineConfig.BOOTSTRAP_SERVERS));
        List<String> wanted = new ArrayList<>(Topics.inputs(config));
        for (String t : topics) {
            if (!wanted.contains(t)) {
                wanted.add(t);
            }
        }
        Map<String, Object> p = new HashMap<>(config.clientProperties());
        int ms = (int) timeout.toMillis();
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
        p.put(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, Math.min(ms, 3000));
        p.put(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, Math.min(ms, 5000));
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "coding-kpi-producer-check");
        try (Admin admin = Admin.create(p)) {
            try {
                admin.describeCluster().clusterId().get(ms, TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                throw new TargetException("cannot reach the Kafka cluster at " + bootstrap + " within " + timeout.toSeconds()
                        + " s (" + cause(e) + "); check --bootstrap-servers (bootstrap.servers), that the brokers run and that the"
                        + " listener and security settings match", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TargetException("interrupted while checking the Kafka cluster", e);
            }
            Map<String, KafkaFuture<TopicDescription>> futures = admin.describeTopics(wanted).topicNameValues();
            Map<String, Integer> partitions = new LinkedHashMap<>();
            List<String> missing = new ArrayList<>();
            for (String topic : wanted) {
                try {
                    partitions.put(topic, futures.get(topic).get(ms, TimeUnit.MILLISECONDS).partitions().size());
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                        missing.add(topic);
                    } else if (e.getCause() instanceof TopicAuthorizationException) {
                        throw new TargetException("not authorized to describe topic " + topic + " on " + bootstrap
                                + "; the producer's principal needs DESCRIBE and WRITE on it (docs/operations.md, ACLs)", e);
                    } else {
                        throw new TargetException("cannot describe topic " + topic + " on " + bootstrap + " (" + cause(e) + ")", e);
                    }
                } catch (TimeoutException e) {
                    throw new TargetException("the Kafka cluster at " + bootstrap + " did not describe topic " + topic + " within "
                            + timeout.toSeconds() + " s", e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new TargetException("interrupted while checking the topics", e);
                }
            }
            List<Integer> inputCounts = Topics.inputs(config).stream().map(partitions::get).filter(n -> n != null).toList();
            int suggested = inputCounts.isEmpty() ? 6 : inputCounts.stream().mapToInt(Integer::intValue).max().getAsInt();
            if (!missing.isEmpty()) {
                StringBuilder m = new StringBuilder("the Kafka cluster at ").append(bootstrap).append(" has no topic ")
                        .append(String.join(", ", missing))
                        .append(" (it does not create topics on first use: auto.create.topics.enable=false, the usual production setting)."
                                + " Create ")
                        .append(missing.size() == 1 ? "it" : "them")
                        .append(" with the same partition count as the other input topics, for example:");
                for (String t : missing) {
                    m.append("\n  kafka-topics.sh --bootstrap-server ").append(bootstrap).append(" --create --topic ").append(t)
                            .append(" --partitions ").append(suggested).append(" --replication-factor 3");
                }
                m.append("\n(topic names: topic.encounters, topic.ai.suggestions, topic.claims, topic.dead.letter; docs/operations.md)");
                throw new TargetException(m.toString(), null);
            }
            if (new TreeSet<>(inputCounts).size() > 1) {
                StringBuilder m = new StringBuilder("the input topics of ").append(bootstrap)
                        .append(" have different partition counts (");
                List<String> counts = new ArrayList<>();
                for (String t : Topics.inputs(config)) {
                    counts.add(t + " " + partitions.get(t));
                }
                m.append(String.join(", ", counts)).append("); the pipeline reads them co-partitioned by encounter, so they need"
                        + " the same count. Add partitions to the smaller ones before any data is on them, for example:");
                for (String t : Topics.inputs(config)) {
                    if (partitions.get(t) < suggested) {
                        m.append("\n  kafka-topics.sh --bootstrap-server ").append(bootstrap).append(" --alter --topic ").append(t)
                                .append(" --partitions ").append(suggested);
                    }
                }
                throw new TargetException(m.toString(), null);
            }
        }
    }

    /** Registers (or, with auto-registration off, looks up) every event schema under its subject. */
    static void checkSchemas(PipelineConfig config, EventCodec codec) {
        for (EventType type : EventType.values()) {
            String topic = Topics.of(type, config);
            Schema schema = type.schema();
            String subject = codec.subject(topic, schema);
            try {
                codec.writerId(topic, schema);
            } catch (SchemaRegistry.NotRegisteredException e) {
                throw new TargetException("schema " + schema.getFullName() + " is not registered under subject " + subject + ", and "
                        + SchemaRegistries.AUTO_REGISTER + "=false: register it first with an account that may (the registry's UI, or"
                        + " POST /subjects/" + subject + "/versions with the schema the event class carries; docs/schema-registry.md),"
                        + " or set " + SchemaRegistries.AUTO_REGISTER + "=true", e);
            } catch (SchemaRegistryException e) {
                throw new TargetException(explain(e, config, codec, type, subject), e);
            }
        }
    }

    private static String explain(SchemaRegistryException e, PipelineConfig config, EventCodec codec, EventType type, String subject) {
        String m = "schema registry: " + e.getMessage();
        if (e.status() != 409) {
            return m;
        }
        List<String> sameSubject = new ArrayList<>();
        for (EventType other : EventType.values()) {
            if (other != type && codec.subject(Topics.of(other, config), other.schema()).equals(subject)) {
                sameSubject.add(other.name());
            }
        }
        if (!sameSubject.isEmpty()) {
            return m + ". With " + codec.naming().className() + ", " + type.name() + " shares the subject " + subject + " with "
                    + String.join(", ", sameSubject) + ", and the subject's compatibility level (BACKWARD is Confluent's default)"
                    + " refuses a second record type. Topic " + Topics.of(type, config) + " carries several record types: set "
                    + SchemaRegistries.SUBJECT_NAME_STRATEGY + "=" + SubjectNameStrategy.TOPIC_RECORD.className() + " (the default; in"
                    + " Confluent's serializers value.subject.name.strategy=io.confluent.kafka.serializers.subject."
                    + SubjectNameStrategy.TOPIC_RECORD.className() + ")";
        }
        return m + ". The subject " + subject + " holds a version this schema is not compatible with under its compatibility level;"
                + " register the schemas this program carries only where they are compatible (docs/schema-registry.md)";
    }

    private static String cause(Exception e) {
        Throwable t = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}
