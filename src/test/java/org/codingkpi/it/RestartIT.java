package org.codingkpi.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.streams.StreamsConfig;
import org.codingkpi.app.Importer;
import org.codingkpi.app.Replay;
import org.codingkpi.app.Topics;
import org.codingkpi.broker.EmbeddedKafka;
import org.codingkpi.config.PipelineConfig;
import org.codingkpi.serde.BundledSchemaRegistry;
import org.codingkpi.serde.EventCodec;
import org.codingkpi.simulator.SimulatorConfig;
import org.codingkpi.util.TempDirs;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Restarts as an operator meets them: {@code run} with the shipped defaults (the properties file
 * names only the cluster, the endpoint and the state directory) in its own OS process, SIGKILLed
 * three times during an import and started again at once (the third time without the marker by
 * which the pipeline knows of the unclean stop, as after an upgrade from a version that wrote none:
 * Kafka Streams' own wipe-and-restore runs), then stopped, its state directory deleted and started
 * again. Each restart the pipeline knows of must be processing past the kill point within 15 s, every coding_* sample
 * must end equal to the reference, and the process's log must hold no ERROR line: the
 * wipe-and-restore after an unclean stop is one WARN line that says what it cost. The 15 s bound is
 * asserted when the machine is not oversubscribed (see {@link #OVERSUBSCRIBED}); that the defaults
 * give static membership is asserted always.
 *
 * <p>Figures for docs/operations.md: {@code -Drestart.days=180 -Drestart.perDay=230} for a history
 * as large as {@code CrashRecoveryIT}'s; {@code -Drestart.settings=static.membership=false} (several
 * settings separated by {@code ;}) to measure an alternative (the 15 s bound is then reported, not
 * asserted).
 */
@Tag("integration")
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class RestartIT {
    private static final int PARTITIONS = 3;
    private static final Duration BOUND = Duration.ofSeconds(15);
    private static final String APP_ID = "coding-kpi";
    private static final int CORES = Runtime.getRuntime().availableProcessors();
    /**
     * The bound is asserted unless more than 5 threads per core wanted to run (1-minute load average):
     * on a shared CI machine that busy, start-up and restore take what the other processes leave
     * (measured: 3.5-5.1 s at a load of 2-3 on 2 cores, 10.9-12.0 s at 15, 19-47 s at 30-46).
     */
    private static final double OVERSUBSCRIBED = 5.0;
    /** Our one line for the wipe-and-restore after an unclean stop, and its cost. */
    private static final Pattern RECOVERY = Pattern.compile(" WARN .*unclean stop.* ([\\d,]+) records \\(.*\\) in ([\\d.]+) s");
    private static final Pattern RESTORED = Pattern.compile("INFO .*Restored local state from the changelog topics: ([\\d,]+) records \\(.*\\) in ([\\d.]+) s");

    @TempDir
    Path dir;

    @Test
    void killedRunIsProcessingAgainWithinSecondsAndLogsNoError() throws Exception {
        int days = Integer.getInteger("restart.days", 45);
        int perDay = Integer.getInteger("restart.perDay", 150);
        String settings = System.getProperty("restart.settings", "").trim();
        boolean defaults = settings.isEmpty();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), true)) {
            int metricsPort = freePort();
            PipelineConfig config = PipelineConfig.of(Map.of(PipelineConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers()));
            kafka.createTopics(Topics.all(config), PARTITIONS);
            SimulatedFeed feed = SimulatedFeed.of(SimulatorConfig.builder().seed(11).days(days).encountersPerDay(perDay).messy()
                    .duplicateRate(0.03).build(), config, new EventCodec(new BundledSchemaRegistry()));
            long total = feed.size();
            Map<String, Double> expected = GroundTruth.of(feed.valid, feed.rejects, PARTITIONS, config.attributionMaxWait().toMillis());
            Path stateDir = dir.resolve("state");
            Path properties = writeConfig(kafka.bootstrapServers(), metricsPort, stateDir, settings);
            Path logFile = Path.of(System.getProperty("basedir", ".")).resolve("target/restart-it/run.log");
            Files.createDirectories(logFile.getParent());
            Files.deleteIfExists(logFile);
            List<String> figures = new ArrayList<>();
            report(figures, String.format("%,d records (%d days x %d encounters/day), %d partitions, settings: %s",
                    total, days, perDay, PARTITIONS, defaults ? "the defaults" : settings));

            try (RunProcess pipeline = new RunProcess(properties, logFile);
                 Producer<byte[], byte[]> producer = Importer.producer(config)) {
                pipeline.start();
                await("pipeline ready").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).until(() -> {
                    pipeline.requireAlive();
                    return Scrape.ready(metricsPort);
                });
                List<String> instanceIds = instanceIds(kafka);
                report(figures, "group members' group.instance.id: " + instanceIds);
                if (defaults) {
                    // the shipped defaults: static membership, the id derived from the host name and the state directory
                    assertThat(instanceIds).as("static membership by default, one id per stream thread").singleElement().asString()
                            .matches(".+-[0-9a-f]{8}-1");
                }
                AtomicLong sent = new AtomicLong();
                CompletableFuture<Void> production = CompletableFuture.runAsync(
                        () -> CrashRecoveryIT.produce(feed, producer, metricsPort, sent, Math.max(5_000, total / 5)));
                AtomicLong processed = new AtomicLong();
                int kills = 0;
                // the third restart finds state left by a run that wrote no marker (a version before it, a copied
                // state directory): Kafka Streams' own wipe-and-restore runs, and must not log an ERROR either
                double[] points = {0.3, 0.6, 0.8};
                for (int k = 0; k < points.length; k++) {
                    boolean withoutMarker = k == points.length - 1;
                    long target = (long) (points[k] * total);
                    await("processing passes " + target + " records").atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(100))
                            .until(() -> progress(pipeline, metricsPort, processed) >= target);
                    assertThat(production).as("production").isNotCompletedExceptionally();
                    long before = processed.get();
                    pipeline.kill();
                    kills++;
                    if (withoutMarker) {
                        Files.delete(stateDir.resolve(APP_ID + ".running"));
                    }
                    long restarted = System.nanoTime();
                    pipeline.start();
                    await("restarted pipeline ready").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100))
                            .until(() -> {
                                pipeline.requireAlive();
                                return Scrape.ready(metricsPort);
                            });
                    double ready = (System.nanoTime() - restarted) / 1e9;
                    await("restarted pipeline past the kill point").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100))
                            .until(() -> progress(pipeline, metricsPort, processed) > before);
                    double past = (System.nanoTime() - restarted) / 1e9;
                    double load = loadAverage();
                    report(figures, String.format("SIGKILL at %,d records, restarted at once%s: ready after %.1f s, past the kill point after %.1f s "
                            + "(load average %.1f on %d cores)", before, withoutMarker ? " without the marker" : "", ready, past, load, CORES));
                    if (withoutMarker) {
                        continue;
                    }
                    if (defaults && load <= OVERSUBSCRIBED * CORES) {
                        assertThat(past).as("seconds from the restart to processing past the kill point").isLessThanOrEqualTo(BOUND.toSeconds());
                    } else if (defaults) {
                        report(figures, "the " + BOUND.toSeconds() + " s bound is not asserted: the machine is oversubscribed");
                    }
                }
                production.get(5, TimeUnit.MINUTES);
                assertThat(sent.get()).as("records sent").isEqualTo(total);
                await("accepted + duplicates + dead-lettered == " + total).atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(200))
                        .until(() -> progress(pipeline, metricsPort, processed) >= total);
                Replay.sendEndMarkers(producer, config, PARTITIONS);
                awaitExact(pipeline, metricsPort, expected, "every coding_* sample equals the reference after " + kills + " kills");
                List<String> recoveries = matching(logFile, RECOVERY);
                report(figures, "recovery lines: " + String.join(" | ", recoveries.stream().map(RestartIT::message).toList()));
                assertThat(recoveries).as("one WARN line per unclean stop the pipeline knows of, with what it cost").hasSize(kills - 1);

                // a lost or deleted state directory: everything is restored from the changelog topics
                assertThat(pipeline.stop()).as("exit code after SIGTERM").isIn(0, 143);
                long linesBefore = Files.readAllLines(logFile, StandardCharsets.UTF_8).size();
                TempDirs.deleteRecursively(stateDir);
                long restarted = System.nanoTime();
                pipeline.start();
                await("pipeline ready after its state directory was deleted").atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(100))
                        .until(() -> {
                            pipeline.requireAlive();
                            return Scrape.ready(metricsPort);
                        });
                double ready = (System.nanoTime() - restarted) / 1e9;
                awaitExact(pipeline, metricsPort, expected, "every coding_* sample equals the reference after the state was rebuilt");
                double exact = (System.nanoTime() - restarted) / 1e9;
                List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
                List<String> restores = all.subList((int) linesBefore, all.size()).stream().filter(l -> RESTORED.matcher(l).find()).toList();
                report(figures, String.format("state directory deleted (%,d records of history): ready after %.1f s, every sample exact after %.1f s; %s",
                        total, ready, exact, String.join(" | ", restores.stream().map(RestartIT::message).toList())));
                assertThat(pipeline.stop()).as("exit code after SIGTERM").isIn(0, 143);
            }

            String log = Files.readString(logFile, StandardCharsets.UTF_8);
            assertThat(log).as("the process logged").contains("Pipeline started");
            assertThat(log.lines().filter(l -> l.contains(" ERROR ")).toList()).as("ERROR lines in the pipeline's log").isEmpty();
            assertThat(CrashRecoveryIT.identifiersIn(log, feed.identifiers)).as("identifiers in the pipeline's log").isEmpty();
            System.out.println("restart test: WARN lines:\n" + String.join("\n", log.lines().filter(l -> l.contains(" WARN ")).toList()));
            System.out.println("restart test: figures:\n  " + String.join("\n  ", figures));
        }
    }

    /** The group.instance.id of each member of the pipeline's consumer group (empty: dynamic membership). */
    private static List<String> instanceIds(EmbeddedKafka kafka) throws Exception {
        try (Admin admin = kafka.admin()) {
            return admin.describeConsumerGroups(List.of(APP_ID)).all().get(30, TimeUnit.SECONDS).get(APP_ID).members().stream()
                    .map(m -> m.groupInstanceId().orElse("")).sorted().toList();
        }
    }

    /** The 1-minute load average (runnable threads), or 0 where the system does not say. */
    private static double loadAverage() {
        return Math.max(0, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private static void awaitExact(RunProcess pipeline, int port, Map<String, Double> expected, String what) {
        await(what).atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            pipeline.requireAlive();
            Scrape s = Scrape.of(port);
            assertThat(GroundTruth.differences(expected, s.kpiSamples())).isEmpty();
        });
    }

    /** Records processed as published now (the last value while the endpoint is down); fails when the process died. */
    private static long progress(RunProcess pipeline, int port, AtomicLong processed) {
        pipeline.requireAlive();
        Scrape s = Scrape.orNull(port);
        if (s != null) {
            processed.set(s.processed());
        }
        return processed.get();
    }

    private static List<String> matching(Path log, Pattern p) throws IOException {
        return Files.readAllLines(log, StandardCharsets.UTF_8).stream().filter(l -> p.matcher(l).find()).toList();
    }

    private static String message(String line) {
        int i = line.indexOf(" - ");
        return i < 0 ? line : line.substring(i + 3);
    }

    private static void report(List<String> figures, String figure) {
        figures.add(figure);
        System.out.println("restart test: " + figure);
    }

    /** Only what any deployment names: the cluster, the endpoint (loopback) and the state directory. */
    private Path writeConfig(String bootstrap, int metricsPort, Path stateDir, String settings) throws IOException {
        Properties p = new Properties();
        p.setProperty(PipelineConfig.BOOTSTRAP_SERVERS, bootstrap);
        p.setProperty(PipelineConfig.METRICS_PORT, Integer.toString(metricsPort));
        p.setProperty(PipelineConfig.METRICS_BIND, "127.0.0.1");
        p.setProperty(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        for (String s : settings.split(";")) {
            if (!s.isBlank()) {
                p.setProperty(s.substring(0, s.indexOf('=')).trim(), s.substring(s.indexOf('=') + 1).trim());
            }
        }
        Path file = dir.resolve("run.properties");
        try (Writer w = Files.newBufferedWriter(file)) {
            p.store(w, "RestartIT");
        }
        return file;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
