package org.codingkpi.it;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyDescription;
import org.codingkpi.app.Importer;
import org.codingkpi.app.Pipeline;
import org.codingkpi.app.Replay;
import org.codingkpi.app.Topics;
import org.codingkpi.broker.EmbeddedKafka;
import org.codingkpi.config.PipelineConfig;
import org.codingkpi.events.RejectReason;
import org.codingkpi.kpi.DenialCategorizer;
import org.codingkpi.serde.BundledSchemaRegistry;
import org.codingkpi.serde.EventCodec;
import org.codingkpi.simulator.SimulatorConfig;
import org.codingkpi.topology.CodingKpiTopology;
import org.codingkpi.deadletter.DeadLetterHandler;
import org.codingkpi.topology.EventObserver;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two instances share the input topics (6 partitions each). At quiescence each publishes exactly
 * the coding_* samples of the partitions (tasks) it owns, and the samples added over both equal the
 * reference for the whole history, every task published once. One instance is stopped (its tasks
 * move to the other), a second history is processed by the survivor alone, and the instance is
 * started again (tasks move back). Both endpoints are scraped all along; every scrape must be an
 * exact snapshot of the tasks it says it publishes ({@code coding_pipeline_task_published}), and
 * no task may be published by both: if one instance publishes a task in two scrapes, the other may
 * not publish it in a scrape between them. While a task moves, its share may be missing for a
 * moment (measured); it is never counted twice.
 */
@Tag("integration")
class ScaleOutIT {
    private static final int PARTITIONS = 6;
    private static final String APP_ID = "scale-it";

    @TempDir
    Path dir;

    /** One scrape of one instance during a transition; null samples: the endpoint was down. */
    private record Sample(String instance, long nanos, Set<String> tasks, Map<String, Double> kpi) {
    }

    @Test
    void eachPartitionIsPublishedByItsOwnerOnlyThroughAStopAndARestart() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            PipelineConfig base = PipelineConfig.of(Map.of(
                    PipelineConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                    PipelineConfig.APPLICATION_ID, APP_ID,
                    PipelineConfig.METRICS_PORT, "0",
                    PipelineConfig.METRICS_BIND, "127.0.0.1",
                    StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "200",
                    // what docs/operations.md recommends for scale-out: a warm copy of every task on the other instance,
                    // and a returning instance gets its tasks back at once (it restores the difference first)
                    StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, "1",
                    StreamsConfig.ACCEPTABLE_RECOVERY_LAG_CONFIG, "1000000"));
            PipelineConfig configA = base.with(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("a").toString());
            PipelineConfig configB = base.with(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("b").toString());
            kafka.createTopics(Topics.all(base), PARTITIONS);
            EventCodec codec = new EventCodec(new BundledSchemaRegistry());
            SimulatorConfig first = SimulatorConfig.builder().seed(21).days(45).encountersPerDay(110).messy().build();
            SimulatedFeed feed1 = SimulatedFeed.of(first, base, codec);
            SimulatedFeed feed2 = SimulatedFeed.of(SimulatorConfig.builder().seed(22).start(first.end()).days(20).encountersPerDay(110)
                    .messy().build(), base, codec);
            Tasks tasks = Tasks.of(base, codec);
            long maxWait = base.attributionMaxWait().toMillis();

            Pipeline a = Pipeline.start(configA, codec, List.of());
            Pipeline b = Pipeline.start(configB, codec, List.of());
            try (Producer<byte[], byte[]> producer = Importer.producer(base)) {
                send(producer, base, feed1);
                Truth truth1 = Truth.of(base, List.of(feed1), tasks, maxWait);
                awaitQuiescent("both instances, first history", truth1, a, b);
                assertExact(truth1, a, b);

                // stop B: its tasks move to A
                Recorder stop = new Recorder(a, b);
                long t0 = System.nanoTime();
                b.close();
                Pipeline alone = a;
                await("A publishes every task").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(50))
                        .until(() -> published(alone).equals(tasks.all));
                double takeover = (System.nanoTime() - t0) / 1e9;
                awaitQuiescent("A alone, first history", truth1, a);
                stop.close();
                List<String> stopViolations = stop.violations(truth1, tasks);
                assertThat(stopViolations).as("scrapes while B stopped").isEmpty();

                // a second history while B is down: processed by A alone
                send(producer, base, feed2);
                Truth truth2 = Truth.of(base, List.of(feed1, feed2), tasks, maxWait);
                awaitQuiescent("A alone, both histories", truth2, a);
                assertExact(truth2, a);

