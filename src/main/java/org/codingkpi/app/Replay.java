package org.codingkpi.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.codingkpi.broker.EmbeddedKafka;
import org.codingkpi.compliance.AuditReport;
import org.codingkpi.compliance.AuditTrail;
import org.codingkpi.config.PipelineConfig;
import org.codingkpi.events.RejectReason;
import org.codingkpi.kpi.Series;
import org.codingkpi.metrics.Exposition;
import org.codingkpi.metrics.KpiCollector;
import org.codingkpi.metrics.KpiTotals;
import org.codingkpi.serde.BundledSchemaRegistry;
import org.codingkpi.serde.EventCodec;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * {@code replay}: an embedded broker, the file imported, the pipeline run until every record is
 * accepted, a duplicate or dead-lettered, claims still waiting for attribution published as
 * {@code unknown}, then the final exposition ({@code metrics.prom}) and a summary
 * ({@code summary.json}) written. The same file always gives the same coding_* series.
 */
public final class Replay {
    /** The compliance findings of the replay (open and closed, with their evidence). */
    public static final String AUDIT_FINDINGS_FILE = "audit-findings.json";

    /** What the caller adds: more metric families (ROI, drift) and extra report files. */
    public interface Extension {
        Collection<MetricSnapshot> snapshots(KpiTotals totals);

        default void writeReports(KpiTotals totals, Path outDir) throws IOException {
        }
    }

    /** The figures of one replay. */
    public record Outcome(Importer.Result imported, KpiTotals totals, Duration elapsed, Duration importTime) {
        public double eventsPerSecond() {
            return imported.records() / Math.max(1e-9, elapsed.toNanos() / 1e9);
        }
    }

    private final int partitions;
    private final Map<String, String> overrides;
    private final PrintStream progress;

    public Replay(int partitions, Map<String, String> overrides, PrintStream progress) {
        this.partitions = partitions;
        this.overrides = overrides;
        this.progress = progress;
    }

