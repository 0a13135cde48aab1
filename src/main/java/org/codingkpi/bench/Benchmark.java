package org.codingkpi.bench;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.codingkpi.app.Importer;
import org.codingkpi.app.Pipeline;
import org.codingkpi.app.SimFeed;
import org.codingkpi.app.Topics;
import org.codingkpi.broker.EmbeddedKafka;
import org.codingkpi.config.PipelineConfig;
import org.codingkpi.events.EncounterDischarged;
import org.codingkpi.events.Setting;
import org.codingkpi.serde.BundledSchemaRegistry;
import org.codingkpi.serde.EventCodec;
import org.codingkpi.simulator.JsonlWriter;
import org.codingkpi.simulator.SimEvent;
import org.codingkpi.simulator.Simulator;
import org.codingkpi.simulator.SimulatorConfig;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The figures of BENCHMARKS.md, on this machine with the broker in the same process:
 * <ol>
 *   <li>a plain consumer that only reads and decodes the input topics (the ceiling);</li>
 *   <li>the pipeline, exactly-once, on the same preloaded topics;</li>
 *   <li>visibility latency: at a steady live feed, how long until a probe event shows in
 *       {@code /metrics};</li>
 *   <li>heap after GC and state on disk along the way.</li>
 * </ol>
 */
public final class Benchmark {
    private final PrintStream out;

    public Benchmark(PrintStream out) {
        this.out = out;
    }

    public record Options(int encountersPerDay, int days, int partitions, int threads, double liveRate, int probes, Map<String, String> settings) {
    }

    public void run(Options o) throws Exception {
        Path work = Files.createTempDirectory("coding-kpi-bench-");
        Path file = work.resolve("history.jsonl");
        SimulatorConfig sim = SimulatorConfig.builder().seed(11).start(Instant.parse("2024-01-01T00:00:00Z")).days(o.days())
                .encountersPerDay(o.encountersPerDay()).goLive(Instant.parse("2024-02-01T00:00:00Z")).messy().build();
        JsonlWriter.Counts counts = JsonlWriter.write(sim, file);
        out.printf("history: %,d lines (%d days x %,d encounters/day, messy), %d partitions, %d stream thread(s)%n",
                counts.lines(), o.days(), o.encountersPerDay(), o.partitions(), o.threads());
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            Map<String, String> s = new TreeMap<>(o.settings());
            s.put(PipelineConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
            s.put(PipelineConfig.APPLICATION_ID, "coding-kpi-bench");
            s.put(PipelineConfig.METRICS_PORT, "0");
            s.put(PipelineConfig.METRICS_BIND, "127.0.0.1");
            s.put(StreamsConfig.STATE_DIR_CONFIG, work.resolve("state").toString());
            s.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, String.valueOf(o.threads()));
            if (!o.settings().isEmpty()) {
                out.printf("settings: %s%n", o.settings());
            }
            PipelineConfig config = PipelineConfig.of(s);
            kafka.createTopics(Topics.all(config), o.partitions());
            EventCodec codec = new EventCodec(new BundledSchemaRegistry());

            long t0 = System.nanoTime();
            Importer.Result imported;
            try (Producer<byte[], byte[]> producer = Importer.producer(config)) {
                imported = new Importer(config, codec, new PrintStream(java.io.OutputStream.nullOutputStream())).importFile(file, producer);
            }
            double importSeconds = (System.nanoTime() - t0) / 1e9;
            out.printf("import (JSON -> Avro -> Kafka): %,d records in %.1f s = %,.0f records/s%n", imported.records(), importSeconds,
                    imported.records() / importSeconds);

            long inputRecords = imported.sent;
            double plain = plainConsumerRate(config, codec, inputRecords);
            out.printf("plain consumer (read + decode, no processing): %,.0f events/s%n", plain);

            long start = System.nanoTime();
            long processCpuBefore = processCpuNanos();
            try (Pipeline pipeline = Pipeline.start(config, codec, List.of())) {
                long lastSample = 0;
                long maxHeap = 0;
                while (org.codingkpi.app.Replay.processed(pipeline) < imported.records()) {
                    if (pipeline.failed()) {
                        throw new IllegalStateException("pipeline failed");
                    }
                    if (System.nanoTime() - lastSample > 5_000_000_000L) {
                        lastSample = System.nanoTime();
                        maxHeap = Math.max(maxHeap, heapUsed());
                    }
                    Thread.sleep(100);
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                double rate = imported.records() / seconds;
                out.printf("pipeline, exactly_once_v2 (start-up included): %,d records in %.1f s = %,.0f events/s (%.0f %% of the plain consumer)%n",
                        imported.records(), seconds, rate, 100 * rate / plain);
                // CPU time per event does not depend on what else the machine is doing
                long streamCpu = streamThreadCpuNanos();
                long processCpu = processCpuNanos() - processCpuBefore;
                out.printf("CPU per event: stream thread(s) %.1f us, whole process (broker included) %.1f us"
                                + " -> %,.0f events/s per stream-thread core%n",
                        streamCpu / 1e3 / imported.records(), processCpu / 1e3 / imported.records(), imported.records() / (streamCpu / 1e9));
                System.gc();
                out.printf("heap used after GC: %,d MB (max sampled during the run: %,d MB); state on disk: %,d MB%n",
                        heapUsed() >> 20, maxHeap >> 20, dirSize(work.resolve("state")) >> 20);
                latency(pipeline, config, codec, o);
            }
        } finally {
            org.codingkpi.util.TempDirs.deleteRecursively(work);
        }
    }