                // start B again: tasks move back
                Pipeline b2 = Pipeline.start(configB, codec, List.of());
                Recorder restart = new Recorder(a, b2);
                long t1 = System.nanoTime();
                awaitQuiescent("both instances after B's restart", truth2, a, b2);
                double rebalance = (System.nanoTime() - t1) / 1e9;
                restart.close();
                assertThat(restart.violations(truth2, tasks)).as("scrapes while B restarted").isEmpty();
                assertThat(published(b2)).as("tasks B publishes again").isNotEmpty();
                assertExact(truth2, a, b2);
                System.out.printf("scale-out: stop: A published every task %.1f s after B's close; missing share %.2f s in total over %d scrapes%n",
                        takeover, stop.missingSeconds(tasks), stop.size());
                System.out.printf("scale-out: restart: tasks split again and exact %.1f s after B's start; missing share %.2f s in total over %d scrapes; B publishes %s%n",
                        rebalance, restart.missingSeconds(tasks), restart.size(), published(b2));
                b2.close();
            } finally {
                a.close();
                b.close();
            }
        }
    }

    private static void send(Producer<byte[], byte[]> producer, PipelineConfig config, SimulatedFeed feed) {
        feed.records.forEach(producer::send);
        Replay.sendEndMarkers(producer, config, PARTITIONS);
    }

    private static Set<String> published(Pipeline p) {
        Scrape s = Scrape.orNull(p.metricsPort());
        return s == null ? Set.of() : s.publishedTasks();
    }

    /** Until every instance publishes tasks, together every task once, every record processed, exactly. */
    private static void awaitQuiescent(String what, Truth truth, Pipeline... instances) {
        await(what + ": every record processed, every task published once, samples exact").atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
                    List<Scrape> scrapes = new ArrayList<>();
                    for (Pipeline p : instances) {
                        assertThat(p.failed()).as("an instance failed").isFalse();
                        scrapes.add(Scrape.of(p.metricsPort()));
                    }
                    assertThat(scrapes.stream().mapToLong(Scrape::processed).sum()).as("processed").isEqualTo(truth.records);
                    List<String> owned = new ArrayList<>();
                    scrapes.forEach(s -> {
                        assertThat(s.publishedTasks()).as("an instance publishes tasks").isNotEmpty();
                        owned.addAll(s.publishedTasks());
                    });
                    assertThat(owned).as("published tasks over instances").hasSameSizeAs(truth.tasks.all).containsExactlyInAnyOrderElementsOf(truth.tasks.all);
                    List<Map<String, Double>> kpi = scrapes.stream().map(Scrape::kpiSamples).toList();
                    assertThat(GroundTruth.differences(truth.sumComparable(truth.total), truth.sumComparable(GroundTruth.sum(kpi))))
                            .as("samples added over instances").isEmpty();
                    assertOneRoi(instances);
                });
    }

    /**
     * ROI.md version 2: every instance holds the ROI month sums of the whole pipeline (every
     * partition, from the ROI topic), the same on each, equal to the tasks' own sums added up, which
     * are a one-instance run's (exact integers); and the same stream time.
     */
    private static void assertOneRoi(Pipeline... instances) {
        java.util.SortedMap<java.time.YearMonth, org.codingkpi.roi.RoiMonthTotals> local = new java.util.TreeMap<>();
        java.time.Instant streamTime = null;
        List<org.codingkpi.metrics.KpiTotals> totals = new ArrayList<>();
        for (Pipeline p : instances) {
            org.codingkpi.metrics.KpiTotals t = p.totals();
            totals.add(t);
            t.localRoiMonths().forEach((m, v) -> local.merge(m, v, org.codingkpi.roi.RoiMonthTotals::plus));
            if (t.streamTime() != null && (streamTime == null || t.streamTime().isAfter(streamTime))) {
                streamTime = t.streamTime();
            }
        }
        assertThat(local).as("ROI month sums of the tasks").isNotEmpty();
        for (org.codingkpi.metrics.KpiTotals t : totals) {
            assertThat(roiValues(t.roiMonths())).as("an instance's ROI month sums (whole pipeline)").isEqualTo(roiValues(local));
            assertThat(t.roiStreamTime()).as("an instance's ROI stream time").isEqualTo(streamTime);
        }
    }

    private static Map<java.time.YearMonth, List<Double>> roiValues(java.util.SortedMap<java.time.YearMonth, org.codingkpi.roi.RoiMonthTotals> months) {
        Map<java.time.YearMonth, List<Double>> out = new java.util.TreeMap<>();
        org.codingkpi.roi.RoiMonthTotals zero = new org.codingkpi.roi.RoiMonthTotals();
        months.forEach((m, v) -> out.put(m, java.util.Arrays.stream(v.plus(zero).values()).boxed().toList())); // normal form
        return out;
    }

    /** Each instance publishes exactly its tasks' samples; added over instances, the reference for the whole history. */
    private static void assertExact(Truth truth, Pipeline... instances) throws Exception {
        List<Map<String, Double>> kpi = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Pipeline p : instances) {
            Scrape s = Scrape.of(p.metricsPort());
            assertThat(GroundTruth.differences(truth.expected(s.publishedTasks()), s.kpiSamples(), true))
                    .as("an instance's samples are those of the tasks it publishes %s", s.publishedTasks()).isEmpty();
            assertThat(Collections.disjoint(seen, s.publishedTasks())).as("a task published twice").isTrue();
            seen.addAll(s.publishedTasks());
            kpi.add(s.kpiSamples());
        }
        assertThat(seen).as("tasks published").isEqualTo(truth.tasks.all);
        assertThat(GroundTruth.differences(truth.sumComparable(truth.total), truth.sumComparable(GroundTruth.sum(kpi))))
                .as("every counter added over instances").isEmpty();
    }

    /** The published tasks: the KPI tasks (one per input partition) and the dead-letter counter's tasks. */
    private record Tasks(int kpiSubtopology, int rejectsSubtopology, Set<String> all) {
        static Tasks of(PipelineConfig config, EventCodec codec) {
            TopologyDescription d = CodingKpiTopology.buildTopology(config, codec, DenialCategorizer.defaults(), PARTITIONS, EventObserver.NONE).describe();
            int kpi = -1;
            int rejects = -1;
            for (TopologyDescription.Subtopology s : d.subtopologies()) {
                for (TopologyDescription.Node n : s.nodes()) {
                    if (n instanceof TopologyDescription.Processor p && p.stores().contains(CodingKpiTopology.KPI_STORE)) {
                        kpi = s.id();
                    }
                    if (n instanceof TopologyDescription.Processor p && p.stores().contains(CodingKpiTopology.REJECTS_STORE)) {
                        rejects = s.id();
                    }
                }
            }
            Set<String> all = new TreeSet<>();
            for (int p = 0; p < PARTITIONS; p++) {
                all.add(kpi + "_" + p);
                all.add(rejects + "_" + p);
            }
            return new Tasks(kpi, rejects, all);
        }

        Set<Integer> partitions(Set<String> tasks, int subtopology) {
            Set<Integer> out = new TreeSet<>();
            for (String t : tasks) {
                String[] parts = t.split("_");
                if (Integer.parseInt(parts[0]) == subtopology) {
                    out.add(Integer.parseInt(parts[1]));
                }
            }
            return out;
        }
    }

    /** The reference for a history, whole and per set of tasks (memoised: a set of tasks recurs in many scrapes). */
    private static final class Truth {
        final Tasks tasks;
        final long records;
        final Map<String, Double> total;
        private final List<SpecificRecord> valid;
        private final long maxWait;
        /** Dead-letter records by partition of the dead-letter topic and reason. */
        private final Map<Integer, Map<RejectReason, Long>> rejects;
        private final Map<Set<String>, Map<String, Double>> byTasks = new ConcurrentHashMap<>();

        private Truth(Tasks tasks, long records, List<SpecificRecord> valid, Map<RejectReason, Long> rejected,
                      Map<Integer, Map<RejectReason, Long>> rejects, long maxWait) {
            this.tasks = tasks;
            this.records = records;
            this.valid = valid;
            this.maxWait = maxWait;
            this.rejects = rejects;
            this.total = GroundTruth.of(valid, rejected, PARTITIONS, maxWait);
        }

        static Truth of(PipelineConfig config, List<SimulatedFeed> feeds, Tasks tasks, long maxWait) {
            List<SpecificRecord> valid = new ArrayList<>();
            Map<RejectReason, Long> rejected = new EnumMap<>(RejectReason.class);
            long records = 0;
            for (SimulatedFeed f : feeds) {
                valid.addAll(f.valid);
                f.rejects.forEach((r, n) -> rejected.merge(r, n, Long::sum));
                records += f.size();
            }
            long deadLetters = rejected.values().stream().mapToLong(Long::longValue).sum();
            Map<Integer, Map<RejectReason, Long>> byPartition = new TreeMap<>();
            for (ConsumerRecord<byte[], byte[]> r : TopicReader.readAll(config, config.deadLetterTopic(), (int) deadLetters)) {
                byPartition.computeIfAbsent(r.partition(), p -> new EnumMap<>(RejectReason.class))
                        .merge(DeadLetterHandler.reasonOf(r.headers()), 1L, Long::sum);
            }
            return new Truth(tasks, records, valid, rejected, byPartition, maxWait);
        }

        /** What an instance publishing exactly these tasks must publish. */
        Map<String, Double> expected(Set<String> published) {
            return byTasks.computeIfAbsent(Set.copyOf(published), t -> {
                Map<String, Double> out = new TreeMap<>(GroundTruth.ofPartitions(valid, tasks.partitions(t, tasks.kpiSubtopology()), PARTITIONS, maxWait));
                for (int p : tasks.partitions(t, tasks.rejectsSubtopology())) {
                    rejects.getOrDefault(p, Map.of()).forEach((reason, n) ->
                            out.merge(ReferenceModel.key("coding_events_rejected_total", "reason", reason.label()), (double) n, Double::sum));
                }
                return out;
            });
        }

        /**
         * The samples that add up over instances: counters and histograms, and the DNFC gauges summed
         * over age (each instance ages its backlog on its own stream time, KPIS.md §1); not stream time.
         */
        Map<String, Double> sumComparable(Map<String, Double> samples) {
            Map<String, Double> out = new TreeMap<>();
            samples.forEach((k, v) -> {
                String name = Scrape.name(k);
                if (name.equals("coding_stream_time_seconds")) {
                    return;
                }
                if (name.startsWith("coding_dnfc_")) {
                    out.merge(k.replaceAll(",?age=\"[^\"]*\"", "").replace("{,", "{"), v, Double::sum);
                } else {
                    out.put(k, v);
                }
            });
            return out;
        }
    }

    /** Scrapes both instances all along a transition, A then B, every 25 ms. */
    private static final class Recorder implements AutoCloseable {
        private final List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

        Recorder(Pipeline a, Pipeline b) {
            Map<String, Supplier<Integer>> ports = new TreeMap<>(Map.of("A", a::metricsPort, "B", b::metricsPort));
            timer.scheduleWithFixedDelay(() -> ports.forEach((name, port) -> {
                Scrape s;
                try {
                    s = Scrape.orNull(port.get());
                } catch (RuntimeException e) {
                    s = null; // the instance is closed
                }
                samples.add(new Sample(name, System.nanoTime(), s == null ? null : s.publishedTasks(), s == null ? null : s.kpiSamples()));
            }), 0, 25, TimeUnit.MILLISECONDS);
        }

        @Override
        public void close() throws InterruptedException {
            timer.shutdown();
            assertThat(timer.awaitTermination(30, TimeUnit.SECONDS)).as("recorder stopped").isTrue();
        }

        int size() {
            return samples.size();
        }

        /**
         * Every scrape is an exact snapshot of the tasks it publishes; no task is published by B in a
         * scrape between two scrapes of A that both publish it (nor the other way round).
         */
        List<String> violations(Truth truth, Tasks tasks) {
            List<String> out = new ArrayList<>();
            List<Sample> list = new ArrayList<>(samples);
            for (Sample s : list) {
                if (s.kpi() != null) {
                    List<String> d = GroundTruth.differences(truth.expected(s.tasks()), s.kpi(), true);
                    if (!d.isEmpty()) {
                        out.add(s.instance() + " publishing " + s.tasks() + " is not a snapshot of those tasks: " + d.subList(0, Math.min(5, d.size())));
                    }
                }
            }
            for (int i = 0; i + 2 < list.size(); i++) {
                Sample x1 = list.get(i);
                Sample y = list.get(i + 1);
                Sample x2 = list.get(i + 2);
                if (x1.tasks() == null || y.tasks() == null || x2.tasks() == null || !x1.instance().equals(x2.instance()) || x1.instance().equals(y.instance())) {
                    continue;
                }
                Set<String> twice = new TreeSet<>(x1.tasks());
                twice.retainAll(y.tasks());
                twice.retainAll(x2.tasks());
                if (!twice.isEmpty()) {
                    out.add("tasks " + twice + " published by " + x1.instance() + " before and after " + y.instance() + " published them");
                }
            }
            return out;
        }

        /** How long (seconds) the tasks published over both instances lacked a task. */
        double missingSeconds(Tasks tasks) {
            List<Sample> list = new ArrayList<>(samples);
            Map<String, Set<String>> current = new HashMap<>();
            long missing = 0;
            for (int i = 0; i < list.size(); i++) {
                Sample s = list.get(i);
                current.put(s.instance(), s.tasks() == null ? Set.of() : s.tasks());
                Set<String> union = new HashSet<>();
                current.values().forEach(union::addAll);
                if (i + 1 < list.size() && current.size() == 2 && !union.containsAll(tasks.all())) {
                    missing += list.get(i + 1).nanos() - s.nanos();
                }
            }
            return missing / 1e9;
        }
    }
}
