package org.codingkpi.app;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Says in one line what a restore of local state from the changelog topics cost: the records
 * restored and how long it took. After an unclean stop (SIGKILL, OOM kill, power loss) Kafka
 * Streams under exactly-once discards the local stores, which may hold uncommitted changes, and
 * restores them: that is one WARN line (the operator learns that the process died, and what it cost
 * to come back; nothing was lost). Any other restore (a task that moved here, a deleted state
 * directory, the difference after a clean stop) is one INFO line.
 *
 * <p>Whether the previous run stopped cleanly is kept in a marker file,
 * {@code <state.dir>/<application.id>.running}: written at start, deleted when Kafka Streams has
 * closed within its timeout.
 */
final class RecoveryLog implements StateRestoreListener {
    private static final Logger LOG = LoggerFactory.getLogger(RecoveryLog.class);

    private final Path marker;
    private final LongSupplier nanos;
    private final Logger log;
    private boolean uncleanStop;
    private final Set<TopicPartition> restoring = new HashSet<>();
    private final Set<TopicPartition> partitions = new HashSet<>();
    private final Set<String> stores = new HashSet<>();
    private long records;
    private long started;
    private long finished;
    private boolean open;
    private boolean announced;
    private boolean running;

    RecoveryLog(Path marker, boolean uncleanStop, LongSupplier nanos, Logger log) {
        this.marker = marker;
        this.uncleanStop = uncleanStop;
        this.nanos = nanos;
        this.log = log;
    }

    /** Reads and then sets the marker of a running pipeline in the state directory. */
    static RecoveryLog open(Path stateDir, String applicationId) {
        Path marker = stateDir.resolve(applicationId + ".running");
        boolean unclean = Files.exists(marker);
        try {
            Files.writeString(marker, "started " + Instant.now() + " by process " + ProcessHandle.current().pid() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + marker, e);
        }
        return new RecoveryLog(marker, unclean, System::nanoTime, LOG);
    }

    /** The previous run did not stop cleanly. */
    boolean afterUncleanStop() {
        return uncleanStop;
    }

    /** Kafka Streams closed cleanly (its stores are checkpointed): the next start is not after an unclean stop. */
    void stoppedCleanly() {
        try {
            Files.deleteIfExists(marker);
        } catch (IOException e) {
            LOG.warn("cannot delete {}: the next start will report an unclean stop", marker);
        }
    }

    /** Kafka Streams' state: a restore is reported once nothing restores and Streams is RUNNING again. */
    synchronized void streamsState(KafkaStreams.State state) {
        running = state == KafkaStreams.State.RUNNING;
        maybeReport();
    }

    @Override
    public synchronized void onRestoreStart(TopicPartition changelog, String store, long startingOffset, long endingOffset) {
        if (!open) {
            open = true;
            started = nanos.getAsLong();
            records = 0;
            partitions.clear();
            stores.clear();
            announced = false;
        }
        if (!announced && endingOffset > startingOffset) {
            announced = true;
            log.info("Restoring local state from the changelog topics{}", uncleanStop ? " after an unclean stop" : "");
        }
        restoring.add(changelog);
        partitions.add(changelog);
        stores.add(store);
    }

    @Override
    public void onBatchRestored(TopicPartition changelog, String store, long batchEndOffset, long numRestored) {
    }

    @Override
    public synchronized void onRestoreEnd(TopicPartition changelog, String store, long totalRestored) {
        ended(changelog, totalRestored);
    }

    @Override
    public synchronized void onRestoreSuspended(TopicPartition changelog, String store, long totalRestored) {
        ended(changelog, totalRestored);
    }

    private void ended(TopicPartition changelog, long totalRestored) {
        if (restoring.remove(changelog)) {
            records += totalRestored;
            finished = nanos.getAsLong();
            maybeReport();
        }
    }

    /**
     * One line per episode: from the first changelog partition that starts restoring until none is
     * restoring and Kafka Streams runs (tasks are restored one after another, several per rebalance).
     */
    private void maybeReport() {
        if (!open || !restoring.isEmpty() || !running) {
            return;
        }
        open = false;
        String cost = String.format(Locale.ROOT, "%,d records (%d changelog partitions of %d stores) in %.1f s",
                records, partitions.size(), stores.size(), (finished - started) / 1e9);
        if (uncleanStop) {
            log.warn("Recovered from an unclean stop of the previous run: exactly-once discarded the local state (it may have held "
                    + "uncommitted changes) and restored it from the changelog topics, {}; processing resumes from the last committed "
                    + "offsets, nothing lost or counted twice", cost);
            uncleanStop = false;
        } else if (records > 0) {
            log.info("Restored local state from the changelog topics: {}", cost);
        }
    }
}
