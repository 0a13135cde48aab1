package org.codingkpi.metrics;

import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import org.apache.kafka.streams.processor.TaskId;
import org.codingkpi.catalog.MetricCatalog;
import org.codingkpi.kpi.DnfcEntry;
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
 * <p>DNFC entries older than {@code dnfc.retention} of the instance's stream time are left out at
 * read time: the processor drops them once a day of stream time, the backlog excludes them exactly.
 */
public final class PublishedKpiState {
    private static final String STREAM_TIME = Series.META.key("stream_time_ms");

    private final PublishedState published;
    private final long dnfcRetentionMs;

    public PublishedKpiState(PublishedState published, long dnfcRetentionMs) {
        this.published = published;
        this.dnfcRetentionMs = dnfcRetentionMs;
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
        double n = 0;
        for (Map<String, Object> parts : published.snapshot().values()) {
            for (Object part : parts.values()) {
                if (part instanceof Map<?, ?> m) {
                    for (Map.Entry<String, double[]> e : ((Map<String, double[]>) m).entrySet()) {
                        if (Series.of(e.getKey()) == group) {
                            for (int slot : slots) {
                                n += e.getValue()[slot];
                            }
                        }
                    }
                }
            }
        }
        return n;
    }

    @SuppressWarnings("unchecked")
    public Read read() {
        Map<TaskId, Map<String, Object>> tasks = published.snapshot();
        List<Map<String, double[]>> series = new ArrayList<>();
        List<List<DnfcEntry>> dnfc = new ArrayList<>();
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
                } else if (part instanceof List<?> l) {
                    dnfc.add((List<DnfcEntry>) l);
                }
            }
        }
        long oldest = streamTime == Long.MIN_VALUE ? Long.MIN_VALUE : streamTime - dnfcRetentionMs;
        KpiState state = new KpiState() {
            @Override
            public void forEachSeries(BiConsumer<String, double[]> visitor) {
                for (Map<String, double[]> s : series) {
                    s.forEach((k, v) -> visitor.accept(k, v.clone()));
                }
            }

            @Override
            public void forEachDnfc(BiConsumer<String, DnfcEntry> visitor) {
                for (List<DnfcEntry> l : dnfc) {
                    for (DnfcEntry e : l) {
                        if (e.dischargedAtMs() >= oldest) {
                            visitor.accept("", e);
                        }
                    }
                }
            }
        };
        return new Read(state, List.copyOf(tasks.keySet()));
    }
}
