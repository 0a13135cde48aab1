package org.codingkpi.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.StreamsConfig;
import org.codingkpi.app.Importer;
import org.codingkpi.app.Replay;
import org.codingkpi.app.Topics;
import org.codingkpi.broker.EmbeddedKafka;
import org.codingkpi.config.PipelineConfig;
import org.codingkpi.serde.BundledSchemaRegistry;
import org.codingkpi.serde.EventCodec;
import org.codingkpi.simulator.SimulatorConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Exactly once under failure, with the product as it is deployed: {@code run} in its own OS process
 * against a real broker, while a messy simulated history of more than 200,000 records (duplicates,
 * late deliveries, invalid lines) is produced. The process is killed with SIGKILL three times at
 * random points of the processing and started again, and the broker is restarted once in the
 * middle. At the end every coding_* sample equals what {@link ReferenceModel} computes from the
 * input: nothing lost, nothing counted twice. No line of the process's output and no label value of
 * any scrape carries an encounter, claim or event identifier of the history.
 */
@Tag("integration")
class CrashRecoveryIT {
    private static final int PARTITIONS = 6;
    private static final String APP_ID = "crash-it";
    /** How far the producer may run ahead of the processing (so that production spans the kills). */
    private static final long WINDOW = 40_000;
    private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    @TempDir
    Path dir;

