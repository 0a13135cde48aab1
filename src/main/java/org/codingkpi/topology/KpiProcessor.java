package org.codingkpi.topology;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.codingkpi.events.EventType;
import org.codingkpi.events.EventValidator;
import org.codingkpi.events.RejectReason;
import org.codingkpi.kpi.DenialCategorizer;
import org.codingkpi.kpi.EncounterRecord;
import org.codingkpi.kpi.KpiEngine;
import org.codingkpi.serde.EventCodec;
import org.codingkpi.events.InvalidEventException;
import org.codingkpi.state.CounterStore;
import org.codingkpi.state.PublishedState;
import org.codingkpi.state.RecordStore;

import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;

/**
 * The KPI processor of one task: decodes and validates each record (an invalid one is thrown to
 * the dead-letter handler before it touches state), hands it to the {@link KpiEngine} (every rule
 * lives there, without Kafka), and forwards each accepted, first-delivery event, decoded, to the
 * analyses downstream. Claim events may only arrive from the {@link ClaimRouter}: straight from the
 * claims topic (already decoded and validated there) or through the claims repartition topic.
 *
 * <p>State: the task's counters ({@link CounterStore}) and one record per encounter
 * ({@link RecordStore}); both are changed in memory and written once per commit.
 */
final class KpiProcessor implements Processor<byte[], Object, byte[], Object> {
    /** Header of the control record that `replay` sends at the end: publish waiting claims as unknown. */
    static final String CONTROL_HEADER = "coding-kpi.control";
    static final String CONTROL_FLUSH_PENDING = "flush-pending";
    static final String BACKLOGS_PART = "backlogs";
    private static final java.time.Duration ROI_INTERVAL = java.time.Duration.ofMillis(500);
    /** Backlogs up to this many entries are copied at every commit that changed them; larger ones at most every BACKLOG_INTERVAL_MS. */
    static final int BACKLOG_COPY_FREE = 1_000;
    static final long BACKLOG_INTERVAL_MS = 5_000;

    private final EventCodec codec;
    private final KpiEngine engine;
    private final EventObserver observer;
    private final PublishedState published;

    private ProcessorContext<byte[], Object> context;
    private String claimsRepartitionTopic;
    private RecordStore<EncounterRecord> encounters;
    private CounterStore counters;
    private boolean active;
    private long backlogPublishedAt = Long.MIN_VALUE / 2;
    /** The next commit hands the backlogs over whatever the interval: after a (re)start and after a control marker. */
    private boolean backlogForced = true;

    KpiProcessor(EventCodec codec, DenialCategorizer categorizer, TopologySettings settings, EventObserver observer, PublishedState published) {
        this.codec = codec;
        this.engine = new KpiEngine(settings.engine(), categorizer, codec::decode);
        this.observer = observer;
        this.published = published;
    }

    @Override
    public void init(ProcessorContext<byte[], Object> context) {
        this.context = context;
        claimsRepartitionTopic = context.applicationId() + "-" + CodingKpiTopology.CLAIMS_REPARTITION + "-repartition";
        counters = context.getStateStore(CodingKpiTopology.KPI_STORE);
        RecordStore<EncounterRecord> store = context.getStateStore(CodingKpiTopology.ENCOUNTER_STORE);
        if (store != encounters) {
            store.onCommit(this::publishBacklogs);
            encounters = store;
        }
        // Kafka Streams calls init again on this processor when it revives a corrupted task (EOS, after
        // its stores were wiped and restored to the last commit): the engine starts over from the stores
        engine.load(counters, counters.keys(), new KpiEngine.Records() {
            @Override
            public EncounterRecord get(String id) {
                return encounters.get(id);
            }

            @Override
            public void put(String id, EncounterRecord r) {
                encounters.put(id, r);
            }

            @Override
            public void delete(String id) {
                encounters.delete(id);
            }

            @Override
            public void forEach(BiConsumer<String, EncounterRecord> visitor) {
                encounters.forEach(visitor);
            }

            @Override
            public void forEachTimes(BiConsumer<String, EncounterRecord> visitor) {
                encounters.forEach(visitor, EncounterRecord::decodeTimes);
            }
        });
        active = true;
        backlogForced = true;
        counters.startPublishing();
        publishBacklogs();
        // the month sums go to the ROI topic on the wall clock: a few records a second, whatever the event rate
        context.schedule(ROI_INTERVAL, PunctuationType.WALL_CLOCK_TIME, now -> sendRoi());
    }

