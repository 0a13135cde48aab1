package org.codingkpi.app;

import org.apache.kafka.clients.producer.Producer;
import org.codingkpi.simulator.SimEvent;
import org.codingkpi.simulator.Simulator;

import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/**
 * A simulation delivered live, as {@code demo} and {@code simulate --live} do it: the simulation starts
 * some days in the past and runs at {@code speed} simulated seconds per wall-clock second until it
 * reaches the present, then in real time. A delivery is never sent before its delivery time has passed
 * on that compressed clock, and its record timestamp is the wall clock at sending (so the end-to-end
 * latency histogram measures the pipeline, not the simulated history).
 */
public final class LiveFeed {
    /** Receives the number of records sent so far, about every {@link #PROGRESS_EVERY}. */
    public interface Progress {
        void report(long sent, Instant simulatedNow);
    }

    static final Duration PROGRESS_EVERY = Duration.ofSeconds(30);

    private final Simulator simulator;
    private final SimFeed feed;
    private final Producer<byte[], byte[]> producer;
    private final long simStart;
    private final double speed;
    private volatile long sent;

    /**
     * @param simStart the simulation's first instant (its config's start)
     * @param speed    simulated seconds per wall-clock second until the simulation reaches the present
     */
    public LiveFeed(Simulator simulator, SimFeed feed, Producer<byte[], byte[]> producer, Instant simStart, double speed) {
        if (!(speed > 0)) {
            throw new IllegalArgumentException("speed must be > 0, got " + speed);
        }
        this.simulator = simulator;
        this.feed = feed;
        this.producer = producer;
        this.simStart = simStart.toEpochMilli();
        this.speed = speed;
    }

    /**
     * Sends until the simulation ends or {@code running} turns false.
     *
     * @param progress called about every 30 s of wall clock; may be null
     */
    public void run(BooleanSupplier running, Progress progress) throws InterruptedException {
        long wallStart = System.currentTimeMillis();
        long nextProgress = wallStart + PROGRESS_EVERY.toMillis();
        while (running.getAsBoolean() && simulator.hasNext()) {
            SimEvent e = simulator.next();
            long due = e.deliveredAt().toEpochMilli();
            while (running.getAsBoolean() && simNow(wallStart, simStart, speed) < due) {
                producer.flush();
                Thread.sleep(20);
                if (progress != null && System.currentTimeMillis() >= nextProgress) {
                    progress.report(sent, Instant.ofEpochMilli(simNow(wallStart, simStart, speed)));
                    nextProgress += PROGRESS_EVERY.toMillis();
                }
            }
            if (!running.getAsBoolean()) {
                break;
            }
            feed.send(e, System.currentTimeMillis());
            sent++;
            if (progress != null && System.currentTimeMillis() >= nextProgress) {
                progress.report(sent, Instant.ofEpochMilli(simNow(wallStart, simStart, speed)));
                nextProgress += PROGRESS_EVERY.toMillis();
            }
        }
        producer.flush();
    }

    /** Records sent so far. */
    public long sent() {
        return sent;
    }

    /** Simulated now: compressed time from the start, never ahead of the wall clock. */
    static long simNow(long wallStart, long simStart, double speed) {
        long wall = System.currentTimeMillis();
        return Math.min(wall, simStart + (long) ((wall - wallStart) * speed));
    }
}
