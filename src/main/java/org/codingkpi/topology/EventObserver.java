package org.codingkpi.topology;

/**
 * Operational (not KPI) observation of the topology: processed events, e.g. for the end-to-end
 * latency histogram. Called on the stream thread; implementations must be cheap and thread-safe.
 */
@FunctionalInterface
public interface EventObserver {
    EventObserver NONE = (recordTimestampMs, wallClockMs) -> { };

    void eventProcessed(long recordTimestampMs, long wallClockMs);
}
