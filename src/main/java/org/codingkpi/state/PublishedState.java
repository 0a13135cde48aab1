package org.codingkpi.state;

import org.apache.kafka.streams.processor.TaskId;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What this instance publishes: for each task running here, the copies its stores and processors
 * handed over at their last commit. A task publishes once its state is restored and withdraws when
 * it stops running here (revoked, migrated, closed or corrupted), so no partition is ever published
 * by two instances, and a scrape reads only these immutable copies.
 */
public final class PublishedState {
    private final Map<TaskId, Map<String, Object>> tasks = new ConcurrentHashMap<>();
    /** Entries every instance holds alike (a global store): the ROI month sums of every task of the pipeline. */
    private final Map<String, double[]> global = new ConcurrentHashMap<>();

    public void publish(TaskId task, String part, Object snapshot) {
        tasks.computeIfAbsent(task, t -> new ConcurrentHashMap<>()).put(part, snapshot);
    }

    public void withdraw(TaskId task, String part) {
        tasks.computeIfPresent(task, (t, parts) -> {
            parts.remove(part);
            return parts.isEmpty() ? null : parts;
        });
    }

    public void publishGlobal(String key, double[] value) {
        if (value == null) {
            global.remove(key);
        } else {
            global.put(key, value.clone());
        }
    }

    /** A copy of the global entries. */
    public Map<String, double[]> global() {
        return new TreeMap<>(global);
    }

    /** The tasks published now, each with its parts (a consistent copy per part). */
    public Map<TaskId, Map<String, Object>> snapshot() {
        Map<TaskId, Map<String, Object>> out = new TreeMap<>();
        tasks.forEach((t, parts) -> out.put(t, Map.copyOf(parts)));
        return out;
    }
}