    @Test
    void sigkillsAndABrokerRestartLoseNothingAndCountNothingTwice() throws Exception {
        long seed = Long.getLong("crash.seed", System.nanoTime());
        Random random = new Random(seed);
        System.out.printf("crash test: kill points drawn with -Dcrash.seed=%d%n", seed);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), true)) {
            int metricsPort = freePort();
            PipelineConfig config = PipelineConfig.of(Map.of(PipelineConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers()));
            kafka.createTopics(Topics.all(config), PARTITIONS);
            SimulatedFeed feed = SimulatedFeed.of(SimulatorConfig.builder().seed(5).days(180).encountersPerDay(230).messy()
                    .duplicateRate(0.03).build(), config, new EventCodec(new BundledSchemaRegistry()));
            long total = feed.size();
            assertThat(total).as("records in the history").isGreaterThanOrEqualTo(200_000);
            assertThat(feed.duplicates).as("duplicates").isPositive();
            assertThat(feed.late).as("late deliveries").isPositive();
            Map<String, Double> expected = GroundTruth.of(feed.valid, feed.rejects, PARTITIONS, config.attributionMaxWait().toMillis());
            Path properties = writeConfig(kafka.bootstrapServers(), metricsPort);

            List<String> figures = new ArrayList<>();
            Set<String> labelValues = new TreeSet<>();
            // the process's log is kept under target/ for a failed build's reader
            Path logFile = Path.of(System.getProperty("basedir", ".")).resolve("target/crash-it/run.log");
            Files.createDirectories(logFile.getParent());
            Files.deleteIfExists(logFile);
            try (RunProcess pipeline = new RunProcess(properties, logFile);
                 Producer<byte[], byte[]> producer = Importer.producer(config)) {
                pipeline.start();
                AtomicLong processed = new AtomicLong();
                AtomicLong sent = new AtomicLong();
                CompletableFuture<Void> production = CompletableFuture.runAsync(() -> produce(feed, producer, metricsPort, sent, WINDOW));

                // three kills at random points of the processing, the broker restart between the second and third
                List<Double> points = new ArrayList<>(List.of(0.08 + 0.17 * random.nextDouble(), 0.33 + 0.17 * random.nextDouble(),
                        0.70 + 0.12 * random.nextDouble()));
                double brokerPoint = 0.55 + 0.1 * random.nextDouble();
                for (int step = 0; step < 4; step++) {
                    boolean broker = step == 2;
                    double point = broker ? brokerPoint : points.get(step < 2 ? step : 2);
                    long target = (long) (point * total);
                    await("processing passes " + target + " records").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100))
                            .until(() -> progress(pipeline, metricsPort, processed, labelValues) >= target);
                    assertThat(production).as("production").isNotCompletedExceptionally();
                    long before = processed.get();
                    long t0 = System.nanoTime();
                    if (broker) {
                        kafka.restart();
                        long restarted = System.nanoTime();
                        await("processing resumes after the broker restart").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100))
                                .until(() -> progress(pipeline, metricsPort, processed, labelValues) > before);
                        report(figures, String.format("broker restart at %,d records: broker back in %.1f s, processing past the restart point %.1f s after it went down",
                                before, (restarted - t0) / 1e9, (System.nanoTime() - t0) / 1e9));
                    } else {
                        pipeline.kill();
                        pipeline.start();
                        await("restarted pipeline ready").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
                                .until(() -> {
                                    pipeline.requireAlive();
                                    return Scrape.ready(metricsPort);
                                });
                        long ready = System.nanoTime();
                        await("restarted pipeline past the kill point").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100))
                                .until(() -> progress(pipeline, metricsPort, processed, labelValues) >= before);
                        report(figures, String.format("SIGKILL at %,d records: ready %.1f s after the kill, past the kill point after %.1f s",
                                before, (ready - t0) / 1e9, (System.nanoTime() - t0) / 1e9));
                    }
                }
                production.get();
                assertThat(sent.get()).as("records sent").isEqualTo(total);
                try {
                    await("accepted + duplicates + dead-lettered == " + total).atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
                            .until(() -> progress(pipeline, metricsPort, processed, labelValues) >= total);
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    throw new AssertionError(e.getMessage() + "\n" + diagnosis(kafka, config, metricsPort), e);
                }

                // the end marker replay sends: claims still waiting for their encounter's coding are published as unknown
                Replay.sendEndMarkers(producer, config, PARTITIONS);
                AtomicReference<Scrape> last = new AtomicReference<>();
                await("every coding_* sample equals the reference").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                        .untilAsserted(() -> {
                            pipeline.requireAlive();
                            Scrape s = Scrape.of(metricsPort);
                            last.set(s);
                            assertThat(GroundTruth.differences(expected, s.kpiSamples())).isEmpty();
                        });
                await("every input record committed").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                        .until(() -> inputLag(kafka, config) == 0);
                Scrape end = Scrape.of(metricsPort);
                assertThat(GroundTruth.differences(expected, end.kpiSamples())).as("coding_* samples once all is committed").isEmpty();
                assertThat(end.processed()).as("accepted + duplicates + dead-lettered").isEqualTo(total);
                end.samples().keySet().forEach(k -> labelValues.addAll(labelValuesOf(k)));
                // the state directory holds identifiers at rest: owner-only, after Kafka Streams made it (it chmods rwxr-x---)
                for (Path d : List.of(dir.resolve("state"), dir.resolve("state").resolve(APP_ID))) {
                    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(d)))
                            .as("permissions of %s", dir.relativize(d)).isEqualTo("rwx------");
                }
                assertThat(pipeline.stop()).as("exit code after SIGTERM (143: ended by the signal after the shutdown hook)").isIn(0, 143);
                assertThat(pipeline.starts()).as("process starts").isEqualTo(4);
            }

            // privacy: nothing the history identifies appears in the process's output or in a label value
            String log = Files.readString(logFile, StandardCharsets.UTF_8);
            assertThat(log).as("the process logged").contains("Pipeline started");
            assertThat(identifiersIn(log, feed.identifiers)).as("identifiers in the pipeline's log output").isEmpty();
            Set<String> inLabels = new TreeSet<>();
            labelValues.forEach(v -> inLabels.addAll(identifiersIn(v, feed.identifiers)));
            assertThat(inLabels).as("identifiers in metric label values").isEmpty();
            assertThat(labelValues).as("label values scanned").isNotEmpty();
            System.out.printf("crash test: %,d records, %,d log lines and %,d label values scanned%n", total, log.lines().count(), labelValues.size());
        }
    }

    private static void report(List<String> figures, String figure) {
        figures.add(figure);
        System.out.println("crash test: " + figure);
    }

    /** Sends the history in order, never more than {@code window} records ahead of what the pipeline published. */
    static void produce(SimulatedFeed feed, Producer<byte[], byte[]> producer, int metricsPort, AtomicLong sent, long window) {
        long processed = 0;
        AtomicReference<Exception> failure = new AtomicReference<>();
        for (ProducerRecord<byte[], byte[]> r : feed.records) {
            if (failure.get() != null) {
                throw new IllegalStateException("sending to Kafka failed", failure.get());
            }
            if (sent.get() - processed >= window) {
                producer.flush();
                long[] seen = {processed};
                await("pipeline within " + window + " records of the producer").atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(200))
                        .until(() -> {
                            Scrape s = Scrape.orNull(metricsPort);
                            seen[0] = s == null ? seen[0] : s.processed();
                            return sent.get() - seen[0] < window / 2;
                        });
                processed = seen[0];
            }
            producer.send(r, (md, e) -> {
                if (e != null) {
                    failure.compareAndSet(null, e);
                }
            });
            sent.incrementAndGet();
        }
        producer.flush();
        if (failure.get() != null) {
            throw new IllegalStateException("sending to Kafka failed", failure.get());
        }
    }

    /** Records processed as published now (the last value while the endpoint is down); fails when the process died. */
    private static long progress(RunProcess pipeline, int port, AtomicLong processed, Set<String> labelValues) {
        pipeline.requireAlive();
        Scrape s = Scrape.orNull(port);
        if (s != null) {
            if (s.processed() / 20_000 != processed.get() / 20_000) {
                System.out.printf("crash test: %,d records processed%n", s.processed());
            }
            processed.set(s.processed());
            s.samples().keySet().forEach(k -> labelValues.addAll(labelValuesOf(k)));
        }
        return processed.get();
    }

    private static List<String> labelValuesOf(String sample) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("=\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(sample);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** Identifiers of the history in a text: every UUID-shaped token (all the simulator's ids are UUIDs) looked up. */
    static Set<String> identifiersIn(String text, Set<String> identifiers) {
        Set<String> found = new TreeSet<>();
        Matcher m = UUID.matcher(text);
        while (m.find()) {
            if (identifiers.contains(m.group()) || identifiers.contains(m.group().toLowerCase())) {
                found.add(m.group());
            }
        }
        return found;
    }

    /** What a reader of a stuck run needs: the group's lag per partition and what the pipeline publishes. */
    private static String diagnosis(EmbeddedKafka kafka, PipelineConfig config, int port) {
        StringBuilder sb = new StringBuilder();
        try (Admin admin = kafka.admin()) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(APP_ID).partitionsToOffsetAndMetadata().get();
            Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
            for (String topic : List.of(config.encountersTopic(), config.aiTopic(), config.claimsTopic(), config.deadLetterTopic(),
                    APP_ID + "-claims-by-encounter-repartition")) {
                for (int p = 0; p < PARTITIONS; p++) {
                    ends.put(new TopicPartition(topic, p), OffsetSpec.latest());
                }
            }
            new java.util.TreeMap<>(admin.listOffsets(ends).all().get().entrySet().stream().collect(java.util.stream.Collectors.toMap(
                    e -> e.getKey().toString(), e -> e.getValue().offset() + " committed " + committed.get(e.getKey())))).forEach((k, v) -> sb.append(k).append(": end ").append(v).append('\n'));
        } catch (Exception e) {
            sb.append("lag unknown: ").append(e).append('\n');
        }
        Scrape s = Scrape.orNull(port);
        if (s != null) {
            s.samples().forEach((k, v) -> {
                if (k.startsWith("coding_events") || k.startsWith("coding_pipeline_task") || k.startsWith("coding_pipeline_ready")) {
                    sb.append(k).append(' ').append(v).append('\n');
                }
            });
        }
        return sb.toString();
    }

    /** Records of the input topics not yet committed by the pipeline's consumer group. */
    private static long inputLag(EmbeddedKafka kafka, PipelineConfig config) throws Exception {
        try (Admin admin = kafka.admin()) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(APP_ID).partitionsToOffsetAndMetadata().get();
            Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
            for (String topic : Topics.inputs(config)) {
                for (int p = 0; p < PARTITIONS; p++) {
                    ends.put(new TopicPartition(topic, p), OffsetSpec.latest());
                }
            }
            long lag = 0;
            for (var e : admin.listOffsets(ends).all().get().entrySet()) {
                OffsetAndMetadata c = committed.get(e.getKey());
                lag += e.getValue().offset() - (c == null ? 0 : c.offset());
            }
            return lag;
        }
    }

    private Path writeConfig(String bootstrap, int metricsPort) throws IOException {
        Properties p = new Properties();
        p.setProperty(PipelineConfig.BOOTSTRAP_SERVERS, bootstrap);
        p.setProperty(PipelineConfig.APPLICATION_ID, APP_ID);
        p.setProperty(PipelineConfig.METRICS_PORT, Integer.toString(metricsPort));
        p.setProperty(PipelineConfig.METRICS_BIND, "127.0.0.1");
        p.setProperty(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state").toString());
        // static membership: a restarted process takes the killed one's place without waiting for its session to expire
        p.setProperty(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, APP_ID + "-0");
        Path file = dir.resolve("run.properties");
        try (Writer w = Files.newBufferedWriter(file)) {
            p.store(w, "CrashRecoveryIT");
        }
        return file;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
