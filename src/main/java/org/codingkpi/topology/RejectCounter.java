package org.codingkpi.topology;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.codingkpi.kpi.Series;

/**
 * Counts the dead-letter topic by reason: {@code coding_events_rejected_total} is exactly "records
 * sent to the dead-letter topic", whoever sent them (the pipeline's handler or the importer), and
 * comes from state like every other counter.
 */
final class RejectCounter implements Processor<byte[], byte[], Void, Void> {
    private final EventObserver observer;
    private ProcessorContext<Void, Void> context;
    private KeyValueStore<String, double[]> store;

    RejectCounter(EventObserver observer) {
        this.observer = observer;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        store = context.getStateStore(CodingKpiTopology.REJECTS_STORE);
        observer.taskReady(context.taskId());
    }

    @Override
    public void close() {
        observer.taskClosed(context.taskId());
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        String key = Series.REJECTED.key(DeadLetterHandler.reasonOf(record.headers()).label());
        double[] v = store.get(key);
        if (v == null) {
            v = new double[1];
        }
        v[0] += 1;
        store.put(key, v);
    }
}
