package org.codingkpi.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.internals.AppInfoParser;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.codingkpi.app.Importer;
import org.codingkpi.app.Pipeline;
import org.codingkpi.app.Topics;
import org.codingkpi.broker.EmbeddedKafka;
import org.codingkpi.config.PipelineConfig;
import org.codingkpi.serde.BundledSchemaRegistry;
import org.codingkpi.serde.EventCodec;
import org.codingkpi.util.TempDirs;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The figures of BENCHMARKS.md, in one JVM with the broker in the same process, on the same
 * preloaded topics, warm (each measured pass follows a warm-up pass in this JVM):
 * <ol>
 *   <li>the ceiling: a tuned plain consumer that reads and decodes the input topics;</li>
 *   <li>the floors: a Kafka Streams pass-through and a one-store topology, exactly_once_v2;</li>
 *   <li>the pipeline, exactly_once_v2, with the records it writes to the broker by topic;</li>
 *   <li>{@code /metrics} visibility at a steady live feed; heap, resident memory, state on disk.</li>
 * </ol>
 * With {@code events > 0}, the long-history mode instead: one pipeline pass over that many events
 * with heap, RSS and state size sampled along the way, then the restore time of a wiped state
 * directory.
 */
public final class Benchmark {
    static final String PASS_THROUGH_OUT = "bench-passthrough-out";
    private static final long MB = 1024 * 1024;
    /** Events per encounter of a messy simulated history (5.1 measured; used to size the long mode's days). */
    private static final double EVENTS_PER_ENCOUNTER = 5.0;

    private final PrintStream out;
    private final Map<String, Object> json = new LinkedHashMap<>();

    public Benchmark(PrintStream out) {
        this.out = out;
    }

    /**
     * @param events      0: the standard run; otherwise the long-history mode with that many events
     * @param maxMinutes  long mode: stop the pipeline pass after this long (0: no limit) and record how far it got
     * @param commandLine the command as typed, printed with the figures
     */
    public record Options(int encountersPerDay, int days, int warmupDays, int partitions, int threads, int consumerPasses,
                          double liveRate, int probes, long probePollMillis, double visibilityMinutes, long events, int samples, double maxMinutes, Path jsonFile,
                          Map<String, String> settings, String commandLine) {
    }

