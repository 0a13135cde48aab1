package org.codingkpi.bench;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.codingkpi.app.Importer;
import org.codingkpi.app.Pipeline;
import org.codingkpi.app.Replay;
import org.codingkpi.app.Topics;
import org.codingkpi.broker.EmbeddedKafka;
import org.codingkpi.config.PipelineConfig;
import org.codingkpi.serde.BundledSchemaRegistry;
import org.codingkpi.serde.EventCodec;
import org.codingkpi.util.TempDirs;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The long-history mode: one exactly-once pipeline pass over a history of N events, sampling heap
 * after GC, resident memory and state on disk at every tenth of the way (flat, not growing, is the
 * target), then the restore time of a wiped state directory: the pipeline stopped, its state
 * directory deleted, started again on the same application id, timed until RUNNING and until its
 * KPI state counts every record it had counted before.
 */
final class LongRun {
    private static final long MB = 1024 * 1024;
    private static final String APP = "bench-long-pipeline";

    private final PrintStream out;
    private final Map<String, Object> json;

    LongRun(PrintStream out, Map<String, Object> json) {
        this.out = out;
        this.json = json;
    }

    void run(Benchmark.Options o, EmbeddedKafka kafka, Admin admin, Path work) throws Exception {
        Path stateDir = work.resolve("state-long");
        PipelineConfig config = Benchmark.config(o, kafka, APP, stateDir, "", false);
        kafka.createTopics(Topics.all(config), o.partitions());
        Offsets.awaitLeaders(admin, Topics.all(config), java.time.Duration.ofMinutes(2));
        EventCodec codec = new EventCodec(new BundledSchemaRegistry());
        int days = (int) Math.ceil(o.events() / (o.encountersPerDay() * 5.0)) + 30;
        long records = o.events();
        Set<TopicPartition> inputTps = Offsets.endOffsets(admin, Topics.inputs(config)).keySet();
        // the history is sent while the pipeline runs, as `replay` imports: the pipeline is the slower of the two
        out.printf("a history of %,d events (%,d encounters/day, up to %,d days, messy), sent while the pipeline runs ...%n", records,
                o.encountersPerDay(), days);
        AtomicReference<History.Loaded> loaded = new AtomicReference<>();
        AtomicReference<Exception> loadFailure = new AtomicReference<>();
        AtomicBoolean stopLoading = new AtomicBoolean();
        Thread loader = new Thread(() -> {
            try (Producer<byte[], byte[]> producer = Importer.producer(config)) {
                loaded.set(History.load(History.endingToday(11, days, o.encountersPerDay()), config, codec, producer, records, stopLoading::get));
            } catch (RuntimeException e) {
                loadFailure.set(e);
            }
        }, "bench-history-loader");

        List<Map<String, Object>> samples = new ArrayList<>();
        json.put("samples", samples);
        Map<String, Object> pass = new LinkedHashMap<>();
        json.put("pipeline", pass);
        long maxNanos = o.maxMinutes() > 0 ? (long) (o.maxMinutes() * 60e9) : Long.MAX_VALUE;
        int steps = Math.max(1, o.samples());
        out.printf("| %8s | %12s | %9s | %10s | %13s | %10s | %8s | %8s | %9s | %10s |%n", "progress", "events", "seconds", "events/s", "stream-thread",
                "heap after", "RSS MB", "peak RSS", "state on", "encounter");
        out.printf("| %8s | %12s | %9s | %10s | %13s | %10s | %8s | %8s | %9s | %10s |%n", "", "", "", "(segment)", "us/event (seg)", "GC MB", "", "MB",
                "disk MB", "records");
        out.printf("|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%n", "-".repeat(10), "-".repeat(14), "-".repeat(11), "-".repeat(12), "-".repeat(15),
                "-".repeat(12), "-".repeat(10), "-".repeat(10), "-".repeat(11), "-".repeat(12));
        long processedBefore;
        long stateBefore;
        try (Pipeline p = Pipeline.start(config, codec, List.of())) {
            loader.start();
            long[] last = {0, 0, 0}; // progress, nanos, stream-thread CPU at the last sample
            int[] next = {1};
            boolean[] started = {false};
            StreamsPass.Sampler sampler = (done, nanos) -> {
                if (!started[0]) {
                    // the baseline, at the first record: start-up is not in the first segment
                    started[0] = true;
                    last[0] = done;
                    last[1] = nanos;
                    last[2] = Machine.streamThreadCpu(APP).values().stream().mapToLong(Long::longValue).sum();
                    return;
                }
                if (done * steps >= (long) next[0] * records) {
                    while (done * steps >= (long) next[0] * records) {
                        next[0]++;
                    }
                    long cpu = Machine.streamThreadCpu(APP).values().stream().mapToLong(Long::longValue).sum();
                    samples.add(sample(done, records, nanos, last, cpu, stateDir, p.streams()));
                    last[0] = done;
                    last[1] = nanos;
                    last[2] = cpu;
                }
            };
            java.util.function.LongSupplier processed = Offsets.processedInputs(admin, APP, inputTps);
            StreamsPass.Timed t = new StreamsPass(p.streams(), APP).run(records, () -> {
                if (loadFailure.get() != null) {
                    throw new IllegalStateException("sending the history failed: " + loadFailure.get().getMessage(), loadFailure.get());
                }
                return processed.getAsLong();
            }, 200, maxNanos, 600, sampler);
            stopLoading.set(true);
            loader.join();
            History.Loaded l = loaded.get();
            if (l != null) {
                Map<String, Object> history = new LinkedHashMap<>();
                history.put("records_sent", l.records());
                history.put("first_delivery", String.valueOf(l.first()));
                history.put("last_delivery", String.valueOf(l.last()));
                history.put("encounters_per_day", o.encountersPerDay());
                history.put("partitions", o.partitions());
                history.put("stream_threads", o.threads());
                history.put("send_seconds", Benchmark.round1(l.nanos() / 1e9));
                json.put("history", history);
                out.printf("history: %,d records sent (deliveries %s .. %s) in %.0f s%n", l.records(), l.first(), l.last(), l.nanos() / 1e9);
            }
            long cpu = Machine.streamThreadCpu(APP).values().stream().mapToLong(Long::longValue).sum();
            samples.add(sample(t.progressAtEnd(), records, t.nanos(), last, cpu, stateDir, p.streams()));
            pass.put("complete", t.complete());
            pass.put("events", t.progressAtEnd());
            pass.put("of_events", records);
            pass.put("seconds", Benchmark.round1(t.nanos() / 1e9));
            pass.put("events_per_second", Math.round(t.eventsPerSecond()));
            pass.put("stream_thread_cpu_us_per_event", Benchmark.round2(Stats.microsPerEvent(t.streamCpuNanos(), t.progressAtEnd())));
            pass.put("process_cpu_us_per_event", Benchmark.round2(Stats.microsPerEvent(t.processCpuNanos(), t.progressAtEnd())));
            pass.put("peak_rss_mb", Machine.peakRss() / MB);
            if (!t.complete()) {
                out.printf("stopped after %.1f minutes (--max-minutes): %,d of %,d events (%.1f %%)%n", t.nanos() / 60e9, t.progressAtEnd(), records,
                        Stats.share(t.progressAtEnd(), records));
            }
            out.printf("pipeline: %,d events in %.1f s = %,.0f events/s; stream-thread CPU %.2f us/event, process CPU %.2f us/event%n",
                    t.progressAtEnd(), t.nanos() / 1e9, t.eventsPerSecond(), Stats.microsPerEvent(t.streamCpuNanos(), t.progressAtEnd()),
                    Stats.microsPerEvent(t.processCpuNanos(), t.progressAtEnd()));
            processedBefore = Replay.processed(p);
        }
        stateBefore = Machine.dirSize(stateDir);
        long changelogs = Offsets.topicBytes(admin).entrySet().stream().filter(e -> e.getKey().startsWith(APP + "-") && e.getKey().endsWith("-changelog"))
                .mapToLong(Map.Entry::getValue).sum();
        json.put("changelogs_on_broker_mb", Benchmark.round1(changelogs / (double) MB));
        out.printf("state on disk after the stop %.1f MB; changelog topics on the broker %.1f MB (what a restore reads, before compaction)%n",
                stateBefore / (double) MB, changelogs / (double) MB);
        restore(config, codec, stateDir, processedBefore, stateBefore);
    }

