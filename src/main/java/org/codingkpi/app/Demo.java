package org.codingkpi.app;

import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.streams.StreamsConfig;
import org.codingkpi.broker.EmbeddedKafka;
import org.codingkpi.compliance.AuditCodec;
import org.codingkpi.compliance.AuditTail;
import org.codingkpi.config.PipelineConfig;
import org.codingkpi.metrics.KpiTotals;
import org.codingkpi.serde.BundledSchemaRegistry;
import org.codingkpi.serde.EventCodec;
import org.codingkpi.simulator.Scenario;
import org.codingkpi.simulator.Simulator;
import org.codingkpi.simulator.SimulatorConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * {@code demo}: an embedded broker, the pipeline and a live simulated coding department. The
 * simulation starts {@code historyDays} in the past and runs at {@code speed} simulated seconds per
 * wall second until it reaches the present, then in real time: an event is never sent before its
 * delivery time has passed on the wall clock.
 */
public final class Demo implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Demo.class);

    /** Options of a demo run. */
    /**
     * @param scenario    an anomaly for the compliance monitoring to find (docs/compliance.md)
     * @param scenarioDay the simulated day it starts on, counted from the start of the history; null: the scenario's default
     */
    public record Options(int metricsPort, String bindAddress, Path dataDir, int historyDays, double speed, int encountersPerDay,
                          long seed, boolean messy, int partitions, Scenario scenario, Integer scenarioDay) {
    }

    private final EmbeddedKafka kafka;
    private final Pipeline pipeline;
    private final Thread feeder;
    private final SimulatorConfig simConfig;
    private final Options options;
    private final PipelineConfig config;
    private final EventCodec codec;
    private AuditTail auditTail;
    private final LiveFeed liveFeed;
    private volatile boolean running = true;

    private Demo(Options o, Function<SimulatorConfig, Pipeline.Extras> extensions) throws IOException {
        options = o;
        Path data = o.dataDir() != null ? o.dataDir() : Files.createTempDirectory("coding-kpi-demo-");
        kafka = EmbeddedKafka.start(data.resolve("kafka"), o.dataDir() == null);
        Map<String, String> settings = new TreeMap<>();
        settings.put(PipelineConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        settings.put(PipelineConfig.APPLICATION_ID, "coding-kpi-demo");
        settings.put(PipelineConfig.METRICS_PORT, String.valueOf(o.metricsPort()));
        settings.put(PipelineConfig.METRICS_BIND, o.bindAddress());
        settings.put(StreamsConfig.STATE_DIR_CONFIG, data.resolve("state").toString());
        settings.put(PipelineConfig.CLAIMS_PARTITIONED_BY, "encounter_id"); // the demo's feed puts each claim in its encounter's partition
        config = PipelineConfig.of(settings);
        kafka.createTopics(Topics.all(config), o.partitions());

        Instant now = Instant.now().truncatedTo(ChronoUnit.DAYS);
        Instant start = now.minus(Duration.ofDays(o.historyDays()));
        SimulatorConfig.Builder b = SimulatorConfig.builder().seed(o.seed()).start(start).days(o.historyDays() + 3650)
                .encountersPerDay(o.encountersPerDay()).goLive(start.plus(Duration.ofDays(30)))
                .scenario(o.scenario()).scenarioStart(o.scenarioDay() == null ? null : start.plus(Duration.ofDays(o.scenarioDay())));
        // the demo shows every feature: the version-2 events (claims submitted, reversals, QA audits, model versions) too
        simConfig = (o.messy() ? b.messy() : b).version2(true).build();
        codec = new EventCodec(new BundledSchemaRegistry());
        // the same check as simulate and import: a feed never starts against topics that are not there
        ProducerCheck.check(config, codec, Topics.all(config), ProducerCheck.DEFAULT_TIMEOUT);
        pipeline = Pipeline.start(config, codec, extensions.apply(simConfig));
        Producer<byte[], byte[]> producer = Importer.producer(config);
        liveFeed = new LiveFeed(new Simulator(simConfig), new SimFeed(config, codec, producer), producer, start, o.speed());
        feeder = new Thread(() -> {
            try (producer) {
                liveFeed.run(() -> running, null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.error("The demo feed stopped", e);
            }
        }, "demo-feed");
        feeder.setDaemon(true);
        feeder.start();
    }

    public static Demo start(Options o, Function<SimulatorConfig, List<Function<KpiTotals, Collection<MetricSnapshot>>>> extensions)
            throws IOException {
        return new Demo(o, sim -> new Pipeline.Extras(extensions.apply(sim), List.of()));
    }

    /** @param extras metric families and pages (the ROI report), given the simulation (its go-live) */
    public static Demo startWith(Options o, Function<SimulatorConfig, Pipeline.Extras> extras) throws IOException {
        return new Demo(o, extras);
    }

    public void printWhereToLook(PrintStream out) {
        int port = pipeline.metricsPort();
        out.printf("%ncoding-kpi demo is running: a simulated coding department, %d days of history at %.0fx speed, then live.%n",
                options.historyDays(), options.speed());
        out.printf("  metrics      http://localhost:%d/metrics   (coding_* families; try: curl -s localhost:%d/metrics | grep ^coding_)%n", port, port);
        out.printf("  health       http://localhost:%d/health/ready%n", port);
        out.printf("  ROI report   http://localhost:%d/roi   (live; the monthly table: http://localhost:%d/roi.csv)%n", port, port);
        out.printf("  Kafka        %s  (topics encounters, ai-suggestions, claims, coding-kpi-dead-letter)%n", kafka.bootstrapServers());
        out.printf("  dashboards   docker compose up (see README; the stack publishes its own metrics on 9465) or point your Prometheus at this URL%n");
        out.printf("  audit        java -jar target/coding-kpi.jar audit --bootstrap-servers %s   (findings with their evidence)%n",
                kafka.bootstrapServers());
        if (options.scenario() != Scenario.NONE) {
            out.printf("  scenario     %s: %s, from %s%n", options.scenario().label(), options.scenario().description(),
                    LocalDate.ofInstant(simConfig.scenarioStart(), ZoneOffset.UTC));
        }
        out.printf("Ctrl-C stops it cleanly.%n%n");
    }

    /** Prints a line for every audit finding as the pipeline raises or closes it (never its evidence sample). */
    public void followAuditFindings(PrintStream out) {
        auditTail = AuditTail.start(config.clientProperties(), config.auditTopic(), new AuditCodec(codec), out,
                "java -jar target/coding-kpi.jar audit --bootstrap-servers " + kafka.bootstrapServers());
    }

    public Pipeline pipeline() {
        return pipeline;
    }

    public long sent() {
        return liveFeed.sent();
    }

    public void awaitTermination() throws InterruptedException {
        pipeline.awaitTermination();
    }

    @Override
    public void close() {
        running = false;
        feeder.interrupt();
        try {
            feeder.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (auditTail != null) {
            auditTail.close();
        }
        pipeline.close();
        kafka.close();
    }
}
