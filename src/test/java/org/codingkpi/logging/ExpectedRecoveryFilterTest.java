package org.codingkpi.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.read.ListAppender;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.internals.LogContext;
import org.apache.kafka.streams.errors.TaskCorruptedException;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kafka Streams' wipe-and-restore after an unclean stop is kept out of the log, line for line as
 * Kafka Streams 4.4 writes it (through its {@code LogContext}, which formats the message itself);
 * a real corruption, another exception or another task is logged as Kafka logs it.
 */
class ExpectedRecoveryFilterTest {
    private static final String THREAD = "stream-thread [coding-kpi-1f-StreamThread-1] ";
    private final LoggerContext context = new LoggerContext();
    private final ExpectedRecoveryFilter filter = new ExpectedRecoveryFilter();
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

    @BeforeEach
    void setUp() {
        filter.setContext(context);
        filter.start();
        logged.setContext(context);
        logged.addFilter(filter);
        logged.start();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(logged);
    }

    private Logger logger(String name) {
        return context.getLogger(name);
    }

    private static TaskCorruptedException corrupted(TaskId... tasks) {
        return new TaskCorruptedException(new LinkedHashSet<>(List.of(tasks)));
    }

    /** ProcessorStateManager's WARN for a task whose stores hold data but no committed offset (exactly-once). */
    private void noCommittedOffsets(TaskId task) {
        logger(ExpectedRecoveryFilter.STATE_MANAGER).warn(THREAD + "stream-task [" + task + "] State store dedupe-encounters-store did not find "
                + "checkpoint offsets while stores are not empty, since under EOS it has the risk of getting uncommitted data in stores we have "
                + "to treat it as a task corruption error and wipe out the local state of task " + task + " before re-bootstrapping");
    }

    /** TaskManager's ERROR listing the exceptions of the tasks it initialised. */
    private void taskExceptions(Map<TaskId, RuntimeException> exceptions) {
        logger(ExpectedRecoveryFilter.TASK_MANAGER).error(THREAD + "Get exceptions for the following tasks: " + exceptions);
    }

    private void encounterCorrupted(TaskId task, TaskCorruptedException e) {
        logger(ExpectedRecoveryFilter.TASK_MANAGER).warn(THREAD + "Encounter corrupted task " + task
                + ", will group it with other corrupted tasks and handle together", e);
    }

    private void detected(TaskCorruptedException e) {
        logger(ExpectedRecoveryFilter.STREAM_THREAD).warn(THREAD + "Detected the states of tasks " + e.corruptedTasks()
                + " are corrupted. Will close the task as dirty and re-create and bootstrap from scratch.", e);
    }

    private List<String> lines() {
        return logged.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
    }

    @Test
    void theWipeAndRestoreAfterAnUncleanStopLogsNothing() {
        TaskId a = new TaskId(1, 0);
        TaskId b = new TaskId(2, 1);
        noCommittedOffsets(a);
        noCommittedOffsets(b);
        Map<TaskId, RuntimeException> exceptions = new LinkedHashMap<>();
        exceptions.put(a, corrupted(a));
        exceptions.put(b, corrupted(b));
        taskExceptions(exceptions);
        encounterCorrupted(a, corrupted(a));
        encounterCorrupted(b, corrupted(b));
        detected(corrupted(b, a));
        assertThat(lines()).isEmpty();
        assertThat(filter.wipedTasks()).as("forgotten once Kafka Streams revived them").isEmpty();
    }

    @Test
    void theSameMessagesWithParametersAreRecognisedToo() {
        TaskId a = new TaskId(1, 2);
        logger(ExpectedRecoveryFilter.STATE_MANAGER).warn("State store {} did not find checkpoint offsets while stores are not empty, since "
                + "under EOS it has the risk of getting uncommitted data in stores we have to treat it as a task corruption error and wipe out "
                + "the local state of task {} before re-bootstrapping", "kpi-store", a);
        logger(ExpectedRecoveryFilter.TASK_MANAGER).error("Get exceptions for the following tasks: {}", Map.of(a, corrupted(a)));
        assertThat(lines()).isEmpty();
    }

    @Test
    void aCorruptionWithACauseIsStillLogged() {
        TaskId a = new TaskId(1, 0);
        TaskCorruptedException truncated = new TaskCorruptedException(Set.of(a),
                new OffsetOutOfRangeException("changelog truncated", Map.of(new TopicPartition("coding-kpi-kpi-store-changelog", 0), 42L)));
        taskExceptions(Map.of(a, truncated));
        encounterCorrupted(a, truncated);
        detected(truncated);
        assertThat(lines()).hasSize(3).first().asString().startsWith("ERROR");
    }

