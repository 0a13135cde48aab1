package org.codingkpi.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxy;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;
import org.apache.kafka.streams.errors.TaskCorruptedException;
import org.apache.kafka.streams.processor.TaskId;

import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps Kafka Streams' routine wipe-and-restore after an unclean stop out of the log, and nothing
 * else. Under exactly-once, a task whose local stores hold data but no committed changelog offset
 * (the process was killed between two commits) may hold uncommitted changes: Kafka Streams
 * (4.4) logs a WARN per task from {@code ProcessorStateManager} ("did not find checkpoint offsets
 * while stores are not empty ... wipe out the local state of task 1_0"), throws a
 * {@link TaskCorruptedException} without a cause, and reports it as an ERROR from
 * {@code TaskManager} ("Get exceptions for the following tasks: {1_0=...TaskCorruptedException...}"),
 * a WARN with a stack trace per task from {@code TaskManager} ("Encounter corrupted task 1_0") and
 * a WARN with a stack trace from {@code StreamThread} ("Detected the states of tasks [1_0] are
 * corrupted"), then restores the stores from the changelog topics. Nothing is lost: the pipeline
 * logs that recovery as one WARN line with its cost instead ({@code RecoveryLog}).
 *
 * <p>Only events about tasks that {@code ProcessorStateManager} has just named for that reason are
 * dropped, and only while every exception involved is a cause-less {@code TaskCorruptedException}:
 * a corruption with a cause (a truncated changelog, a damaged RocksDB file), an exception of any
 * other type among the tasks, or a task not named that way is logged as Kafka Streams logs it.
 *
 * <p>Registered in {@code logback.xml} as a filter of the appender, so it sees only the events that
 * are written (WARN and above). Not a {@code turboFilter}: logback asks a turbo filter at every
 * {@code isTraceEnabled()} of every logger, and Kafka's clients and Streams ask several times per
 * record (3 % of the stream thread's CPU).
 */
public final class ExpectedRecoveryFilter extends Filter<ILoggingEvent> {
    static final String STATE_MANAGER = "org.apache.kafka.streams.processor.internals.ProcessorStateManager";
    static final String TASK_MANAGER = "org.apache.kafka.streams.processor.internals.TaskManager";
    static final String STREAM_THREAD = "org.apache.kafka.streams.processor.internals.StreamThread";

    private static final Pattern NO_OFFSETS = Pattern.compile(
            "did not find checkpoint offsets while stores are not empty.*wipe out the local state of task (\\S+) before re-bootstrapping");
    private static final String TASK_EXCEPTIONS = "Get exceptions for the following tasks: ";
    /** An entry {@code 1_0=org.apache...Exception} of the map that TaskManager logs. */
    private static final Pattern ENTRY = Pattern.compile("(?:\\{|, )([^\\s=,{}\\[\\]]+)=([\\w.$]+)");

    /** Tasks that ProcessorStateManager named as wiped for lack of committed offsets, until StreamThread revives them. */
    private final Set<String> wiped = ConcurrentHashMap.newKeySet();

    @Override
    public FilterReply decide(ILoggingEvent event) {
        Level level = event.getLevel();
        if (level == null || !level.isGreaterOrEqual(Level.WARN) || event.getLoggerName() == null || event.getMessage() == null) {
            return FilterReply.NEUTRAL;
        }
        Throwable t = event.getThrowableProxy() instanceof ThrowableProxy proxy ? proxy.getThrowable() : null;
        switch (event.getLoggerName()) {
            case STATE_MANAGER -> {
                Matcher m = NO_OFFSETS.matcher(event.getFormattedMessage());
                if (m.find() && t == null) {
                    wiped.add(m.group(1));
                    return FilterReply.DENY;
                }
            }
            case TASK_MANAGER -> {
                if (t == null) {
                    String text = event.getFormattedMessage();
                    int at = text.indexOf(TASK_EXCEPTIONS);
                    if (at >= 0 && onlyWipedTasks(text.substring(at + TASK_EXCEPTIONS.length()))) {
                        return FilterReply.DENY;
                    }
                } else if (expected(t) && event.getMessage().contains("Encounter corrupted task")) {
                    return FilterReply.DENY;
                }
            }
            case STREAM_THREAD -> {
                if (expected(t)) {
                    // the thread closes these tasks dirty and restores them: this episode is over
                    ((TaskCorruptedException) t).corruptedTasks().forEach(task -> wiped.remove(task.toString()));
                    return FilterReply.DENY;
                }
            }
            default -> {
                return FilterReply.NEUTRAL;
            }
        }
        return FilterReply.NEUTRAL;
    }

    /** A cause-less TaskCorruptedException about wiped tasks only. */
    private boolean expected(Throwable t) {
        if (!(t instanceof TaskCorruptedException e) || e.getCause() != null || e.corruptedTasks().isEmpty()) {
            return false;
        }
        for (TaskId task : e.corruptedTasks()) {
            if (!wiped.contains(task.toString())) {
                return false;
            }
        }
        return true;
    }

    /** {@code {1_0=org.apache.kafka.streams.errors.TaskCorruptedException: Tasks [1_0] are ..., 2_1=...}}: all wiped, all TaskCorruptedException. */
    private boolean onlyWipedTasks(String map) {
        Matcher m = ENTRY.matcher(map);
        Set<String> tasks = new TreeSet<>();
        while (m.find()) {
            if (!m.group(2).equals(TaskCorruptedException.class.getName()) || !wiped.contains(m.group(1))) {
                return false;
            }
            tasks.add(m.group(1));
        }
        return !tasks.isEmpty();
    }

    /** The tasks currently known as wiped (for tests). */
    Set<String> wipedTasks() {
        return Set.copyOf(wiped);
    }
}