    public Outcome run(Path input, Path outDir, List<Extension> extensions) throws IOException, InterruptedException {
        Files.createDirectories(outDir);
        Path stateDir = Files.createTempDirectory("coding-kpi-replay-state-");
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            Map<String, String> o = new TreeMap<>(overrides);
            o.put(PipelineConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
            o.putIfAbsent(PipelineConfig.APPLICATION_ID, "coding-kpi-replay");
            o.putIfAbsent(PipelineConfig.METRICS_PORT, "0");
            o.putIfAbsent(PipelineConfig.CLAIMS_PARTITIONED_BY, "encounter_id"); // the import puts each claim in its encounter's partition
            o.putIfAbsent(PipelineConfig.METRICS_BIND, "127.0.0.1");
            o.putIfAbsent(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
            o.putIfAbsent(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "1000");
            o.putIfAbsent(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, String.valueOf(64L * 1024 * 1024));
            // the broker is in this process: compressed batches would only cost CPU (compress, check, decompress)
            o.putIfAbsent(StreamsConfig.producerPrefix(org.apache.kafka.clients.producer.ProducerConfig.COMPRESSION_TYPE_CONFIG), "none");
            PipelineConfig config = PipelineConfig.of(o);
            kafka.createTopics(Topics.all(config), partitions);
            EventCodec codec = new EventCodec(new BundledSchemaRegistry());
            List<Function<KpiTotals, Collection<MetricSnapshot>>> fns = new ArrayList<>();
            extensions.forEach(e -> fns.add(e::snapshots));
            long start = System.nanoTime();
            try (Pipeline pipeline = Pipeline.start(config, codec, fns);
                 Producer<byte[], byte[]> producer = Importer.producer(config, "none")) {
                Importer.Result imported = new Importer(config, codec, progress).importFile(input, producer);
                Duration importTime = Duration.ofNanos(System.nanoTime() - start);
                progress.printf("import: %,d lines, %,d records sent, %,d dead-lettered at import (%.1f s)%n",
                        imported.linesRead, imported.sent, imported.deadLettered, importTime.toMillis() / 1000.0);
                awaitProcessed(pipeline, imported.records());
                sendEndMarkers(producer, config, partitions);
                awaitMarkers(pipeline, partitions);
                awaitAuditDetector(pipeline);
                awaitRoi(pipeline);
                KpiTotals totals = pipeline.totals();
                Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
                List<MetricSnapshot> snapshots = new ArrayList<>(KpiCollector.snapshots(totals));
                for (Extension e : extensions) {
                    snapshots.addAll(e.snapshots(totals));
                    e.writeReports(totals, outDir);
                }
                Files.writeString(outDir.resolve("metrics.prom"), Exposition.text(new MetricSnapshots(snapshots)));
                writeSummary(outDir.resolve("summary.json"), imported, totals, elapsed);
                AuditReport.writeJson(AuditReport.fold(AuditTrail.readState(pipeline.streams())), outDir.resolve(AUDIT_FINDINGS_FILE));
                return new Outcome(imported, totals, elapsed, importTime);
            }
        } finally {
            org.codingkpi.util.TempDirs.deleteRecursively(stateDir);
        }
    }

    /**
     * The end of a history: a control record on every partition of the encounters topic, on which the
     * pipeline publishes the claims still waiting for their encounter's coding as {@code unknown}
     * (KPIS.md §1). Counts as no event.
     */
    public static void sendEndMarkers(Producer<byte[], byte[]> producer, PipelineConfig config, int partitions) {
        for (int p = 0; p < partitions; p++) {
            ProducerRecord<byte[], byte[]> marker = new ProducerRecord<>(config.encountersTopic(), p, null, null, new byte[0]);
            marker.headers().add("coding-kpi.control", "flush-pending".getBytes(StandardCharsets.UTF_8));
            producer.send(marker);
        }
        producer.flush();
    }

    /** Waits until accepted + duplicates + dead-lettered equals the records imported. */
    private void awaitProcessed(Pipeline pipeline, long records) throws InterruptedException {
        long lastReport = System.nanoTime();
        while (true) {
            checkAlive(pipeline);
            long done = processed(pipeline);
            if (done >= records) {
                return;
            }
            if (System.nanoTime() - lastReport > 5_000_000_000L) {
                progress.printf("pipeline: %,d of %,d records processed%n", done, records);
                lastReport = System.nanoTime();
            }
            Thread.sleep(Long.getLong("replay.poll.ms", 100));
        }
    }

    /** Records accepted, duplicates and dead-lettered so far, from the state the tasks published. */
    public static long processed(Pipeline pipeline) {
        return pipeline.processedRecords();
    }

    private static void awaitMarkers(Pipeline pipeline, int partitions) throws InterruptedException {
        while (true) {
            checkAlive(pipeline);
            try {
                if (pipeline.totals().meta("control_markers") >= partitions) {
                    return;
                }
            } catch (RuntimeException e) {
                // not queryable yet
            }
            Thread.sleep(50);
        }
    }

    /** Waits until the compliance detector has processed every record the compliance processors sent it. */
    private static void awaitAuditDetector(Pipeline pipeline) throws InterruptedException {
        while (true) {
            checkAlive(pipeline);
            try {
                if (AuditTrail.caughtUp(pipeline.streams(), pipeline.totals())) {
                    return;
                }
            } catch (RuntimeException e) {
                // not queryable yet
            }
            Thread.sleep(50);
        }
    }

    /**
     * Waits until the ROI topic, read back into the global store, holds the month sums every task
     * has now (all tasks run here in a replay): the ROI figures are the whole history's.
     */
    private static void awaitRoi(Pipeline pipeline) throws InterruptedException {
        while (true) {
            checkAlive(pipeline);
            KpiTotals t = pipeline.totals();
            if (java.util.Objects.equals(t.roiStreamTime(), t.streamTime()) && sameMonths(t.roiMonths(), t.localRoiMonths())) {
                return;
            }
            Thread.sleep(100);
        }
    }

    private static boolean sameMonths(java.util.SortedMap<java.time.YearMonth, org.codingkpi.roi.RoiMonthTotals> a,
                                      java.util.SortedMap<java.time.YearMonth, org.codingkpi.roi.RoiMonthTotals> b) {
        if (!a.keySet().equals(b.keySet())) {
            return false;
        }
        org.codingkpi.roi.RoiMonthTotals zero = new org.codingkpi.roi.RoiMonthTotals();
        for (var e : a.entrySet()) {
            // compared in the normal form of the exact sums (a high part carries the low part's overflow)
            if (!java.util.Arrays.equals(e.getValue().plus(zero).values(), b.get(e.getKey()).plus(zero).values())) {
                return false;
            }
        }
        return true;
    }

    private static void checkAlive(Pipeline pipeline) {
        if (pipeline.failed() || pipeline.state() == org.apache.kafka.streams.KafkaStreams.State.NOT_RUNNING) {
            throw new IllegalStateException("the pipeline stopped (" + pipeline.state() + "); see the log above");
        }
    }

    private static void writeSummary(Path file, Importer.Result imported, KpiTotals totals, Duration elapsed) throws IOException {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("lines_read", imported.linesRead);
        s.put("blank_lines", imported.blankLines);
        long accepted = 0;
        long duplicates = 0;
        Map<String, Long> acceptedByType = new TreeMap<>();
        Map<String, Long> duplicatesByType = new TreeMap<>();
        for (Map.Entry<List<String>, double[]> e : totals.group(Series.EVENTS).entrySet()) {
            accepted += (long) e.getValue()[0];
            duplicates += (long) e.getValue()[1];
            acceptedByType.put(e.getKey().get(0), (long) e.getValue()[0]);
            duplicatesByType.put(e.getKey().get(0), (long) e.getValue()[1]);
        }
        Map<String, Long> rejectedByReason = new TreeMap<>();
        long rejected = 0;
        for (Map.Entry<List<String>, double[]> e : totals.group(Series.REJECTED).entrySet()) {
            rejected += (long) e.getValue()[0];
            rejectedByReason.put(e.getKey().get(0), (long) e.getValue()[0]);
        }
        s.put("accepted", accepted);
        s.put("duplicates", duplicates);
        s.put("rejected", rejected);
        s.put("accepted_by_type", acceptedByType);
        s.put("duplicates_by_type", duplicatesByType);
        s.put("rejected_by_reason", rejectedByReason);
        Map<String, Long> bad = new TreeMap<>();
        for (Map.Entry<RejectReason, Long> e : imported.badLines.entrySet()) {
            bad.put(e.getKey().label(), e.getValue());
        }
        s.put("bad_lines_reported_by_reason", bad);
        s.put("conserved", accepted + duplicates + rejected == imported.records());
        s.put("stream_time", totals.streamTime() == null ? null : totals.streamTime().toString());
        s.put("elapsed_seconds", elapsed.toMillis() / 1000.0);
        s.put("events_per_second", Math.round(imported.records() / Math.max(1e-9, elapsed.toNanos() / 1e9)));
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), s);
    }

}
