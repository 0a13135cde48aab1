package org.codingkpi.app;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.processor.TaskId;
import org.codingkpi.config.PipelineConfig;
import org.codingkpi.kpi.DenialCategorizer;
import org.codingkpi.metrics.KpiCollector;
import org.codingkpi.metrics.KpiTotals;
import org.codingkpi.metrics.MetricsServer;
import org.codingkpi.kpi.Series;
import org.codingkpi.metrics.PublishedKpiState;
import org.codingkpi.state.PublishedState;
import org.codingkpi.serde.EventCodec;
import org.codingkpi.topology.CodingKpiTopology;
import org.codingkpi.topology.EventObserver;
import org.codingkpi.topology.TopologySettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * The running pipeline: Kafka Streams with the KPI topology, the state-backed exporter, Kafka
 * Streams' and the JVM's own metrics, and the HTTP endpoints. Lifecycle in the manner of
 * streams-bootstrap: an uncaught exception shuts the client down, and {@link #awaitTermination()}
 * returns when Streams reaches ERROR or NOT_RUNNING, whoever stopped it.
 */
public final class Pipeline implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

    private final PipelineConfig config;
    private final KafkaStreams streams;
    private final PrometheusMeterRegistry registry;
    private final KafkaStreamsMetrics streamsMetrics;
    private final KpiCollector collector;
    private final PublishedKpiState kpiState;
    private final Map<String, Integer> caps;
    private final MetricsServer server;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile KafkaStreams.State state = KafkaStreams.State.CREATED;

    private Pipeline(PipelineConfig config, EventCodec codec, List<Function<KpiTotals, Collection<MetricSnapshot>>> extensions,
                     int partitions) {
        this.config = config;
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Timer latency = Timer.builder("coding.pipeline.event.latency")
                .description("Wall clock at processing minus the record's Kafka timestamp (end-to-end latency for live feeds).")
                .serviceLevelObjectives(Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
                        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(30))
                .register(registry);
        EventObserver observer = (ts, now) -> latency.record(Math.max(0, now - ts), TimeUnit.MILLISECONDS);
        PublishedState published = new PublishedState();
        DenialCategorizer categorizer = config.denialCategoriesFile() == null
                ? DenialCategorizer.defaults() : DenialCategorizer.load(config.denialCategoriesFile());
        Topology topology = CodingKpiTopology.buildTopology(config, codec, categorizer, partitions, observer, published);
        Properties props = config.streamsProperties();
        Path stateDir = ownerOnly(Path.of(props.getProperty(StreamsConfig.STATE_DIR_CONFIG,
                System.getProperty("java.io.tmpdir") + "/coding-kpi-state")));
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        streams = new KafkaStreams(topology, props);
        // Kafka Streams has just made the state directory and its application directory rwxr-x---
        ownerOnly(stateDir);
        ownerOnly(stateDir.resolve(config.get(PipelineConfig.APPLICATION_ID)));
        streams.setUncaughtExceptionHandler(e -> {
            failure.compareAndSet(null, e);
            LOG.error("Stream thread failed; shutting the pipeline down", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streams.setStateListener((newState, oldState) -> {
            state = newState;
            LOG.info("Kafka Streams {} -> {}", oldState, newState);
            if (newState == KafkaStreams.State.ERROR || newState == KafkaStreams.State.NOT_RUNNING) {
                stopped.countDown();
            }
        });
        caps = TopologySettings.from(config).engine().labelCaps();
        kpiState = new PublishedKpiState(published, TopologySettings.from(config).engine());
        // the task gauge comes from the same read as the KPI families (KpiCollector reads once per scrape)
        AtomicReference<PublishedKpiState.Read> lastRead = new AtomicReference<>();
        List<Function<KpiTotals, Collection<MetricSnapshot>>> families = new ArrayList<>(extensions);
        families.add(t -> List.of(lastRead.get().publishedTasks()));
        // open audit findings: from the detector tasks active here (each finding once over the instances)
        families.add(t -> List.of(org.codingkpi.compliance.ComplianceMetrics.openFindings(
                () -> org.codingkpi.compliance.AuditTrail.readState(streams))));
        collector = new KpiCollector(() -> {
            PublishedKpiState.Read read = kpiState.read();
            lastRead.set(read);
            return KpiTotals.read(read.state(), caps);
        }, families);
        registry.getPrometheusRegistry().register(collector);
        Gauge.builder("coding.pipeline.ready", () -> state == KafkaStreams.State.RUNNING ? 1 : 0)
                .description("1 when Kafka Streams is RUNNING").register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(registry);
        server = new MetricsServer(config.metricsBindAddress(), config.metricsPort(), registry, this::isRunning);
    }

    /** Builds and starts the pipeline; the input topics must exist. */
    public static Pipeline start(PipelineConfig config, EventCodec codec, List<Function<KpiTotals, Collection<MetricSnapshot>>> extensions) {
        Pipeline p = new Pipeline(config, codec, extensions, prepareTopics(config));
        p.streams.start();
        LOG.info("Pipeline started: application.id={}, metrics on port {}", config.get(PipelineConfig.APPLICATION_ID), p.server.port());
        return p;
    }

    /**
     * Checks that the input topics exist with the same partition count (claims are repartitioned to
     * it, so a claim meets its encounter's task) and creates the dead-letter and audit topics if absent.
     */
    static int prepareTopics(PipelineConfig config) {
        try (Admin admin = Admin.create(config.clientProperties())) {
            Map<String, TopicDescription> inputs = admin.describeTopics(List.of(config.encountersTopic(), config.aiTopic(), config.claimsTopic()))
                    .allTopicNames().get(60, TimeUnit.SECONDS);
            int partitions = inputs.get(config.encountersTopic()).partitions().size();
            int ai = inputs.get(config.aiTopic()).partitions().size();
            if (ai != partitions) {
                throw new IllegalStateException("topic " + config.aiTopic() + " has " + ai + " partitions and " + config.encountersTopic()
                        + " has " + partitions + ": they must be co-partitioned (same count, keyed by encounter_id)");
            }
            Set<String> existing = admin.listTopics().names().get(60, TimeUnit.SECONDS);
            List<NewTopic> create = new ArrayList<>();
            for (String t : List.of(config.deadLetterTopic(), config.auditTopic())) {
                if (!existing.contains(t)) {
                    create.add(new NewTopic(t, java.util.Optional.of(partitions), java.util.Optional.empty()));
                }
            }
            if (!create.isEmpty()) {
                admin.createTopics(create).all().get(60, TimeUnit.SECONDS);
            }
            return partitions;
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("cannot prepare topics: " + e.getCause().getMessage(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("the Kafka cluster at " + config.get(PipelineConfig.BOOTSTRAP_SERVERS) + " did not answer in 60 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The state directory holds identifiers at rest: created (if absent) and kept owner-only, rwx------. */
    static Path ownerOnly(Path dir) {
        try {
            Files.createDirectories(dir);
            if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the state directory " + dir, e);
        }
        return dir;
    }

    public boolean isRunning() {
        return state == KafkaStreams.State.RUNNING;
    }

    public KafkaStreams.State state() {
        return state;
    }

    public KafkaStreams streams() {
        return streams;
    }

    public int metricsPort() {
        return server.port();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public PipelineConfig config() {
        return config;
    }

    /** One read of this instance's KPI state. */
    /** Records accepted, duplicates and dead-lettered so far, from the published state (cheap to poll). */
    public long processedRecords() {
        return (long) (kpiState.sum(Series.EVENTS, 0, 1) + kpiState.sum(Series.REJECTED, 0));
    }

    public KpiTotals totals() {
        return KpiTotals.read(kpiState.read().state(), caps);
    }

    /** Blocks until Kafka Streams stops (ERROR or NOT_RUNNING). */
    public void awaitTermination() throws InterruptedException {
        stopped.await();
    }

    public boolean failed() {
        return state == KafkaStreams.State.ERROR || failure.get() != null;
    }

    /**
     * Why the pipeline stopped on its own: the exception that ended a stream thread (its cause chain
     * in one line, no payload), or empty when it is running or was stopped on purpose.
     */
    public java.util.Optional<String> failureReason() {
        Throwable t = failure.get();
        if (t == null) {
            return state == KafkaStreams.State.ERROR ? java.util.Optional.of("Kafka Streams reached ERROR") : java.util.Optional.empty();
        }
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null && sb.length() < 1000; c = c.getCause() == c ? null : c.getCause()) {
            sb.append(sb.length() == 0 ? "" : ": caused by ").append(c.getClass().getSimpleName());
            if (c.getMessage() != null) {
                sb.append(" (").append(c.getMessage()).append(')');
            }
        }
        return java.util.Optional.of(sb.toString());
    }

    /**
     * Stops Kafka Streams and leaves the consumer group, so that the partitions move to the other
     * instances at once rather than after {@code session.timeout.ms}. A static member
     * ({@code group.instance.id} set) stays in the group: it is expected back within the session
     * timeout (a rolling restart) and gets its partitions back without a rebalance.
     */
    @Override
    public void close() {
        boolean staticMember = config.streamsProperties().stringPropertyNames().stream()
                .anyMatch(k -> k.equals(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG) || k.endsWith("." + ConsumerConfig.GROUP_INSTANCE_ID_CONFIG));
        streams.close(CloseOptions.groupMembershipOperation(staticMember
                ? CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP : CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(60)));
        streamsMetrics.close();
        server.close();
        registry.close();
    }
}
