package org.codingkpi.compliance;

import org.codingkpi.kpi.EmLevels;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.codingkpi.events.AiSuggestionReviewed;
import org.codingkpi.events.CodeEntry;
import org.codingkpi.events.CodeSystem;
import org.codingkpi.events.Decision;
import org.codingkpi.events.EncounterCoded;
import org.codingkpi.events.EncounterDischarged;
import org.codingkpi.events.EventType;
import org.codingkpi.kpi.Series;
import org.codingkpi.state.CounterStore;
import org.codingkpi.state.ResidentStore;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The compliance side of one KPI task, fed every accepted, non-duplicate event. It
 * <ul>
 *   <li>keeps the daily counts the §5 gauges are computed from at scrape time, in the KPI store
 *       ({@link Series#EM_DAY}, {@link Series#AI_ACCEPTANCE_DAY}, label values capped as the KPI
 *       processor capped them), pruned to the window and the baseline;</li>
 *   <li>merges the scoped {@link Observations} of the task per scope and day in an outbox (state),
 *       and sends them to the detector, re-keyed by scope, right before each clock
 *       {@link Observation#tick} of this task: one record per scope and day instead of one per
 *       observation. A tick goes out when this task's clock moves the detector's last complete
 *       day ({@link #nextTick}), so the detector knows when every partition has passed a day, and
 *       has every observation of that day when it does.</li>
 * </ul>
 * The clock here is event time, never the wall clock: the stream time of the slower of the two feeds
 * the detector reads, encounters and AI suggestions (the largest occurred_at seen on each). Kafka
 * Streams may run one topic of a task days ahead of another (whatever it fetched first); a day is
 * complete for the detector only when both feeds are past it. A feed that has not started (no AI
 * before the go-live) or lags the other by more than {@link #IDLE_FEED_MS} (the AI engine switched
 * off) does not hold the clock back. Claims do not count: the detector does not read them.
 */
final class ComplianceProcessor implements Processor<byte[], SpecificRecord, byte[], byte[]> {
    /** Records sent to the detector (observations, and a tick once per partition): a replay waits for the detector to see as many. */
    static final String META_RECORDS = "compliance_records";
    static final byte[] TICK_KEY = "~tick".getBytes(StandardCharsets.UTF_8);
    private static final String OTHER = "other";
    /** Days kept beyond the window, so that an instance whose tasks lag a little still has them. */
    private static final int MARGIN_DAYS = 2;
    /** A feed this far behind the other no longer holds the clock back. */
    static final long IDLE_FEED_MS = 7 * ComplianceConfig.DAY_MS;

    private final ComplianceConfig config;
    private final int detectorPartitions;
    private final String kpiStore;
    private ProcessorContext<byte[], byte[]> context;
    private CounterStore kpi;
    /** This task's observations since its last tick, merged per scope and day: sent to the detector before the next tick. */
    private ResidentStore<DayRecord> outbox;
    private int partition;
    private long encounterFeedTime = Long.MIN_VALUE;
    private long aiFeedTime = Long.MIN_VALUE;
    private long streamTime = Long.MIN_VALUE;
    private long nextTick = Long.MIN_VALUE;
    private long maintainedDay = Long.MIN_VALUE;
    /** This task's days of each E/M scope (facility, specialty) and acceptance scope (specialty, model version). */
    private final Map<List<String>, TreeMap<Long, String>> emDays = new HashMap<>();
    private final Map<List<String>, TreeMap<Long, String>> acceptanceDays = new HashMap<>();
    private long lastDay = Long.MIN_VALUE;
    private String lastDate = "";

    ComplianceProcessor(ComplianceConfig config, int detectorPartitions, String kpiStore) {
        this.config = config;
        this.kpiStore = kpiStore;
        this.detectorPartitions = detectorPartitions;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        partition = context.taskId().partition();
        kpi = context.getStateStore(kpiStore);
        outbox = context.getStateStore(ComplianceTopology.OUTBOX_STORE);
        emDays.clear();
        acceptanceDays.clear();
        kpi.forEach((key, value) -> {
            Series s = Series.of(key);
            if (s == Series.EM_DAY || s == Series.AI_ACCEPTANCE_DAY) {
                String[] l = Series.labels(key);
                (s == Series.EM_DAY ? emDays : acceptanceDays).computeIfAbsent(List.of(l[0], l[1]), k -> new TreeMap<>())
                        .put(LocalDate.parse(l[2]).toEpochDay(), key);
            }
        });
    }

    @Override
    public void process(Record<byte[], SpecificRecord> record) {
        SpecificRecord event = record.value();
        long occurredAt = EventType.occurredAtMs(event);
        int sent = 0;
        if (event instanceof AiSuggestionReviewed) {
            aiFeedTime = Math.max(aiFeedTime, occurredAt);
        } else if (event instanceof EncounterCoded || event instanceof EncounterDischarged) {
            encounterFeedTime = Math.max(encounterFeedTime, occurredAt);
        }
        long clock = clock(encounterFeedTime, aiFeedTime);
        if (clock > streamTime) {
            streamTime = clock;
            if (streamTime >= nextTick) {
                // before this event's observations: the detector gets every earlier observation of this task,
                // then the tick that may let it evaluate their day
                sent += sendOutbox(record);
                context.forward(record.withKey(TICK_KEY).withValue(Observation.tick(partition, streamTime).encode()));
                sent += detectorPartitions;
                nextTick = nextTick(streamTime, config.graceMs());
            }
            long today = Math.floorDiv(streamTime, ComplianceConfig.DAY_MS);
            if (today > maintainedDay) {
                maintainedDay = today;
                prune(today);
            }
        }
        boolean[] counted = {false};
        int[] breaches = {0};
        Observations.of(event, config.oversightRules(), (scope, o) -> {
            if (o.type() == Observation.BREACH) {
                // a case, not a trend: to the detector at once, which raises the finding at once
                context.forward(record.withKey(scope.getBytes(StandardCharsets.UTF_8)).withValue(o.encode()));
                breaches[0]++;
                return;
            }
            String key = cachedOutboxKey(o.day(), scope);
            DayRecord r = outbox.get(key);
            if (r == null) {
                r = new DayRecord(ComplianceEngine.slots(Scope.of(scope)));
            }
            ComplianceEngine.add(Scope.of(scope), o, r, config);
            outbox.put(key, r);
            if (!counted[0]) {
                counted[0] = true;
                count(event, o.day());
            }
        });
        sent += breaches[0];
        if (sent > 0) {
            kpi.add(Series.META.key(META_RECORDS), 0, sent);
        }
    }

    /**
     * The first stream time at which the detector's last complete day (stream time minus the grace,
     * in whole days) moves past that of {@code now}: a tick is sent then, and only then, so the
     * detector evaluates each day as soon as every partition has passed it.
     */
    static long nextTick(long now, long graceMs) {
        return (Math.floorDiv(now - graceMs, ComplianceConfig.DAY_MS) + 1) * ComplianceConfig.DAY_MS + graceMs;
    }

    /** The outbox keys of one day (most observations are of the latest day): built once per scope and day. */
    private final Map<String, String> dayKeys = new HashMap<>();
    private long dayKeysDay = Long.MIN_VALUE;

    private String cachedOutboxKey(long day, String scope) {
        if (day != dayKeysDay) {
            if (day < dayKeysDay) {
                return outboxKey(day, scope); // a late observation: not worth a cache entry
            }
            dayKeys.clear();
            dayKeysDay = day;
        }
        String key = dayKeys.get(scope);
        if (key == null && dayKeys.size() < 100_000) {
            key = outboxKey(day, scope);
            dayKeys.put(scope, key);
        }
        return key == null ? outboxKey(day, scope) : key;
    }

    /** Day (zero-padded: keys sort by day) and scope. */
    static String outboxKey(long day, String scope) {
        String d = Long.toString(day);
        StringBuilder sb = new StringBuilder(11 + scope.length());
        if (day >= 0) {
            for (int i = d.length(); i < 10; i++) {
                sb.append('0');
            }
            sb.append(d);
        } else {
            sb.append(String.format("%010d", day));
        }
        return sb.append('\u001f').append(scope).toString();
    }

    /** Sends the merged observations, by day then scope, and empties the outbox; returns how many. */
    private int sendOutbox(Record<byte[], SpecificRecord> record) {
        List<String> keys = new ArrayList<>(outbox.keys());
        keys.sort(null);
        for (String key : keys) {
            int sep = key.indexOf('\u001f');
            long day = Long.parseLong(key.substring(0, sep));
            String scope = key.substring(sep + 1);
            context.forward(record.withKey(scope.getBytes(StandardCharsets.UTF_8))
                    .withValue(Observation.aggregate(day, outbox.get(key)).encode()));
            outbox.delete(key);
        }
        return keys.size();
    }

    /** The slower feed's stream time, unless it has not started or is idle. */
    static long clock(long encounterFeedTime, long aiFeedTime) {
        long fast = Math.max(encounterFeedTime, aiFeedTime);
        long slow = Math.min(encounterFeedTime, aiFeedTime);
        return slow == Long.MIN_VALUE || fast - slow > IDLE_FEED_MS ? fast : slow;
    }

    // --- the gauges' daily counts ---------------------------------------------------------------

    private void count(SpecificRecord event, long day) {
        if (event instanceof AiSuggestionReviewed a) {
            String specialty = capped("specialty", a.getSpecialty());
            String model = capped("model_version", a.getModelVersion());
            String key = Series.AI_ACCEPTANCE_DAY.key(specialty, model, date(day));
            double[] v = kpi.get(key);
            v = v == null ? new double[Series.AI_ACCEPTANCE_DAY.slots()] : v;
            v[0] += 1;
            v[1] += a.getDecision() == Decision.ACCEPTED ? 1 : 0;
            kpi.put(key, v);
            acceptanceDays.computeIfAbsent(List.of(specialty, model), k -> new TreeMap<>()).put(day, key);
        } else if (event instanceof EncounterCoded c && c.getRevision() == 1) {
            List<String> scope = List.of(capped("facility", c.getFacilityId()), capped("specialty", c.getSpecialty()));
            TreeMap<Long, String> known = emDays.computeIfAbsent(scope, k -> new TreeMap<>());
            if (config.baseline().fromDay() == null && !known.isEmpty() && day < known.firstKey()
                    && maintainedDay >= config.baseline().end(known.firstKey())) {
                return; // dated before a baseline already in use: it would move the baseline
            }
            String key = Series.EM_DAY.key(scope.get(0), scope.get(1), date(day));
            double[] v = kpi.get(key);
            v = v == null ? new double[Series.EM_DAY.slots()] : v;
            for (CodeEntry code : c.getCodes()) {
                int level = code.getSystem() == CodeSystem.CPT ? EmLevels.slot(code.getCode()) : -1;
                if (level >= 0) {
                    v[level] += 1;
                }
            }
            kpi.put(key, v);
            known.put(day, key);
        }
    }

    /** Keeps the window (and a margin) and, for E/M, the baseline; forgets model versions unseen for a window. */
    private void prune(long today) {
        long keepFrom = config.windowStart(today) - MARGIN_DAYS;
        for (TreeMap<Long, String> days : emDays.values()) {
            if (days.isEmpty()) {
                continue;
            }
            long bStart = config.baseline().start(days.firstKey());
            long bEnd = config.baseline().end(days.firstKey());
            List<Long> drop = new ArrayList<>();
            for (long d : days.headMap(keepFrom).keySet()) {
                if (d < bStart || d >= bEnd) {
                    drop.add(d);
                }
            }
            drop.forEach(d -> kpi.delete(days.remove(d)));
        }
        acceptanceDays.values().removeIf(days -> {
            if (days.lastKey() >= keepFrom) {
                return false;
            }
            days.values().forEach(kpi::delete);
            return true;
        });
    }

    /** A label value as the KPI processor published it: its own name if admitted under the cap, else "other". */
    private String capped(String dimension, String value) {
        return kpi.get(Series.LABEL.key(dimension, value)) != null ? value : OTHER;
    }

    private String date(long day) {
        if (day != lastDay) {
            lastDay = day;
            lastDate = LocalDate.ofEpochDay(day).toString();
        }
        return lastDate;
    }
}
