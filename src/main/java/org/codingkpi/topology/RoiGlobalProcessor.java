package org.codingkpi.topology;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.codingkpi.state.PublishedState;

import java.nio.charset.StandardCharsets;

/**
 * Keeps the ROI topic in a global store on every instance and hands each entry to the exporter:
 * the month sums of every KPI task of the pipeline, however many instances run it.
 */
final class RoiGlobalProcessor implements Processor<byte[], byte[], Void, Void> {
    private final PublishedState published;
    private KeyValueStore<String, byte[]> store;

    RoiGlobalProcessor(PublishedState published) {
        this.published = published;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(CodingKpiTopology.ROI_GLOBAL_STORE);
        // a global store is restored from its topic directly, without this processor: publish what it holds
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                published.publishGlobal(kv.key, RoiSums.decode(kv.value));
            }
        }
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        if (record.key() == null) {
            return;
        }
        String key = new String(record.key(), StandardCharsets.UTF_8);
        if (record.value() == null) {
            store.delete(key);
            published.publishGlobal(key, null);
        } else {
            store.put(key, record.value());
            published.publishGlobal(key, RoiSums.decode(record.value()));
        }
    }
}
