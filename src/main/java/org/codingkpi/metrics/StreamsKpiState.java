package org.codingkpi.metrics;

import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.codingkpi.kpi.Series;
import org.codingkpi.topology.CodingKpiTopology;
import org.codingkpi.topology.StateSerdes.DnfcEntry;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiConsumer;

/**
 * The KPI state this instance publishes: the KPI, DNFC and rejects stores of the tasks it runs now
 * ({@link LiveTasks}), read task by task through interactive queries. Each instance publishes the
 * partitions it owns, so summing over instances gives the totals, and a share moves with its
 * partition on a rebalance:
 *
 * <ul>
 *   <li>a task that leaves the instance is dropped from the next read at once, never served from an
 *       earlier read, so no partition is published by two instances;</li>
 *   <li>while a stream thread is rebalancing its stores cannot be queried; a task that has kept
 *       running here through it is served from its last read (the values it had a moment ago);</li>
 *   <li>a task that has just arrived is published from its first successful read; until then its
 *       share is missing here and {@code coding_pipeline_task_published{task}} is 0.</li>
 * </ul>
 *
 * DNFC entries older than {@code dnfc.retention} of the instance's stream time are left out at
 * read time: the processor purges them once a day of stream time, the backlog excludes them exactly.
 */
public final class StreamsKpiState {
    private static final Set<String> PUBLISHED_STORES =
            Set.of(CodingKpiTopology.KPI_STORE, CodingKpiTopology.REJECTS_STORE, CodingKpiTopology.DNFC_STORE);
    private static final String STREAM_TIME = Series.META.key("stream_time_ms");

    /** How a task's share came into a read. */
    public enum Source {
        /** Read now. */
        FRESH,
        /** Its thread is rebalancing: the task's last read, taken while it already ran here. */
        LAST_READ,
        /** Running here, not queryable yet, never read: its share is missing from this read. */
        UNREADABLE
    }

    /** One read: the state to publish, and where each running task's share came from. */
    public record Read(KpiState state, Map<TaskId, Source> tasks) {
        /**
         * {@code coding_pipeline_task_published{task}}: 1 for each task whose share this read
         * publishes, 0 for a task running here whose share is missing (restoring, not read yet).
         */
        public GaugeSnapshot publishedTasks() {
            GaugeSnapshot.Builder b = GaugeSnapshot.builder().name("coding_pipeline_task_published")
                    .help("1 for each Kafka Streams task (subtopology_partition) whose KPI state this instance publishes; "
                            + "0 while a task that runs here is not readable yet. Sum over instances: 1 per task.");
            tasks.forEach((task, source) -> b.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                    .labels(Labels.of("task", task.toString())).value(source == Source.UNREADABLE ? 0 : 1).build()));
            return b.build();
        }
    }

    private record TaskRead(long epoch, List<Map.Entry<String, double[]>> series, List<DnfcEntry> dnfc) {
    }

    private final KafkaStreams streams;
    private final LiveTasks live;
    private final Map<Integer, Set<String>> storesBySubtopology;
    private final long dnfcRetentionMs;
    private final Map<TaskId, TaskRead> lastReads = new HashMap<>();

    public StreamsKpiState(KafkaStreams streams, LiveTasks live, TopologyDescription topology, long dnfcRetentionMs) {
        this.streams = streams;
        this.live = live;
        this.storesBySubtopology = publishedStores(topology);
        this.dnfcRetentionMs = dnfcRetentionMs;
    }

    /** The published stores of each sub-topology. */
    static Map<Integer, Set<String>> publishedStores(TopologyDescription topology) {
        Map<Integer, Set<String>> out = new HashMap<>();
        for (TopologyDescription.Subtopology s : topology.subtopologies()) {
            Set<String> stores = new TreeSet<>();
            for (TopologyDescription.Node n : s.nodes()) {
                if (n instanceof TopologyDescription.Processor p) {
                    p.stores().stream().filter(PUBLISHED_STORES::contains).forEach(stores::add);
                }
            }
            if (!stores.isEmpty()) {
                out.put(s.id(), Set.copyOf(stores));
            }
        }
        return out;
    }

    /** Reads the state of every task running here now. */
    public synchronized Read read() {
        Map<TaskId, Long> running = live.snapshot();
        lastReads.keySet().removeIf(t -> !running.containsKey(t) || lastReads.get(t).epoch() != running.get(t));
        Map<TaskId, Source> sources = new TreeMap<>();
        Map<TaskId, TaskRead> reads = new HashMap<>();
        running.forEach((task, epoch) -> {
            Set<String> stores = storesBySubtopology.get(task.subtopology());
            if (stores == null) {
                return;
            }
            TaskRead read = readTask(epoch, task.partition(), stores);
            if (read != null) {
                lastReads.put(task, read);
                sources.put(task, Source.FRESH);
            } else {
                read = lastReads.get(task);
                sources.put(task, read != null ? Source.LAST_READ : Source.UNREADABLE);
            }
            if (read != null) {
                reads.put(task, read);
            }
        });
        // a task that stopped during the read is not published, whatever was read of it
        sources.keySet().removeIf(t -> !live.isRunning(t, running.get(t)));
        reads.keySet().removeIf(t -> !live.isRunning(t, running.get(t)));
        return new Read(state(List.copyOf(reads.values())), Collections.unmodifiableMap(sources));
    }

    private TaskRead readTask(long epoch, int partition, Set<String> stores) {
        List<Map.Entry<String, double[]>> series = new ArrayList<>();
        List<DnfcEntry> dnfc = new ArrayList<>();
        try {
            for (String store : stores) {
                if (store.equals(CodingKpiTopology.DNFC_STORE)) {
                    this.<DnfcEntry>visit(store, partition, (k, v) -> dnfc.add(v));
                } else {
                    this.<double[]>visit(store, partition, (k, v) -> series.add(Map.entry(k, v)));
                }
            }
        } catch (InvalidStateStoreException e) {
            return null; // the thread is rebalancing, or the task is not queryable yet
        }
        return new TaskRead(epoch, List.copyOf(series), List.copyOf(dnfc));
    }

    private <V> void visit(String storeName, int partition, BiConsumer<String, V> visitor) {
        ReadOnlyKeyValueStore<String, V> store = streams.store(StoreQueryParameters
                .fromNameAndType(storeName, QueryableStoreTypes.<String, V>keyValueStore()).withPartition(partition));
        try (KeyValueIterator<String, V> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, V> kv = it.next();
                visitor.accept(kv.key, kv.value);
            }
        }
    }

    private KpiState state(List<TaskRead> reads) {
        long streamTime = Long.MIN_VALUE;
        for (TaskRead r : reads) {
            for (Map.Entry<String, double[]> e : r.series()) {
                if (e.getKey().equals(STREAM_TIME)) {
                    streamTime = Math.max(streamTime, (long) e.getValue()[0]);
                }
            }
        }
        long oldest = streamTime == Long.MIN_VALUE ? Long.MIN_VALUE : streamTime - dnfcRetentionMs;
        return new KpiState() {
            @Override
            public void forEachSeries(BiConsumer<String, double[]> visitor) {
                for (TaskRead r : reads) {
                    r.series().forEach(e -> visitor.accept(e.getKey(), e.getValue().clone()));
                }
            }

            @Override
            public void forEachDnfc(BiConsumer<String, DnfcEntry> visitor) {
                for (TaskRead r : reads) {
                    for (DnfcEntry e : r.dnfc()) {
                        if (e.dischargedAtMs() >= oldest) {
                            visitor.accept("", e);
                        }
                    }
                }
            }
        };
    }
}
