package org.codingkpi.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** One line per restore of local state, saying what it cost; a WARN when it follows an unclean stop. */
class RecoveryLogTest {
    private static final TopicPartition KPI_0 = new TopicPartition("coding-kpi-kpi-store-changelog", 0);
    private static final TopicPartition KPI_1 = new TopicPartition("coding-kpi-kpi-store-changelog", 1);
    private static final TopicPartition DEDUPE_0 = new TopicPartition("coding-kpi-dedupe-encounters-store-changelog", 0);

    @TempDir
    Path dir;

    private final AtomicLong nanos = new AtomicLong();
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private Logger log;

    @BeforeEach
    void setUp() {
        LoggerContext context = new LoggerContext();
        logged.setContext(context);
        logged.start();
        log = context.getLogger("recovery");
        log.setLevel(Level.INFO);
        log.addAppender(logged);
    }

    private List<String> lines() {
        return logged.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
    }

    @Test
    void aRestoreAfterAnUncleanStopIsOneWarnLineWithItsCost() {
        RecoveryLog recovery = new RecoveryLog(dir.resolve("m"), true, nanos::get, log);
        recovery.streamsState(KafkaStreams.State.REBALANCING);
        recovery.onRestoreStart(KPI_0, "kpi-store", 0, 30_000);
        recovery.onRestoreStart(DEDUPE_0, "dedupe-encounters-store", 0, 20_000);
        nanos.addAndGet(1_500_000_000L);
        recovery.onRestoreEnd(DEDUPE_0, "dedupe-encounters-store", 20_000);
        nanos.addAndGet(500_000_000L);
        recovery.onRestoreEnd(KPI_0, "kpi-store", 30_000);
        // the next task of the same rebalance
        recovery.onRestoreStart(KPI_1, "kpi-store", 0, 1_234);
        nanos.addAndGet(1_500_000_000L);
        recovery.onRestoreSuspended(KPI_1, "kpi-store", 1_000);
        nanos.addAndGet(700_000_000L);
        assertThat(lines()).as("reported once Kafka Streams runs").hasSize(1);
        recovery.streamsState(KafkaStreams.State.RUNNING);
        assertThat(lines()).hasSize(2);
        assertThat(lines().get(0)).startsWith("INFO Restoring local state").contains("after an unclean stop");
        assertThat(lines().get(1)).startsWith("WARN Recovered from an unclean stop")
                .contains("51,000 records (3 changelog partitions of 2 stores) in 3.5 s").contains("nothing lost or counted twice");
    }

    @Test
    void laterRestoresAreInfoAndEmptyOnesAreNotLogged() {
        RecoveryLog recovery = new RecoveryLog(dir.resolve("m"), true, nanos::get, log);
        recovery.streamsState(KafkaStreams.State.RUNNING);
        recovery.onRestoreStart(KPI_0, "kpi-store", 0, 10);
        recovery.onRestoreEnd(KPI_0, "kpi-store", 10);
        recovery.streamsState(KafkaStreams.State.REBALANCING);
        recovery.onRestoreStart(KPI_1, "kpi-store", 5, 10);
        nanos.addAndGet(100_000_000L);
        recovery.onRestoreEnd(KPI_1, "kpi-store", 5);
        recovery.streamsState(KafkaStreams.State.RUNNING);
        recovery.onRestoreStart(DEDUPE_0, "dedupe-encounters-store", 7, 7);
        recovery.onRestoreEnd(DEDUPE_0, "dedupe-encounters-store", 0);
        assertThat(lines()).filteredOn(l -> l.startsWith("WARN")).hasSize(1);
        assertThat(lines()).last().isEqualTo("INFO Restored local state from the changelog topics: 5 records (1 changelog partitions of 1 stores) in 0.1 s");

        RecoveryLog clean = new RecoveryLog(dir.resolve("m"), false, nanos::get, log);
        clean.streamsState(KafkaStreams.State.RUNNING);
        clean.onRestoreStart(KPI_0, "kpi-store", 0, 10);
        clean.onRestoreEnd(KPI_0, "kpi-store", 10);
        assertThat(lines()).filteredOn(l -> l.startsWith("WARN")).hasSize(1);
        assertThat(lines()).last().asString().startsWith("INFO Restored local state").contains("10 records");
    }

    @Test
    void theMarkerTellsAStartAfterAKillFromAStartAfterACleanStop() {
        assertThat(RecoveryLog.open(dir, "coding-kpi").afterUncleanStop()).as("first start").isFalse();
        assertThat(Files.exists(dir.resolve("coding-kpi.running"))).isTrue();
        RecoveryLog afterKill = RecoveryLog.open(dir, "coding-kpi");
        assertThat(afterKill.afterUncleanStop()).as("start after a run that never stopped cleanly").isTrue();
        afterKill.stoppedCleanly();
        assertThat(RecoveryLog.open(dir, "coding-kpi").afterUncleanStop()).as("start after a clean stop").isFalse();
    }
}