    /** Writes the changed ROI month sums and the task's stream time, keyed by partition and month (totals: idempotent). */
    private void sendRoi() {
        int partition = context.taskId().partition();
        engine.drainRoiChanges(
                (month, values) -> context.forward(new Record<byte[], Object>(RoiSums.key(partition, month), RoiSums.encode(values),
                        context.currentSystemTimeMs()), CodingKpiTopology.ROI_SINK),
                streamTime -> context.forward(new Record<byte[], Object>(RoiSums.key(partition, RoiSums.STREAM_TIME),
                        RoiSums.encode(new double[] {streamTime}), context.currentSystemTimeMs()), CodingKpiTopology.ROI_SINK));
    }

    /**
     * At every commit (and after a restore): the DNFC, DNFB and A/R backlogs, when they changed. A copy
     * of a large backlog (thousands of open claims) at every commit would cost more than the
     * events of the commit: above {@link #BACKLOG_COPY_FREE} entries it is handed over at most once per
     * {@link #BACKLOG_INTERVAL_MS} of wall clock (the gauges it feeds move by the day), and always at
     * the first commit after a control marker, so a replay's final exposition has the final backlogs.
     * The ROI punctuation keeps an idle task committing (Kafka Streams commits a task after a punctuation,
     * at its next commit.interval.ms), so a deferred copy goes out within the interval. No commit is
     * requested for it: a requested commit commits every task of the thread at once, and asked at every
     * punctuation it tripled a replay's transactions.
     */
    private void publishBacklogs() {
        if (!active || !engine.backlogsChanged()) {
            return;
        }
        long now = context.currentSystemTimeMs();
        if (!backlogForced && engine.backlogEntries() > BACKLOG_COPY_FREE && now - backlogPublishedAt < BACKLOG_INTERVAL_MS) {
            return;
        }
        backlogForced = false;
        backlogPublishedAt = now;
        published.publish(context.taskId(), BACKLOGS_PART, engine.backlogsIfChanged());
    }

    /** The task stops running here (revoked, migrated, recycled to a standby, closed, or corrupted): its share is withdrawn. */
    @Override
    public void close() {
        active = false;
        counters.stopPublishing();
        published.withdraw(context.taskId(), BACKLOGS_PART);
    }

    @Override
    public void process(Record<byte[], Object> record) {
        Header control = record.headers().lastHeader(CONTROL_HEADER);
        if (control != null) {
            if (CONTROL_FLUSH_PENDING.equals(new String(control.value(), StandardCharsets.UTF_8))) {
                engine.endOfHistory();
            }
            engine.controlMarker();
            backlogForced = true;
            return;
        }
        // a claim read in this task comes from the router, decoded and validated; anything else as bytes
        ClaimRouter.Routed routed = record.value() instanceof ClaimRouter.Routed r ? r : null;
        byte[] raw = routed != null ? routed.raw() : (byte[]) record.value();
        SpecificRecord event = routed != null ? routed.event() : codec.decode(raw);
        EventType type = EventType.of(event);
        if (type.isClaim() != (routed != null || context.recordMetadata().map(m -> m.topic().equals(claimsRepartitionTopic)).orElse(false))) {
            // a claim on the encounters or AI topic would be attributed in its claim_id's task, not its encounter's
            throw new InvalidEventException(RejectReason.UNKNOWN_SCHEMA, type.name() + " does not belong on this topic");
        }
        if (routed == null) {
            EventValidator.validate(event, context.currentSystemTimeMs());
        }
        if (engine.accept(event, type, raw)) {
            observer.eventProcessed(record.timestamp(), context.currentSystemTimeMs());
            // accepted, first delivery: downstream analyses (compliance, drift) see each event once
            context.forward(record.withValue((Object) event), CodingKpiTopology.COMPLIANCE_PROCESSOR);
        }
    }
}
