package org.codingkpi.bench;

import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Times a running Kafka Streams application from its first record processed to its last: the
 * first is seen on the stream threads' {@code process-total} metric (start-up, rebalance and
 * restoration are not timed), the last by a progress reading reaching the number of input records.
 * CPU is read at the same two moments: the application's stream threads (by name) and the process.
 */
final class StreamsPass {
    /** Called with the progress now and the time since the first record, every poll. */
    interface Sampler {
        void sample(long progress, long nanosSinceFirst);
    }

    /** The figures of one timed pass. */
    record Timed(long events, long nanos, long streamCpuNanos, long processCpuNanos, long commits, long maxHeapSampled, boolean complete,
                 long progressAtEnd) {
        double eventsPerSecond() {
            return Stats.rate(progressAtEnd, nanos);
        }
    }

    private final KafkaStreams streams;
    private final String applicationId;

    StreamsPass(KafkaStreams streams, String applicationId) {
        this.streams = streams;
        this.applicationId = applicationId;
    }

    /** Records processed by the stream threads so far (input and repartition records). */
    long processTotal() {
        return sum(metrics("process-total"));
    }

    /** Transactions (commits) of the stream threads so far. */
    long commitTotal() {
        return sum(metrics("commit-total"));
    }

    private List<Metric> metrics(String name) {
        List<Metric> out = new ArrayList<>();
        for (Map.Entry<MetricName, ? extends Metric> e : streams.metrics().entrySet()) {
            if (e.getKey().name().equals(name) && e.getKey().group().equals("stream-thread-metrics")) {
                out.add(e.getValue());
            }
        }
        return out;
    }

    private static long sum(List<Metric> metrics) {
        double n = 0;
        for (Metric m : metrics) {
            Object v = m.metricValue();
            if (v instanceof Number num && !Double.isNaN(num.doubleValue())) {
                n += num.doubleValue();
            }
        }
        return (long) n;
    }

    /**
     * Waits for the first record, then until {@code progress} reaches {@code events}, or until
     * {@code maxNanos} after the first record (then {@link Timed#complete()} is false).
     *
     * @param progress     input records done so far (cheap enough to call every {@code pollMillis}); null:
     *                     the records processed by the stream threads (right when every input record
     *                     is processed once, i.e. a topology without repartition)
     * @param stallSeconds fail when neither the stream threads nor the progress move for this long
     */
    Timed run(long events, LongSupplier progress, long pollMillis, long maxNanos, long stallSeconds, Sampler sampler)
            throws InterruptedException {
        long startWait = System.nanoTime();
        while (processTotal() == 0) {
            check(startWait, stallSeconds, "no record processed");
            Thread.sleep(2);
        }
        long t0 = System.nanoTime();
        Map<Long, Long> cpu0 = Machine.streamThreadCpu(applicationId);
        long proc0 = Machine.processCpuNanos();
        List<Metric> processed = metrics("process-total");
        List<Metric> commits = metrics("commit-total");
        long commits0 = sum(commits);
        long maxHeap = 0;
        long lastHeapSample = 0;
        long lastMove = t0;
        long lastProcessed = sum(processed);
        LongSupplier progressOf = progress != null ? progress : () -> sum(processed);
        long done;
        boolean complete;
        while (true) {
            done = progressOf.getAsLong();
            long now = System.nanoTime();
            if (done >= events) {
                complete = true;
                break;
            }
            if (now - t0 > maxNanos) {
                complete = false;
                break;
            }
            long p = sum(processed);
            if (p != lastProcessed) {
                lastProcessed = p;
                lastMove = now;
            }
            check(lastMove, stallSeconds, "stalled at " + done + " of " + events + " input records");
            if (now - lastHeapSample > 1_000_000_000L) {
                maxHeap = Math.max(maxHeap, Machine.heapUsed());
                lastHeapSample = now;
            }
            if (sampler != null) {
                sampler.sample(done, now - t0);
            }
            Thread.sleep(pollMillis);
        }
        long t1 = System.nanoTime();
        long cpu = Machine.cpuBetween(cpu0, Machine.streamThreadCpu(applicationId));
        long proc = Machine.processCpuNanos() - proc0;
        return new Timed(events, t1 - t0, cpu, proc, sum(commits) - commits0, maxHeap, complete, Math.min(done, events));
    }

    private void check(long since, long stallSeconds, String what) {
        KafkaStreams.State s = streams.state();
        if (s == KafkaStreams.State.ERROR || s == KafkaStreams.State.NOT_RUNNING || s == KafkaStreams.State.PENDING_ERROR) {
            throw new IllegalStateException(applicationId + " stopped (" + s + "); see the log above");
        }
        if (System.nanoTime() - since > stallSeconds * 1_000_000_000L) {
            throw new IllegalStateException(applicationId + ": " + what + " after " + stallSeconds + " s");
        }
    }
}
