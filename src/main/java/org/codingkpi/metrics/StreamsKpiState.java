package org.codingkpi.metrics;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.codingkpi.topology.CodingKpiTopology;
import org.codingkpi.topology.StateSerdes.DnfcEntry;

import java.util.function.BiConsumer;

/**
 * {@link KpiState} through Kafka Streams interactive queries over the active tasks of this
 * instance: each instance publishes the state of the partitions it owns, so a series moves with its
 * partition on a rebalance and summing over instances gives the totals.
 */
public final class StreamsKpiState implements KpiState {
    private final KafkaStreams streams;

    public StreamsKpiState(KafkaStreams streams) {
        this.streams = streams;
    }

    @Override
    public void forEachSeries(BiConsumer<String, double[]> visitor) {
        visit(CodingKpiTopology.KPI_STORE, visitor);
        visit(CodingKpiTopology.REJECTS_STORE, visitor);
    }

    @Override
    public void forEachDnfc(BiConsumer<String, DnfcEntry> visitor) {
        visit(CodingKpiTopology.DNFC_STORE, visitor);
    }

    private <V> void visit(String storeName, BiConsumer<String, V> visitor) {
        ReadOnlyKeyValueStore<String, V> store = streams.store(
                StoreQueryParameters.fromNameAndType(storeName, QueryableStoreTypes.<String, V>keyValueStore()));
        try (KeyValueIterator<String, V> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, V> kv = it.next();
                visitor.accept(kv.key, kv.value);
            }
        }
    }
}
