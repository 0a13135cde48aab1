package org.codingkpi.topology;

import org.apache.kafka.streams.processor.TaskId;

/**
 * Operational (not KPI) observation of the topology: processed events (e.g. the end-to-end latency
 * histogram) and the lifecycle of the tasks whose state the exporter publishes. Called on the
 * stream thread; implementations must be cheap and thread-safe.
 */
@FunctionalInterface
public interface EventObserver {
    EventObserver NONE = (recordTimestampMs, wallClockMs) -> { };

    void eventProcessed(long recordTimestampMs, long wallClockMs);

    /**
     * A task holding published state (KPI series, DNFC, rejects) is restored and runs on this
     * instance: Kafka Streams initialised its processors.
     */
    default void taskReady(TaskId task) {
    }

    /**
     * That task stopped running here (revoked, migrated, closed, or corrupted and about to be
     * restored again): its state must no longer be published by this instance.
     */
    default void taskClosed(TaskId task) {
    }
}