    private double plainConsumerRate(PipelineConfig config, EventCodec codec, long records) {
        Map<String, Object> p = new TreeMap<>(config.clientProperties());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-plain-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        long n = 0;
        long start = System.nanoTime();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(Topics.inputs(config));
            while (n < records) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    try {
                        codec.decode(r.value());
                    } catch (RuntimeException e) {
                        // an invalid record costs its decode attempt, as in the pipeline
                    }
                    n++;
                }
            }
        }
        return n / ((System.nanoTime() - start) / 1e9);
    }

    /** Probes at a steady live feed: time from send to the probe's count showing in /metrics. */
    private void latency(Pipeline pipeline, PipelineConfig config, EventCodec codec, Options o) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI metrics = URI.create("http://127.0.0.1:" + pipeline.metricsPort() + "/metrics");
        Instant now = Instant.now();
        SimulatorConfig live = SimulatorConfig.builder().seed(99).start(now.minus(Duration.ofDays(2))).days(3).encountersPerDay(20_000)
                .goLive(now.minus(Duration.ofDays(60))).build();
        List<Long> latencies = new ArrayList<>();
        try (Producer<byte[], byte[]> producer = Importer.producer(config)) {
            SimFeed feed = new SimFeed(config, codec, producer);
            Simulator background = new Simulator(live);
            long periodNanos = (long) (1e9 / o.liveRate());
            long next = System.nanoTime();
            long nextProbe = next + 1_000_000_000L;
            double seen = probeCount(http, metrics);
            int probe = 0;
            while (probe < o.probes()) {
                long t = System.nanoTime();
                if (t >= next && background.hasNext()) {
                    SimEvent e = background.next();
                    if (e.event() != null && e.deliveredAt().isBefore(Instant.now())) {
                        feed.send(e, System.currentTimeMillis());
                    }
                    next += periodNanos;
                    if (next - t > 0) {
                        producer.flush();
                    }
                }
                if (t >= nextProbe) {
                    EncounterDischarged p = EncounterDischarged.newBuilder().setEventId("probe-" + UUID.randomUUID())
                            .setOccurredAt(Instant.now()).setFacilityId("BENCH-PROBE").setEncounterId("probe-" + probe)
                            .setSetting(Setting.OUTPATIENT).setSpecialty("PROBE").setPayerId("PROBE").setExpectedChargeCents(0).build();
                    long sent = System.nanoTime();
                    producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(config.encountersTopic(), null, System.currentTimeMillis(),
                            p.getEncounterId().getBytes(java.nio.charset.StandardCharsets.UTF_8), codec.encode(config.encountersTopic(), p)));
                    producer.flush();
                    double target = seen + 1;
                    while ((seen = probeCount(http, metrics)) < target) {
                        if (System.nanoTime() - sent > 30_000_000_000L) {
                            throw new IllegalStateException("probe not visible after 30 s");
                        }
                    }
                    latencies.add((System.nanoTime() - sent) / 1_000_000);
                    probe++;
                    nextProbe = System.nanoTime() + 200_000_000L;
                    next = System.nanoTime();
                }
            }
        }
        Collections.sort(latencies);
        out.printf("visible in /metrics at %,.0f events/s: p50 %d ms, p99 %d ms, max %d ms (%d probes)%n", o.liveRate(),
                latencies.get(latencies.size() / 2), latencies.get((int) Math.ceil(latencies.size() * 0.99) - 1),
                latencies.get(latencies.size() - 1), latencies.size());
    }

    private static double probeCount(HttpClient http, URI metrics) throws IOException, InterruptedException {
        String body = http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString()).body();
        double n = 0;
        for (String line : body.split("\n")) {
            if (line.startsWith("coding_encounters_discharged_total{") && line.contains("facility=\"BENCH-PROBE\"")) {
                n += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return n;
    }

    private static long streamThreadCpuNanos() {
        java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long total = 0;
        for (java.lang.management.ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (t != null && t.getThreadName().contains("StreamThread")) {
                total += Math.max(0, threads.getThreadCpuTime(t.getThreadId()));
            }
        }
        return total;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static long heapUsed() {
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return heap.getUsed();
    }

    private static long dirSize(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

}
