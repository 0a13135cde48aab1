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
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.processor.TaskId;
import org.codingkpi.config.PipelineConfig;
import org.codingkpi.config.StaticMembership;
import org.codingkpi.kpi.DenialCategorizer;
import org.codingkpi.metrics.KpiCollector;
import org.codingkpi.metrics.KpiTotals;
import org.codingkpi.metrics.MetricsServer;
import org.codingkpi.kpi.Series;
import org.codingkpi.metrics.Page;
import org.codingkpi.metrics.PublishedKpiState;
import org.codingkpi.security.KafkaAccess;
import org.codingkpi.security.WebConfig;
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
    private final StaticMembership membership;
    private final RecoveryLog recovery;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile KafkaStreams.State state = KafkaStreams.State.CREATED;
    private final AtomicReference<String> failure = new AtomicReference<>();

    /**
     * What a command adds to the pipeline: metric families derived from each scrape's state read, and pages served on
     * the metrics port, each rendered from a fresh read of the same state.
     */
    public record Extras(List<Function<KpiTotals, Collection<MetricSnapshot>>> families, List<Page> pages) {
        public Extras {
            families = List.copyOf(families);
            pages = List.copyOf(pages);
        }
    }

    private Pipeline(PipelineConfig config, EventCodec codec, Extras extras, int partitions) {
        List<Function<KpiTotals, Collection<MetricSnapshot>>> extensions = extras.families();
        this.config = config;
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Timer latency = Timer.builder("coding.pipeline.event.latency")
                .description("Wall clock at processing minus the record's Kafka timestamp (end-to-end latency for live feeds).")
                .serviceLevelObjectives(Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
                        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(30),
                        // up to an hour: a backlog of minutes must not read as 30 s
                        Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofMinutes(30), Duration.ofHours(1))
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
        membership = StaticMembership.resolve(config, stateDir, System.getenv(), Pipeline::hostName);
        membership.applyTo(props);
        LOG.info("Group membership: {}", membership.describe());
        recovery = RecoveryLog.open(stateDir, config.get(PipelineConfig.APPLICATION_ID));
        streams = new KafkaStreams(topology, props);
        streams.setGlobalStateRestoreListener(recovery);
        if (recovery.afterUncleanStop() && props.getProperty(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, "").startsWith("exactly_once")) {
            // under exactly-once Kafka Streams discards every task's local state after an unclean stop (it may hold
            // uncommitted changes), but only after opening and closing every store of it, twice: doing it first saves that
            streams.cleanUp();
        }
        // Kafka Streams has just made the state directory and its application directory rwxr-x---
        ownerOnly(stateDir);
        ownerOnly(stateDir.resolve(config.get(PipelineConfig.APPLICATION_ID)));
        streams.setUncaughtExceptionHandler(e -> {
            String why = KafkaAccess.explain(config, e);
            failure.compareAndSet(null, why);
            // the reason in words first (a missing ACL, a failed authentication), then the trace
            LOG.error("Stream thread failed; shutting the pipeline down: {}", why, e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streams.setStateListener((newState, oldState) -> {
            state = newState;
            LOG.info("Kafka Streams {} -> {}", oldState, newState);
            recovery.streamsState(newState);
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
        server = metricsServer(config, registry, this::isRunning);
        for (Page page : extras.pages()) {
            // the read /metrics makes (KpiCollector's supplier above), without touching its published-tasks gauge
            server.page(page.path(), page.contentType(), () -> page.render().apply(totals()));
        }
    }

    /** The HTTP endpoints as the configuration says: plain, or TLS and basic auth (metrics.web.config.file). */
    public static MetricsServer metricsServer(PipelineConfig config, PrometheusMeterRegistry registry, java.util.function.BooleanSupplier ready) {
        Path web = config.metricsWebConfig();
        WebConfig webConfig = web == null ? null : WebConfig.load(web, System.getenv());
        return new MetricsServer(config.metricsBindAddress(), config.metricsPort(), registry, ready, webConfig, config.metricsHealthOpen());
    }

    /** Builds and starts the pipeline; the input topics must exist. */
    public static Pipeline start(PipelineConfig config, EventCodec codec, List<Function<KpiTotals, Collection<MetricSnapshot>>> extensions) {
        return start(config, codec, new Extras(extensions, List.of()));
    }

    /** Builds and starts the pipeline with metric families and pages; the input topics must exist. */
    public static Pipeline start(PipelineConfig config, EventCodec codec, Extras extras) {
        Pipeline p = new Pipeline(config, codec, extras, prepareTopics(config));
        p.streams.start();
        LOG.info("Pipeline started: application.id={}, metrics on port {} ({})", config.get(PipelineConfig.APPLICATION_ID), p.server.port(),
                config.metricsWebConfig() == null ? "plain HTTP, no authentication" : "web config " + config.metricsWebConfig());
        return p;
    }

    /**
     * Checks that the input topics exist with the same partition count (claims are repartitioned to
     * it, so a claim meets its encounter's task; partitioned by encounter, the claims topic must have it
     * too) and creates the dead-letter and audit topics if absent.
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
            int claims = inputs.get(config.claimsTopic()).partitions().size();
            if (config.claimsPartitionedByEncounter() && claims != partitions) {
                throw new IllegalStateException("topic " + config.claimsTopic() + " has " + claims + " partitions and " + config.encountersTopic()
                        + " has " + partitions + ": with " + PipelineConfig.CLAIMS_PARTITIONED_BY + "=encounter_id they must have the same "
                        + "count (each claim in its encounter's partition)");
            }
            Set<String> existing = admin.listTopics().names().get(60, TimeUnit.SECONDS);
            List<NewTopic> create = new ArrayList<>();
            for (String t : List.of(config.deadLetterTopic(), config.auditTopic())) {
                if (!existing.contains(t)) {
                    create.add(new NewTopic(t, java.util.Optional.of(partitions), java.util.Optional.empty()));
                }
            }
            if (!existing.contains(config.roiTopic())) {
                // one entry per task partition and month (latest totals): compacted, one partition is plenty
                create.add(new NewTopic(config.roiTopic(), java.util.Optional.of(1), java.util.Optional.empty())
                        .configs(Map.of("cleanup.policy", "compact")));
            }
            if (!create.isEmpty()) {
                admin.createTopics(create).all().get(60, TimeUnit.SECONDS);
            }
            return partitions;
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("cannot prepare topics: " + KafkaAccess.explain(config, e.getCause()), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("the Kafka cluster at " + config.get(PipelineConfig.BOOTSTRAP_SERVERS) + " did not answer in 60 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return null;
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


    /** Why Kafka Streams stopped with an error (listener, cause, the permission or setting to check), or null. */
    public String failure() {
        String f = failure.get();
        return f != null || !failed() ? f : "Kafka Streams stopped with an error (see the log)";
    }

    /**
     * Stops Kafka Streams. It leaves the consumer group, so that the partitions move to the other
     * instances at once rather than after {@code session.timeout.ms}, unless the operator named this
     * instance ({@code instance.name} or {@code group.instance.id}): a named static member stays in the
     * group, is expected back within the session timeout (a rolling restart) and gets its partitions
     * back without a rebalance ({@link StaticMembership}).
     */
    @Override
    public void close() {
        boolean failedBefore = failed();
        boolean closed = streams.close(CloseOptions.groupMembershipOperation(membership.leaveGroupOnClose()
                ? CloseOptions.GroupMembershipOperation.LEAVE_GROUP : CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP)
                .withTimeout(Duration.ofSeconds(60)));
        // a stream thread that died left its stores without committed offsets: the next start restores them
        if (closed && !failedBefore) {
            recovery.stoppedCleanly();
        }
        streamsMetrics.close();
        server.close();
        registry.close();
    }
}
