package org.codingkpi.topology;

import org.codingkpi.deadletter.DeadLetterHandler;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.codingkpi.kpi.Series;
import org.codingkpi.state.CounterStore;

/**
 * Counts the dead-letter topic itself, by reason ({@code coding_events_rejected_total}): whatever
 * put a record there (this pipeline's handler, a producer's own checks), it is counted once.
 */
final class RejectCounter implements Processor<byte[], byte[], Void, Void> {
    private CounterStore store;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(CodingKpiTopology.REJECTS_STORE);
        store.startPublishing();
    }

    /** The task stops running here: its count is withdrawn (the new owner publishes it). */
    @Override
    public void close() {
        store.stopPublishing();
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        store.add(Series.REJECTED.key(DeadLetterHandler.reasonOf(record.headers()).label()), 0, 1);
    }
}