    /**
     * The live encounter records (RocksDB's estimate of its keys, over the tasks of this instance):
     * what flat state means, where the size on disk also counts data RocksDB has not compacted away yet.
     */
    static long encounterRecords(org.apache.kafka.streams.KafkaStreams streams) {
        double n = 0;
        for (var e : streams.metrics().entrySet()) {
            if (e.getKey().name().equals("estimate-num-keys") && e.getKey().tags().containsValue(
                    org.codingkpi.topology.CodingKpiTopology.ENCOUNTER_STORE) && e.getValue().metricValue() instanceof Number v) {
                n += v.doubleValue();
            }
        }
        return Math.round(n);
    }

    private Map<String, Object> sample(long done, long records, long nanos, long[] last, long cpu, Path stateDir,
                                       org.apache.kafka.streams.KafkaStreams streams) {
        Map<String, Object> s = new LinkedHashMap<>();
        long segment = done - last[0];
        double rate = Stats.rate(segment, nanos - last[1]);
        double cpuPerEvent = Stats.microsPerEvent(cpu - last[2], segment);
        s.put("progress_percent", Benchmark.round1(Stats.share(done, records)));
        s.put("events", done);
        s.put("seconds", Benchmark.round1(nanos / 1e9));
        s.put("events_per_second_segment", Math.round(rate));
        s.put("stream_thread_cpu_us_per_event_segment", Benchmark.round2(cpuPerEvent));
        s.put("heap_after_gc_mb", Machine.heapAfterGc() / MB);
        s.put("rss_mb", Machine.rss() / MB);
        s.put("peak_rss_mb", Machine.peakRss() / MB);
        s.put("state_on_disk_mb", Benchmark.round1(Machine.dirSize(stateDir) / (double) MB));
        s.put("encounter_records", encounterRecords(streams));
        out.printf("| %7.1f%% | %,12d | %9.1f | %,10d | %13.2f | %10d | %8d | %8d | %9.1f | %,10d |%n", s.get("progress_percent"), done, nanos / 1e9,
                Math.round(rate), cpuPerEvent, s.get("heap_after_gc_mb"), s.get("rss_mb"), s.get("peak_rss_mb"), s.get("state_on_disk_mb"),
                s.get("encounter_records"));
        return s;
    }