    @Test
    void aCauseLessCorruptionOfATaskNotWipedForLackOfOffsetsIsStillLogged() {
        TaskId a = new TaskId(1, 0);
        TaskId other = new TaskId(1, 1);
        noCommittedOffsets(a);
        taskExceptions(Map.of(other, corrupted(other)));
        encounterCorrupted(other, corrupted(other));
        detected(corrupted(a, other));
        assertThat(lines()).hasSize(3);
    }

    @Test
    void anotherExceptionAmongTheTasksKeepsTheError() {
        TaskId a = new TaskId(1, 0);
        TaskId b = new TaskId(1, 1);
        noCommittedOffsets(a);
        noCommittedOffsets(b);
        Map<TaskId, RuntimeException> exceptions = new LinkedHashMap<>();
        exceptions.put(a, corrupted(a));
        exceptions.put(b, new org.apache.kafka.streams.errors.ProcessorStateException("Error opening store kpi-store"));
        taskExceptions(exceptions);
        assertThat(lines()).singleElement().asString().startsWith("ERROR").contains("ProcessorStateException");
    }

    @Test
    void aTaskCorruptedAgainAfterItsRecoveryIsLogged() {
        TaskId a = new TaskId(1, 0);
        noCommittedOffsets(a);
        detected(corrupted(a));
        assertThat(lines()).isEmpty();
        encounterCorrupted(a, corrupted(a));
        detected(corrupted(a));
        assertThat(lines()).hasSize(2);
    }

    @Test
    void otherEventsOfTheseLoggersPass() {
        logger(ExpectedRecoveryFilter.TASK_MANAGER).error(THREAD + "Failed to close task 1_0 cleanly", new IllegalStateException("x"));
        logger(ExpectedRecoveryFilter.STREAM_THREAD).warn(THREAD + "Detected that the thread was fenced", corrupted(new TaskId(1, 0)));
        logger(ExpectedRecoveryFilter.STATE_MANAGER).error(THREAD + "Failed to commit state store kpi-store");
        assertThat(lines()).hasSize(3);
    }

    @Test
    void theShippedLogbackXmlInstallsTheFilter() throws Exception {
        LoggerContext shipped = new LoggerContext();
        JoranConfigurator joran = new JoranConfigurator();
        joran.setContext(shipped);
        joran.doConfigure(getClass().getResource("/logback.xml"));
        assertThat(installedFilter(shipped)).isNotNull();
    }

    /** The filter on the root logger's STDERR appender, as logback.xml (and logback-test.xml) install it. */
    private static ExpectedRecoveryFilter installedFilter(LoggerContext context) {
        Appender<ILoggingEvent> stderr = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("STDERR");
        assertThat(stderr).as("the STDERR appender").isNotNull();
        return stderr.getCopyOfAttachedFiltersList().stream()
                .filter(ExpectedRecoveryFilter.class::isInstance).map(ExpectedRecoveryFilter.class::cast)
                .findFirst().orElseThrow(() -> new AssertionError("no ExpectedRecoveryFilter on the STDERR appender"));
    }

    @Test
    void kafkaStreamsOwnLoggingPathIsFiltered() {
        LoggerContext global = (LoggerContext) LoggerFactory.getILoggerFactory();
        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.setContext(global);
        seen.addFilter(installedFilter(global)); // logback-test.xml's
        seen.start();
        List<Logger> loggers = List.of(global.getLogger(ExpectedRecoveryFilter.STATE_MANAGER), global.getLogger(ExpectedRecoveryFilter.TASK_MANAGER));
        loggers.forEach(l -> l.addAppender(seen));
        try {
            TaskId a = new TaskId(7, 3);
            LogContext kafka = new LogContext(THREAD);
            kafka.logger(org.apache.kafka.streams.processor.internals.ProcessorStateManager.class).warn("State store {} did not find checkpoint "
                    + "offsets while stores are not empty, since under EOS it has the risk of getting uncommitted data in stores we have to treat "
                    + "it as a task corruption error and wipe out the local state of task {} before re-bootstrapping", "kpi-store", a);
            kafka.logger(org.apache.kafka.streams.processor.internals.TaskManager.class).error("Get exceptions for the following tasks: {}",
                    Map.of(a, corrupted(a)));
            kafka.logger(org.apache.kafka.streams.processor.internals.TaskManager.class).error("Get exceptions for the following tasks: {}",
                    Map.of(new TaskId(7, 4), corrupted(new TaskId(7, 4))));
            assertThat(seen.list).singleElement().extracting(ILoggingEvent::getFormattedMessage).asString().contains("7_4=");
        } finally {
            loggers.forEach(l -> l.detachAppender(seen));
        }
    }
}
