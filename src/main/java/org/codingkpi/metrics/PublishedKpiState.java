package org.codingkpi.metrics;

import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import org.apache.kafka.streams.processor.TaskId;
import org.codingkpi.catalog.MetricCatalog;
import org.codingkpi.kpi.KpiEngine;
import org.codingkpi.kpi.Series;
import org.codingkpi.state.PublishedState;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The KPI state this instance publishes: the copies that the tasks running here handed over at
 * their last commit ({@link PublishedState}). Each instance publishes the partitions it owns, so
 * summing over instances gives the totals, and a share moves with its partition on a rebalance: a
 * task withdraws its copy when it stops running here, and publishes again as soon as it is restored
 * on the instance that takes it over.
 *
 * <p>Backlog entries (DNFC, DNFB, A/R) older than their retention of the instance's stream time are
 * left out at read time: the tasks drop them once a day of stream time, the backlogs exclude them exactly.
 */
public final class PublishedKpiState {
    private static final String STREAM_TIME = Series.META.key("stream_time_ms");

    private final PublishedState published;
    private final KpiEngine.Settings settings;

    public PublishedKpiState(PublishedState published, KpiEngine.Settings settings) {
        this.published = published;
        this.settings = settings;
    }

    /** Within its retention of the instance's stream time (exactly: the tasks purge only once a day). */
    private static boolean within(long now, long atMs, long retentionMs) {
        return now == Long.MIN_VALUE || now - atMs <= retentionMs;
    }

    /** The entries within their retention of the instance's stream time. */
    private static <E> List<E> withinRetention(List<E> entries, long now, long retentionMs, java.util.function.ToLongFunction<E> at) {
        List<E> out = new ArrayList<>(entries.size());
        for (E e : entries) {
            if (within(now, at.applyAsLong(e), retentionMs)) {
                out.add(e);
            }
        }
        return out;
    }

    /** One read: the state to publish, and the tasks it comes from. */
    public record Read(KpiState state, List<TaskId> tasks) {
        /** {@code coding_pipeline_task_published{task}}: 1 for each task whose share this read publishes. */
        public GaugeSnapshot publishedTasks() {
            MetricCatalog.Family f = MetricCatalog.require("coding_pipeline_task_published");
            GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(f.name()).help(f.help());
            tasks.forEach(task -> b.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                    .labels(Labels.of("task", task.toString())).value(1).build()));
            return b.build();
        }
    }

    /**
     * The sum of some slots of one series group over every published task, without building a
     * whole read: cheap enough to poll (a replay waiting for its records).
     */
    @SuppressWarnings("unchecked")
    public double sum(Series group, int... slots) {
        double[] n = {0};
        for (Map<String, Object> parts : published.snapshot().values()) {
            for (Object part : parts.values()) {
                if (part instanceof Map<?, ?> m) {
                    ((Map<String, double[]>) m).forEach((key, v) -> {
                        if (Series.of(key) == group) {
                            for (int slot : slots) {
                                n[0] += v[slot];
                            }
                        }
                    });
                }
            }
        }
        return n[0];
    }

    @SuppressWarnings("unchecked")
    public Read read() {
        Map<TaskId, Map<String, Object>> tasks = published.snapshot();
        List<Map<String, double[]>> series = new ArrayList<>();
        List<KpiEngine.Backlogs> backlogs = new ArrayList<>();
        long streamTime = Long.MIN_VALUE;
        for (Map<String, Object> parts : tasks.values()) {
            for (Object part : parts.values()) {
                if (part instanceof Map<?, ?> m) {
                    Map<String, double[]> s = (Map<String, double[]>) m;
                    series.add(s);
                    double[] t = s.get(STREAM_TIME);
                    if (t != null) {
                        streamTime = Math.max(streamTime, (long) t[0]);
                    }
                } else if (part instanceof KpiEngine.Backlogs b) {
                    backlogs.add(b);
                }
            }
        }
        long now = streamTime;
        List<KpiEngine.Backlogs> current = new ArrayList<>();
        for (KpiEngine.Backlogs b : backlogs) {
            current.add(new KpiEngine.Backlogs(
                    withinRetention(b.dnfc(), now, settings.dnfcRetentionMs(), org.codingkpi.kpi.DnfcEntry::dischargedAtMs),
                    withinRetention(b.dnfb(), now, settings.dnfbRetentionMs(), org.codingkpi.kpi.DnfcEntry::dischargedAtMs),
                    withinRetention(b.ar(), now, settings.arRetentionMs(), org.codingkpi.kpi.ArEntry::submittedAtMs)));
        }
        Map<String, double[]> globalRoi = published.global();
        KpiState state = new KpiState() {
            @Override
            public Map<String, double[]> globalRoi() {
                return globalRoi;
            }

            @Override
            public void forEachSeries(BiConsumer<String, double[]> visitor) {
                for (Map<String, double[]> s : series) {
                    s.forEach((k, v) -> visitor.accept(k, v.clone()));
                }
            }

            @Override
            public List<KpiEngine.Backlogs> backlogs() {
                return current;
            }
        };
        return new Read(state, List.copyOf(tasks.keySet()));
    }
}