    /** Stop, wipe the state directory, start on the same application id: time to RUNNING and to the same KPI state. */
    private void restore(PipelineConfig config, EventCodec codec, Path stateDir, long processedBefore, long stateBefore) throws InterruptedException {
        Map<String, Object> r = new LinkedHashMap<>();
        json.put("restore", r);
        r.put("state_on_disk_before_wipe_mb", Benchmark.round1(stateBefore / (double) MB));
        r.put("records_counted_before", processedBefore);
        TempDirs.deleteRecursively(stateDir);
        out.printf("state directory wiped (%.1f MB); restarting on the same application id ...%n", stateBefore / (double) MB);
        long t0 = System.nanoTime();
        long deadline = t0 + 900_000_000_000L;
        try (Pipeline p = Pipeline.start(config, codec, List.of())) {
            while (p.state() != KafkaStreams.State.RUNNING) {
                if (p.failed() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("not RUNNING after the restore (" + p.state() + ")");
                }
                Thread.sleep(20);
            }
            long running = System.nanoTime() - t0;
            long counted;
            while ((counted = Replay.processed(p)) < processedBefore) {
                if (p.failed() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("the restored state counts " + counted + " records of " + processedBefore);
                }
                Thread.sleep(100);
            }
            long caughtUp = System.nanoTime() - t0;
            r.put("seconds_to_running", Benchmark.round2(running / 1e9));
            r.put("seconds_to_same_state", Benchmark.round2(caughtUp / 1e9));
            r.put("state_on_disk_after_mb", Benchmark.round1(Machine.dirSize(stateDir) / (double) MB));
            out.printf("restore after wiping the state directory: RUNNING after %.1f s, KPI state back to %,d records counted after %.1f s"
                            + " (state on disk %.1f MB before the wipe)%n", running / 1e9, processedBefore, caughtUp / 1e9,
                    stateBefore / (double) MB);
        }
    }
}