    public void run(Options o) throws Exception {
        json.put("command", o.commandLine());
        json.put("started", Instant.now().toString());
        json.put("machine", machine());
        out.printf("command: %s%n", o.commandLine());
        out.printf("machine: %d cores, load average %.1f, Java %s, Kafka %s, broker in this process%n",
                Runtime.getRuntime().availableProcessors(), Machine.loadAverage(), System.getProperty("java.version"), AppInfoParser.getVersion());
        Path work = Files.createTempDirectory("coding-kpi-bench-");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(); Admin admin = kafka.admin()) {
            if (o.events() > 0) {
                new LongRun(out, json).run(o, kafka, admin, work);
            } else {
                standard(o, kafka, admin, work);
            }
        } finally {
            TempDirs.deleteRecursively(work);
            json.put("load_average_at_end", Machine.loadAverage());
            out.printf("load average at the end: %.1f%n", Machine.loadAverage());
            if (o.jsonFile() != null) {
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(o.jsonFile().toFile(), json);
                out.printf("figures written to %s%n", o.jsonFile());
            }
        }
    }

    private static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("load_average_at_start", Machine.loadAverage());
        m.put("java", System.getProperty("java.version"));
        m.put("kafka", AppInfoParser.getVersion());
        m.put("max_heap_mb", Runtime.getRuntime().maxMemory() / MB);
        m.put("jvm_arguments", java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
        return m;
    }

    /** The pipeline's configuration on the embedded broker; {@code prefix} names a separate set of topics. */
    static PipelineConfig config(Options o, EmbeddedKafka kafka, String applicationId, Path stateDir, String prefix, boolean keepRepartitions) {
        Map<String, String> s = new TreeMap<>();
        if (keepRepartitions) {
            // consumed repartition records are deleted every 30 s by default; keep them so that they can be
            // counted after the pass (one admin call less per 30 s, no per-record cost)
            s.put(StreamsConfig.REPARTITION_PURGE_INTERVAL_MS_CONFIG, String.valueOf(Duration.ofDays(1).toMillis()));
        }
        // the benchmark's history is sent as this project's producers send it: each claim in its encounter's partition
        s.put(PipelineConfig.CLAIMS_PARTITIONED_BY, "encounter_id");
        s.putAll(o.settings());
        s.put(PipelineConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        s.put(PipelineConfig.APPLICATION_ID, applicationId);
        s.put(PipelineConfig.METRICS_PORT, "0");
        s.put(PipelineConfig.METRICS_BIND, "127.0.0.1");
        s.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        s.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, String.valueOf(o.threads()));
        PipelineConfig base = PipelineConfig.of(s);
        if (!prefix.isEmpty()) {
            for (String k : List.of(PipelineConfig.TOPIC_ENCOUNTERS, PipelineConfig.TOPIC_AI, PipelineConfig.TOPIC_CLAIMS,
                    PipelineConfig.TOPIC_DEAD_LETTER, PipelineConfig.TOPIC_AUDIT)) {
                s.put(k, prefix + base.get(k));
            }
            s.remove(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
            base = PipelineConfig.of(s);
        }
        return base;
    }

    private void standard(Options o, EmbeddedKafka kafka, Admin admin, Path work) throws Exception {
        PipelineConfig main = config(o, kafka, "bench-pipeline", work.resolve("state-pipeline"), "", true);
        PipelineConfig warm = config(o, kafka, "warmup-pipeline", work.resolve("state-warmup-pipeline"), "warmup-", true);
        List<String> mainTopics = new ArrayList<>(Topics.all(main));
        mainTopics.add(PASS_THROUGH_OUT);
        List<String> warmTopics = new ArrayList<>(Topics.all(warm));
        warmTopics.add("warmup-" + PASS_THROUGH_OUT);
        kafka.createTopics(mainTopics, o.partitions());
        kafka.createTopics(warmTopics, o.partitions());
        Offsets.awaitLeaders(admin, mainTopics, Duration.ofMinutes(2));
        Offsets.awaitLeaders(admin, warmTopics, Duration.ofMinutes(2));
        if (!o.settings().isEmpty()) {
            out.printf("settings: %s%n", o.settings());
        }
        EventCodec codec = new EventCodec(new BundledSchemaRegistry());

        History.Loaded warmLoaded;
        History.Loaded loaded;
        try (Producer<byte[], byte[]> producer = Importer.producer(main)) {
            warmLoaded = History.load(History.endingToday(12, o.warmupDays(), o.encountersPerDay()), warm, codec, producer, 0);
            loaded = History.load(History.endingToday(11, o.days(), o.encountersPerDay()), main, codec, producer, 0);
        }
        long records = loaded.records();
        Map<String, Object> history = new LinkedHashMap<>();
        history.put("days", o.days());
        history.put("encounters_per_day", o.encountersPerDay());
        history.put("records", records);
        history.put("invalid_records", loaded.invalid());
        history.put("warmup_days", o.warmupDays());
        history.put("warmup_records", warmLoaded.records());
        history.put("partitions", o.partitions());
        history.put("stream_threads", o.threads());
        history.put("load_events_per_second", Math.round(Stats.rate(records, loaded.nanos())));
        json.put("history", history);
        out.printf("history: %,d records (%d days x %,d encounters/day, messy, %,d invalid) on %d partitions per topic, %d stream thread(s);"
                        + " warm-up history %,d records (%d days) on separate topics; loaded at %,.0f records/s%n",
                records, o.days(), o.encountersPerDay(), loaded.invalid(), o.partitions(), o.threads(), warmLoaded.records(), o.warmupDays(),
                Stats.rate(records, loaded.nanos()));
        Map<TopicPartition, Long> inputEnds = Offsets.endOffsets(admin, Topics.inputs(main));
        long onTopics = inputEnds.values().stream().mapToLong(Long::longValue).sum();
        if (onTopics != records) {
            throw new IllegalStateException("the input topics hold " + onTopics + " records, " + records + " were sent");
        }

        List<Map<String, Object>> passes = new ArrayList<>();
        json.put("passes", passes);

        Map<String, Object> ceiling = ceiling(main, codec, inputEnds, Math.max(2, o.consumerPasses()));
        passes.add(ceiling);

        List<String> warmInputs = Topics.inputs(warm);
        List<String> inputs = Topics.inputs(main);
        Set<TopicPartition> warmTps = Offsets.endOffsets(admin, warmInputs).keySet();
        floor(admin, main, "warm-up", "warmup-passthrough", Floors.passThrough(warmInputs, "warmup-" + PASS_THROUGH_OUT, codec), work, warmTps,
                warmLoaded.records(), false);
        Map<String, Object> passThrough = floor(admin, main, "Streams pass-through (decode, forward to a topic), exactly_once_v2",
                "bench-passthrough", Floors.passThrough(inputs, PASS_THROUGH_OUT, codec), work,
                inputEnds.keySet(), records, true);
        passes.add(passThrough);
        floor(admin, main, "warm-up", "warmup-onestore", Floors.oneStore(warmInputs, codec), work, warmTps, warmLoaded.records(), false);
        Map<String, Object> oneStore = floor(admin, main, "Streams one persistent store (decode, one put per record), exactly_once_v2",
                "bench-onestore", Floors.oneStore(inputs, codec), work, inputEnds.keySet(), records,
                true);
        passes.add(oneStore);

        out.printf("pipeline warm-up on %,d records ...%n", warmLoaded.records());
        try (Pipeline p = Pipeline.start(warm, codec, List.of())) {
            new StreamsPass(p.streams(), "warmup-pipeline").run(warmLoaded.records(),
                    Offsets.processedInputs(admin, "warmup-pipeline", warmTps), 100, Long.MAX_VALUE, 300, null);
        }
        Map<String, Object> pipeline = new LinkedHashMap<>();
        pipeline.put("pass", "pipeline, exactly_once_v2");
        pipeline.put("application_id", "bench-pipeline");
        Map<TopicPartition, Long> before = Offsets.endOffsetsOfAll(admin);
        boolean rssReset = Machine.resetPeakRss();
        out.printf("pipeline on %,d records ...%n", records);
        try (Pipeline p = Pipeline.start(main, codec, List.of())) {
            StreamsPass pass = new StreamsPass(p.streams(), "bench-pipeline");
            StreamsPass.Timed t = pass.run(records, Offsets.processedInputs(admin, "bench-pipeline", inputEnds.keySet()), 50, Long.MAX_VALUE,
                    300, null);
            put(pipeline, t);
            pipeline.put("timed", "first record processed (stream threads' process-total) to every input offset committed and every"
                    + " repartitioned record processed and committed (polled every 50 ms; exactly-once commits every commit.interval.ms)");
            writes(admin, main, before, pass.commitTotal(), records, pipeline);
            memory(pipeline, main, rssReset);
            pipeline.put("share_of_one_store_floor_percent", round1(Stats.share(t.eventsPerSecond(), (double) oneStore.get("events_per_second"))));
            pipeline.put("share_of_one_store_floor_by_stream_thread_cpu_percent", round1(Stats.share(
                    (double) oneStore.get("stream_thread_cpu_us_per_event"), (double) pipeline.get("stream_thread_cpu_us_per_event"))));
            pipeline.put("share_of_ceiling_percent", round1(Stats.share(t.eventsPerSecond(), (double) ceiling.get("events_per_second"))));
            passes.add(pipeline);
            printPasses(passes, pipeline);
            printWrites(pipeline, records);

            out.printf("/metrics visibility at a live feed of %,.0f events/s (%d probes) ...%n", o.liveRate(), o.probes());
            Visibility.Result v = Visibility.measure(main, codec, p.metricsPort(), o.liveRate(), o.probes(), o.probePollMillis(),
                    (long) (o.visibilityMinutes() * 60e9));
            Map<String, Object> vis = visibility(v);
            // did the pipeline keep up with the live feed? input records not yet processed at the end
            Map<TopicPartition, Long> ends = Offsets.endOffsets(admin, inputs);
            long lag = ends.values().stream().mapToLong(Long::longValue).sum()
                    - Offsets.processedInputs(admin, "bench-pipeline", ends.keySet()).getAsLong();
            vis.put("input_lag_at_end", lag);
            json.put("visibility", vis);
            printVisibility(v);
            out.printf("input records not yet processed by the pipeline at the end of the live feed: %,d%n", lag);
        }
        // RocksDB keeps recent writes in memtables until they fill up or the store closes
        Path stateDir = Path.of(main.streamsProperties().getProperty(StreamsConfig.STATE_DIR_CONFIG));
        pipeline.put("state_on_disk_after_close_mb", round1(Machine.dirSize(stateDir) / (double) MB));
        out.printf("pipeline state on disk after close (memtables flushed, live feed included): %.1f MB%n", Machine.dirSize(stateDir) / (double) MB);
    }

    private static void put(Map<String, Object> m, StreamsPass.Timed t) {
        m.put("events", t.progressAtEnd());
        m.put("seconds", round3(t.nanos() / 1e9));
        m.put("events_per_second", (double) Math.round(t.eventsPerSecond()));
        m.put("stream_thread_cpu_us_per_event", round2(Stats.microsPerEvent(t.streamCpuNanos(), t.progressAtEnd())));
        m.put("events_per_second_per_stream_thread_core", (double) Math.round(Stats.rate(t.progressAtEnd(), t.streamCpuNanos())));
        m.put("process_cpu_us_per_event", round2(Stats.microsPerEvent(t.processCpuNanos(), t.progressAtEnd())));
        m.put("commits", t.commits());
        m.put("max_heap_sampled_mb", t.maxHeapSampled() / MB);
    }

    /** Ceiling: one consumer, partitions assigned (no group), large fetches, read + decode; several passes, the best warm one. */
    private Map<String, Object> ceiling(PipelineConfig config, EventCodec codec, Map<TopicPartition, Long> ends, int passes) {
        Map<String, Object> p = new HashMap<>(config.clientProperties());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 20_000);
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024 * 1024);
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
        p.put(ConsumerConfig.RECEIVE_BUFFER_CONFIG, 4 * 1024 * 1024);
        long records = ends.values().stream().mapToLong(Long::longValue).sum();
        List<Double> rates = new ArrayList<>();
        Map<String, Object> best = null;
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.assign(ends.keySet());
            for (int pass = 1; pass <= passes; pass++) {
                c.seekToBeginning(ends.keySet());
                long n = 0;
                long invalid = 0;
                long t0 = System.nanoTime();
                long cpu0 = Machine.currentThreadCpuNanos();
                long proc0 = Machine.processCpuNanos();
                while (n < records) {
                    for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                        try {
                            codec.decode(r.value());
                        } catch (RuntimeException e) {
                            invalid++;
                        }
                        n++;
                    }
                    if (System.nanoTime() - t0 > 600_000_000_000L) {
                        throw new IllegalStateException("plain consumer: " + n + " of " + records + " records in 10 minutes");
                    }
                }
                long nanos = System.nanoTime() - t0;
                long cpu = Machine.currentThreadCpuNanos() - cpu0;
                long proc = Machine.processCpuNanos() - proc0;
                double rate = Stats.rate(n, nanos);
                rates.add((double) Math.round(rate));
                if (pass > 1 && (best == null || rate > (double) best.get("events_per_second"))) {
                    best = new LinkedHashMap<>();
                    best.put("pass", "plain consumer, read + decode (best warm pass)");
                    best.put("events", n);
                    best.put("seconds", round3(nanos / 1e9));
                    best.put("events_per_second", (double) Math.round(rate));
                    best.put("stream_thread_cpu_us_per_event", round2(Stats.microsPerEvent(cpu, n)));
                    best.put("events_per_second_per_stream_thread_core", (double) Math.round(Stats.rate(n, cpu)));
                    best.put("process_cpu_us_per_event", round2(Stats.microsPerEvent(proc, n)));
                    best.put("undecodable", invalid);
                }
            }
        }
        best.put("events_per_second_by_pass", rates);
        best.put("note", "assign() all input partitions, no group; fetch.max.bytes 64 MB, max.partition.fetch.bytes 16 MB, max.poll.records"
                + " 20000; pass 1 is the warm-up; the CPU column is the consumer thread's");
        out.printf("ceiling: plain consumer passes %s events/s (pass 1 is the warm-up)%n", rates);
        return best;
    }

    /** One floor pass: its own application id and state directory, timed from first to last record processed. */
    private Map<String, Object> floor(Admin admin, PipelineConfig config, String label, String applicationId, Topology topology, Path work,
                                      Set<TopicPartition> inputTps, long records, boolean measure) throws InterruptedException {
        Properties props = config.streamsProperties();
        props.remove(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG);
        props.remove(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG);
        props.remove(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        props.remove(PipelineConfig.APPLICATION_ID);
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        Path stateDir = work.resolve("state-" + applicationId);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pass", label);
        m.put("application_id", applicationId);
        Map<TopicPartition, Long> before = measure ? Offsets.endOffsetsOfAll(admin) : Map.of();
        boolean rssReset = Machine.resetPeakRss();
        out.printf("%s on %,d records ...%n", applicationId, records);
        KafkaStreams streams = new KafkaStreams(topology, props);
        streams.setUncaughtExceptionHandler(e -> StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
        streams.start();
        try {
            StreamsPass pass = new StreamsPass(streams, applicationId);
            StreamsPass.Timed t = pass.run(records, null, 5, Long.MAX_VALUE, 300, null);
            put(m, t);
            m.put("timed", "first to last record processed (stream threads' process-total, polled every 5 ms)");
            // every transaction committed before the offsets are read
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (Offsets.committed(admin, applicationId, inputTps) < records) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(applicationId + ": offsets not committed after 2 minutes");
                }
                Thread.sleep(20);
            }
            if (measure) {
                writes(admin, config, before, pass.commitTotal(), records, m);
                memory(m, stateDir, rssReset);
            }
        } finally {
            streams.close(Duration.ofSeconds(60));
        }
        return m;
    }

    /** Records written to the broker during a pass, by topic; the counted figures go into {@code m}. */
    private void writes(Admin admin, PipelineConfig config, Map<TopicPartition, Long> before, long commits, long events, Map<String, Object> m) {
        Map<TopicPartition, Long> after = Offsets.endOffsetsOfAll(admin);
        Map<TopicPartition, Long> counted = Offsets.countRecords(config.clientProperties(), before, after, Duration.ofMinutes(5));
        List<TopicWrites.Row> rows = TopicWrites.rows(before, after, counted, commits, new TreeSet<>(Topics.inputs(config)));
        List<Map<String, Object>> byTopic = new ArrayList<>();
        for (TopicWrites.Row r : rows) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("topic", r.topic());
            t.put("kind", r.kind().name().toLowerCase());
            t.put("offsets", r.offsets());
            t.put("records", r.records());
            t.put("markers", r.markers());
            t.put("records_per_event", round3(r.recordsPerEvent(events)));
            t.put("approximate", r.approximate());
            byTopic.add(t);
        }
        long app = TopicWrites.applicationRecords(rows);
        m.put("records_written_per_event", round3((double) app / Math.max(1, events)));
        m.put("records_written", app);
        m.put("records_written_by_topic", byTopic);
        m.put("records_counted_as", "data records read back with read_committed between the end offsets before and after the pass;"
                + " markers = offsets - records (transaction markers); 'records_written' sums changelog, repartition and output topics,"
                + " not the broker's own (__consumer_offsets, __transaction_state)");
        m.put("transactions", commits);
    }

    private static void memory(Map<String, Object> m, PipelineConfig config, boolean rssReset) {
        memory(m, Path.of(config.streamsProperties().getProperty(StreamsConfig.STATE_DIR_CONFIG)), rssReset);
    }

    private static void memory(Map<String, Object> m, Path stateDir, boolean rssReset) {
        m.put("heap_after_gc_mb", Machine.heapAfterGc() / MB);
        m.put("peak_rss_mb", Machine.peakRss() / MB);
        m.put("peak_rss_of", rssReset ? "this pass (VmHWM reset before it)" : "the process so far (VmHWM)");
        m.put("state_on_disk_mb", round1(Machine.dirSize(stateDir) / (double) MB));
    }

    private void printPasses(List<Map<String, Object>> passes, Map<String, Object> pipeline) {
        out.println();
        out.printf("| %-76s | %10s | %8s | %10s | %13s | %11s | %11s | %13s | %9s | %8s | %8s |%n", "pass (same topics, warm)", "events", "seconds",
                "events/s", "stream-thread", "events/s per", "process CPU", "records", "heap after", "peak RSS", "state on");
        out.printf("| %-76s | %10s | %8s | %10s | %13s | %11s | %11s | %13s | %9s | %8s | %8s |%n", "", "", "", "", "CPU us/event", "thread core",
                "us/event", "written/event", "GC MB", "MB", "disk MB");
        out.printf("|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%n", "-".repeat(78), "-".repeat(12), "-".repeat(10), "-".repeat(12), "-".repeat(15),
                "-".repeat(13), "-".repeat(13), "-".repeat(15), "-".repeat(11), "-".repeat(10), "-".repeat(10));
        for (Map<String, Object> p : passes) {
            out.printf("| %-76s | %,10d | %8.2f | %,10.0f | %13.2f | %,11.0f | %11.2f | %13s | %9s | %8s | %8s |%n", p.get("pass"), p.get("events"),
                    p.get("seconds"), p.get("events_per_second"), p.get("stream_thread_cpu_us_per_event"),
                    p.get("events_per_second_per_stream_thread_core"), p.get("process_cpu_us_per_event"),
                    p.getOrDefault("records_written_per_event", ""), p.getOrDefault("heap_after_gc_mb", ""), p.getOrDefault("peak_rss_mb", ""),
                    p.getOrDefault("state_on_disk_mb", ""));
        }
        out.println();
        out.printf("pipeline: %.1f %% of the one-store floor's events/s (%.1f %% by stream-thread CPU per event),"
                        + " %.1f %% of the plain-consumer ceiling's events/s%n", pipeline.get("share_of_one_store_floor_percent"),
                pipeline.get("share_of_one_store_floor_by_stream_thread_cpu_percent"), pipeline.get("share_of_ceiling_percent"));
        out.println("(plain consumer: the CPU columns are its own thread's; Streams passes: the stream threads' from first to last record;"
                + " 'events/s per thread core' = 1 / stream-thread CPU per event, what one core would do unshared; process CPU includes"
                + " the broker)");
    }

    @SuppressWarnings("unchecked")
    private void printWrites(Map<String, Object> pipeline, long events) {
        out.println();
        out.printf("records written to the broker by the pipeline, per input event (%,d events, %s transactions):%n", events,
                pipeline.get("transactions"));
        out.printf("| %-70s | %-11s | %11s | %11s | %9s | %12s |%n", "topic", "kind", "records", "markers", "per event", "");
        out.printf("|%s|%s|%s|%s|%s|%s|%n", "-".repeat(72), "-".repeat(13), "-".repeat(13), "-".repeat(13), "-".repeat(11), "-".repeat(14));
        for (Map<String, Object> t : (List<Map<String, Object>>) pipeline.get("records_written_by_topic")) {
            out.printf("| %-70s | %-11s | %,11d | %,11d | %9.3f | %12s |%n", t.get("topic"), t.get("kind"), t.get("records"), t.get("markers"),
                    t.get("records_per_event"), Boolean.TRUE.equals(t.get("approximate")) ? "approximate" : "");
        }
        out.printf("total (changelogs, repartitions, outputs): %.3f records per input event%n", pipeline.get("records_written_per_event"));
        out.println("(records: data records read back with read_committed; markers: transaction markers, offsets minus records)");
        out.printf("heap after GC %s MB, peak RSS %s MB (%s), state on disk %s MB%n", pipeline.get("heap_after_gc_mb"),
                pipeline.get("peak_rss_mb"), pipeline.get("peak_rss_of"), pipeline.get("state_on_disk_mb"));
    }

    private static Map<String, Object> visibility(Visibility.Result v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("measured", "a discharge of facility " + Visibility.PROBE_FACILITY + " sent (linger 0, flushed), /metrics scraped every poll_ms"
                + " until coding_encounters_discharged_total counts it; one probe at a time, 100-300 ms apart, while a background thread"
                + " sends live simulated events at the target rate");
        m.put("target_events_per_second", v.targetRate());
        m.put("achieved_events_per_second", Math.round(v.achievedRate()));
        m.put("probes", v.latenciesMs().size());
        m.put("timeouts", v.timeouts());
        if (!v.latenciesMs().isEmpty()) {
            m.put("p50_ms", Stats.percentile(v.latenciesMs(), 50));
            m.put("p99_ms", Stats.percentile(v.latenciesMs(), 99));
            m.put("max_ms", Stats.percentile(v.latenciesMs(), 100));
        }
        m.put("poll_ms", v.pollMillis());
        m.put("scrape_ms_avg", round1(v.scrapeMillisAvg()));
        return m;
    }

    private void printVisibility(Visibility.Result v) {
        if (v.latenciesMs().isEmpty()) {
            out.printf("/metrics visibility: no probe became visible (%d timeouts of 30 s)%n", v.timeouts());
            return;
        }
        out.printf("/metrics visibility at %,.0f events/s (achieved %,.0f): p50 %d ms, p99 %d ms, max %d ms, %d probes, %d timeouts"
                        + " (scraped every %d ms or as long as the last scrape took; a scrape took %.1f ms on average)%n", v.targetRate(), v.achievedRate(),
                Stats.percentile(v.latenciesMs(), 50), Stats.percentile(v.latenciesMs(), 99), Stats.percentile(v.latenciesMs(), 100),
                v.latenciesMs().size(), v.timeouts(), v.pollMillis(), v.scrapeMillisAvg());
    }

    static double round1(double v) {
        return Math.round(v * 10) / 10.0;
    }

    static double round2(double v) {
        return Math.round(v * 100) / 100.0;
    }

    static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
