package org.codingkpi.metrics;

import org.apache.kafka.streams.processor.TaskId;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The tasks whose state this instance may publish: those running here now, each with the epoch of
 * its latest start. Kafka Streams starts a task's processors once its state is restored and closes
 * them before the task leaves the instance (revocation, migration, a crash of the task), so a task
 * is in this set only while this instance owns it, and never while another instance can.
 */
public final class LiveTasks {
    private final Map<TaskId, Long> epochs = new ConcurrentHashMap<>();
    private final AtomicLong nextEpoch = new AtomicLong();

    /** The task's processors were initialised: its state is restored and this instance owns it. */
    public void started(TaskId task) {
        epochs.put(task, nextEpoch.incrementAndGet());
    }

    /** The task's processors were closed: it is no longer this instance's to publish. */
    public void stopped(TaskId task) {
        epochs.remove(task);
    }

    /** The running tasks and the epoch of each one's current start. */
    public Map<TaskId, Long> snapshot() {
        return Map.copyOf(epochs);
    }

    /** True while the task still runs here under that start. */
    public boolean isRunning(TaskId task, long epoch) {
        Long e = epochs.get(task);
        return e != null && e == epoch;
    }
}
