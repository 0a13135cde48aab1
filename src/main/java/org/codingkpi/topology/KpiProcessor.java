package org.codingkpi.topology;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.codingkpi.events.AiSuggestionReviewed;
import org.codingkpi.events.ClaimDenied;
import org.codingkpi.events.ClaimPaid;
import org.codingkpi.events.CodeEntry;
import org.codingkpi.events.CodingMode;
import org.codingkpi.events.EncounterCoded;
import org.codingkpi.events.EncounterDischarged;
import org.codingkpi.events.EventType;
import org.codingkpi.events.EventValidator;
import org.codingkpi.events.RejectReason;
import org.codingkpi.kpi.DenialCategorizer;
import org.codingkpi.kpi.Series;
import org.codingkpi.roi.RoiMonthTotals;
import org.codingkpi.serde.EventCodec;
import org.codingkpi.serde.InvalidEventException;
import org.codingkpi.topology.StateSerdes.Attribution;
import org.codingkpi.topology.StateSerdes.ClaimState;
import org.codingkpi.topology.StateSerdes.DnfcEntry;
import org.codingkpi.topology.StateSerdes.PendingClaimEvent;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The KPI state machine of one task: every encounter, AI-suggestion and (re-keyed) claim event of
 * the encounters it owns passes here once. It decodes and validates the record (an invalid one is
 * thrown to the dead-letter handler before it touches state), drops duplicates by event_id, and
 * updates the KPI series, the ROI month totals, DNFC, attribution and claim state exactly as
 * shared/spec/KPIS.md §1–§4 defines. All times are event times; "now" is stream time. Every
 * accepted, non-duplicate event is forwarded, decoded, to the analyses downstream.
 */
final class KpiProcessor implements Processor<byte[], byte[], byte[], SpecificRecord> {
    /** Header of the control record that `replay` sends at the end: publish waiting claims as unknown. */
    static final String CONTROL_HEADER = "coding-kpi.control";
    static final String CONTROL_FLUSH_PENDING = "flush-pending";
    static final String META_STREAM_TIME = "stream_time_ms";
    static final String META_ENCOUNTER_STREAM_TIME = "encounter_stream_time_ms";
    static final String META_CONTROL_MARKERS = "control_markers";
    static final String META_FEED_TIME_PREFIX = "feed_time_ms:";
    private static final long DAY_MS = 86_400_000L;
    private static final long PURGE_INTERVAL_MS = 3_600_000L;
    private static final char ATTRIBUTION_TAG = 'A';
    private static final char CLAIM_TAG = 'C';

    private final EventCodec codec;
    private final DenialCategorizer categorizer;
    private final TopologySettings settings;
    private final EventObserver observer;

    private ProcessorContext<byte[], SpecificRecord> context;
    /** The claims repartition topic: the only way claim events may arrive (keyed by encounter_id). */
    private String claimsTopic;
    private KeyValueStore<String, double[]> kpi;
    private final Map<String, KeyValueStore<String, Long>> dedupe = new HashMap<>();
    /** Stream time per input feed (encounters, ai-suggestions, claims): the dedupe clock of each topic. */
    private final Map<String, long[]> feedTime = new HashMap<>();
    private KeyValueStore<String, Attribution> attributions;
    private KeyValueStore<String, ClaimState> claims;
    private TimeIndex expiry;
    private final Map<String, Long> lastPurge = new HashMap<>();
    private KeyValueStore<String, List<PendingClaimEvent>> pending;
    private KeyValueStore<String, DnfcEntry> dnfc;
    private LabelCaps caps;

    /** Working copy of the KPI store (this processor is its only writer). */
    private final Map<String, double[]> series = new HashMap<>();
    /** Claims waiting for attribution, by deadline (first pending occurred_at + max wait). */
    private final PriorityQueue<PendingDeadline> deadlines = new PriorityQueue<>();
    private final Map<Long, String> monthOfDay = new HashMap<>();
    private long streamTime = Long.MIN_VALUE;
    private long encounterStreamTime = Long.MIN_VALUE;
    private long lastDnfcPurge = Long.MIN_VALUE;

    private record PendingDeadline(long deadlineMs, String encounterId) implements Comparable<PendingDeadline> {
        @Override
        public int compareTo(PendingDeadline o) {
            return Long.compare(deadlineMs, o.deadlineMs);
        }
    }

    KpiProcessor(EventCodec codec, DenialCategorizer categorizer, TopologySettings settings, EventObserver observer) {
        this.codec = codec;
        this.categorizer = categorizer;
        this.settings = settings;
        this.observer = observer;
    }

    @Override
    public void init(ProcessorContext<byte[], SpecificRecord> context) {
        this.context = context;
        claimsTopic = context.applicationId() + "-" + CodingKpiTopology.CLAIMS_REPARTITION + "-repartition";
        kpi = context.getStateStore(CodingKpiTopology.KPI_STORE);
        // Kafka Streams calls init again on this same processor when it revives a corrupted task (EOS,
        // after its stores were wiped and restored to the last commit): the working copies start over
        series.clear();
        deadlines.clear();
        lastDnfcPurge = Long.MIN_VALUE;
        for (EventType t : EventType.values()) {
            String feed = t.defaultTopic();
            dedupe.put(feed, context.getStateStore(CodingKpiTopology.dedupeStore(feed)));
        }
        attributions = context.getStateStore(CodingKpiTopology.ATTRIBUTION_STORE);
        claims = context.getStateStore(CodingKpiTopology.CLAIM_STORE);
        pending = context.getStateStore(CodingKpiTopology.PENDING_STORE);
        dnfc = context.getStateStore(CodingKpiTopology.DNFC_STORE);
        expiry = new TimeIndex(context.getStateStore(CodingKpiTopology.EXPIRY_INDEX_STORE));
        try (KeyValueIterator<String, double[]> it = kpi.all()) {
            while (it.hasNext()) {
                KeyValue<String, double[]> kv = it.next();
                series.put(kv.key, kv.value);
            }
        }
        streamTime = (long) meta(META_STREAM_TIME, Long.MIN_VALUE);
        encounterStreamTime = (long) meta(META_ENCOUNTER_STREAM_TIME, Long.MIN_VALUE);
        for (String feed : dedupe.keySet()) {
            feedTime.put(feed, new long[] {(long) meta(META_FEED_TIME_PREFIX + feed, Long.MIN_VALUE)});
        }
        caps = new LabelCaps(kpi, settings.labelCaps(), series);
        try (KeyValueIterator<String, List<PendingClaimEvent>> it = pending.all()) {
            while (it.hasNext()) {
                KeyValue<String, List<PendingClaimEvent>> kv = it.next();
                deadlines.add(new PendingDeadline(earliestDeadline(kv.value), kv.key));
            }
        }
        observer.taskReady(context.taskId());
    }

    @Override
    public void close() {
        observer.taskClosed(context.taskId());
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        Header control = record.headers().lastHeader(CONTROL_HEADER);
        if (control != null) {
            if (CONTROL_FLUSH_PENDING.equals(new String(control.value(), StandardCharsets.UTF_8))) {
                giveUpAllPending();
            }
            add(Series.META.key(META_CONTROL_MARKERS), 0, 1);
            return;
        }
        SpecificRecord event = codec.decode(record.value());
        EventType type = EventType.of(event);
        boolean claim = type == EventType.ClaimDenied || type == EventType.ClaimPaid;
        if (claim != context.recordMetadata().map(m -> m.topic().equals(claimsTopic)).orElse(false)) {
            // a claim on the encounters or AI topic would be attributed in its claim_id's task, not its encounter's
            throw new InvalidEventException(RejectReason.UNKNOWN_SCHEMA, type.name() + " does not belong on this topic");
        }
        EventValidator.validate(event, context.currentSystemTimeMs());
        long occurredAt = occurredAt(event);
        String feed = type.defaultTopic();
        KeyValueStore<String, Long> seen = dedupe.get(feed);
        long[] feedClock = feedTime.get(feed);
        String eventId = eventId(event);
        if (isDuplicate(seen, eventId, feedClock[0])) {
            add(Series.EVENTS.key(type.name()), 1, 1);
            return;
        }
        if (occurredAt > streamTime) {
            streamTime = occurredAt;
            setMeta(META_STREAM_TIME, streamTime);
        }
        if (occurredAt > feedClock[0]) {
            feedClock[0] = occurredAt;
            setMeta(META_FEED_TIME_PREFIX + feed, occurredAt);
        }
        seen.put(eventId, feedClock[0]);
        expiry.add(dedupeTag(feed), feedClock[0], eventId);
        purge(feed, dedupeTag(feed), feedClock[0], settings.dedupeRetentionMs(), seen);
        add(Series.EVENTS.key(type.name()), 0, 1);
        switch (type) {
            case EncounterDischarged -> discharged((EncounterDischarged) event);
            case EncounterCoded -> coded((EncounterCoded) event, encounterStreamTime);
            case AiSuggestionReviewed -> reviewed((AiSuggestionReviewed) event);
            case ClaimDenied, ClaimPaid -> claimEvent(event, record.value());
        }
        if (type == EventType.EncounterDischarged || type == EventType.EncounterCoded) {
            if (occurredAt > encounterStreamTime) {
                encounterStreamTime = occurredAt;
                setMeta(META_ENCOUNTER_STREAM_TIME, encounterStreamTime);
                giveUpExpiredClaims();
            }
        }
        purgeDnfcDaily();
        purge("attribution", ATTRIBUTION_TAG, streamTime, settings.attributionRetentionMs(), attributions);
        purge("claims", CLAIM_TAG, streamTime, settings.attributionRetentionMs(), claims);
        observer.eventProcessed(record.timestamp(), context.currentSystemTimeMs());
        // accepted, first delivery: downstream analyses (compliance, drift) see each event once
        context.forward(record.withValue(event));
    }

    // --- encounters ------------------------------------------------------------------------------

    private void discharged(EncounterDischarged e) {
        String facility = caps.cap("facility", e.getFacilityId());
        String setting = e.getSetting().name();
        add(Series.DISCHARGED.key(facility, setting, caps.cap("specialty", e.getSpecialty())), 0, 1);
        if (latest(attributions, e.getEncounterId()) == null) {
            dnfc.put(e.getEncounterId(), new DnfcEntry(e.getOccurredAt().toEpochMilli(), e.getExpectedChargeCents(), facility, setting));
        }
    }

    private void coded(EncounterCoded e, long feedTimeBefore) {
        String facility = caps.cap("facility", e.getFacilityId());
        String specialty = caps.cap("specialty", e.getSpecialty());
        String setting = e.getSetting().name();
        String mode = e.getCodingMode().name();
        boolean ai = e.getCodingMode() != CodingMode.MANUAL;
        long occurredAt = e.getOccurredAt().toEpochMilli();
        String codedKey = Series.CODED.key(facility, setting, specialty, mode);
        double[] coded = get(codedKey, Series.CODED);
        RoiMonthTotals roi = roiMonth(occurredAt);
        if (e.getRevision() == 1) {
            coded[0] += 1;
            long turnaround = occurredAt - e.getDischargedAt().toEpochMilli();
            String tKey = Series.TURNAROUND.key(facility, setting, mode);
            double[] t = get(tKey, Series.TURNAROUND);
            Series.Buckets.observeMillis(t, Series.Buckets.TURNAROUND, turnaround);
            kpi.put(tKey, t);
            Map<String, Integer> codes = new LinkedHashMap<>();
            for (CodeEntry c : e.getCodes()) {
                codes.merge(Series.FINAL_CODES.key(facility, specialty, c.getSystem().name(), c.getSource().name()), 1, Integer::sum);
            }
            codes.forEach((key, n) -> add(key, 0, n));
            roi.addRevision1Coding(e.getSetting(), ai);
            if (latest(attributions, e.getEncounterId()) == null) {
                Attribution attribution = new Attribution(setting, mode, feedTimeBefore);
                attributions.put(e.getEncounterId(), attribution);
                expiry.add(ATTRIBUTION_TAG, streamTime, e.getEncounterId());
                dnfc.delete(e.getEncounterId());
                resolvePending(e.getEncounterId(), attribution);
            }
        } else {
            coded[1] += 1;
        }
        coded[2] += e.getCodingSeconds();
        kpi.put(codedKey, coded);
        roi.addCodingSeconds(e.getSetting(), e.getCodingSeconds(), ai);
        saveRoi(occurredAt, roi);
    }

    private void reviewed(AiSuggestionReviewed e) {
        String specialty = caps.cap("specialty", e.getSpecialty());
        String decision = e.getDecision().name();
        add(Series.AI_SUGGESTIONS.key(caps.cap("facility", e.getFacilityId()), specialty, e.getCodeSystem().name(),
                caps.cap("model_version", e.getModelVersion()), decision), 0, 1);
        String rKey = Series.AI_REVIEW.key(specialty, decision);
        double[] r = get(rKey, Series.AI_REVIEW);
        Series.Buckets.observe(r, Series.Buckets.AI_REVIEW, e.getReviewSeconds());
        kpi.put(rKey, r);
        add(Series.CODER_AI.key(caps.cap("coder", e.getCoderId()), decision), 0, 1);
    }

    // --- claims ----------------------------------------------------------------------------------

    private void claimEvent(SpecificRecord event, byte[] value) {
        String claimId = claimId(event);
        ClaimState state = latest(claims, claimId);
        if (state != null && state.attribution != null) {
            applyClaimEvent(event, claimId, state);
            return;
        }
        String encounterId = encounterId(event);
        long occurredAt = occurredAt(event);
        long deadline = occurredAt + settings.attributionMaxWaitMs();
        List<PendingClaimEvent> waiting = pending.get(encounterId);
        boolean claimWaiting = waiting != null && waiting.stream().anyMatch(p -> p.claimId().equals(claimId));
        if (!claimWaiting) {
            // decide now if the encounter feed already settles it: the coding came before the wait ran out,
            // or the wait ran out with no coding; the same answer whichever topic was drained first
            Attribution attribution = latest(attributions, encounterId);
            Attribution decided = attribution != null
                    ? (attribution.feedTimeBeforeMs() > deadline ? Attribution.UNKNOWN : attribution)
                    : (encounterStreamTime > deadline ? Attribution.UNKNOWN : null);
            if (decided != null) {
                ClaimState s = state == null ? new ClaimState() : state;
                s.attribution = decided;
                applyClaimEvent(event, claimId, s);
                return;
            }
        }
        List<PendingClaimEvent> list = waiting == null ? new ArrayList<>(2) : new ArrayList<>(waiting);
        list.add(new PendingClaimEvent(claimId, occurredAt, value));
        pending.put(encounterId, list);
        if (waiting == null) {
            deadlines.add(new PendingDeadline(occurredAt + settings.attributionMaxWaitMs(), encounterId));
        }
    }

    private void resolvePending(String encounterId, Attribution attribution) {
        List<PendingClaimEvent> waiting = pending.get(encounterId);
        if (waiting == null) {
            return;
        }
        pending.delete(encounterId);
        replayPending(waiting, attribution);
    }

    /** Applies buffered claim events in their arrival order; a claim decided earlier keeps its attribution. */
    private void replayPending(List<PendingClaimEvent> events, Attribution attribution) {
        for (PendingClaimEvent p : events) {
            ClaimState s = latest(claims, p.claimId());
            if (s == null) {
                s = new ClaimState();
            }
            if (s.attribution == null) {
                s.attribution = attribution;
            }
            applyClaimEvent(codec.decode(p.value()), p.claimId(), s);
        }
    }

    /** Claims whose encounter feed passed their occurred_at by attribution.max.wait are published as unknown. */
    private void giveUpExpiredClaims() {
        while (!deadlines.isEmpty() && deadlines.peek().deadlineMs() < encounterStreamTime) {
            String encounterId = deadlines.poll().encounterId();
            List<PendingClaimEvent> waiting = pending.get(encounterId);
            if (waiting == null) {
                continue;
            }
            Map<String, Long> firstOfClaim = new HashMap<>();
            for (PendingClaimEvent p : waiting) {
                firstOfClaim.putIfAbsent(p.claimId(), p.occurredAtMs());
            }
            List<PendingClaimEvent> expired = new ArrayList<>();
            List<PendingClaimEvent> remaining = new ArrayList<>();
            for (PendingClaimEvent p : waiting) {
                boolean gaveUp = encounterStreamTime - firstOfClaim.get(p.claimId()) > settings.attributionMaxWaitMs();
                (gaveUp ? expired : remaining).add(p);
            }
            if (remaining.isEmpty()) {
                pending.delete(encounterId);
            } else {
                pending.put(encounterId, remaining);
                deadlines.add(new PendingDeadline(earliestDeadline(remaining), encounterId));
            }
            replayPending(expired, Attribution.UNKNOWN);
        }
    }

    private void giveUpAllPending() {
        List<KeyValue<String, List<PendingClaimEvent>>> all = new ArrayList<>();
        try (KeyValueIterator<String, List<PendingClaimEvent>> it = pending.all()) {
            it.forEachRemaining(all::add);
        }
        for (KeyValue<String, List<PendingClaimEvent>> kv : all) {
            pending.delete(kv.key);
            replayPending(kv.value, Attribution.UNKNOWN);
        }
        deadlines.clear();
    }

    private long earliestDeadline(List<PendingClaimEvent> events) {
        long min = Long.MAX_VALUE;
        for (PendingClaimEvent p : events) {
            min = Math.min(min, p.occurredAtMs());
        }
        return min + settings.attributionMaxWaitMs();
    }

    private void applyClaimEvent(SpecificRecord event, String claimId, ClaimState state) {
        String setting = state.attribution.setting();
        String mode = state.attribution.codingMode();
        boolean ai = state.attribution.aiMode();
        long occurredAt = occurredAt(event);
        RoiMonthTotals roi = roiMonth(occurredAt);
        if (event instanceof ClaimDenied d) {
            String facility = caps.cap("facility", d.getFacilityId());
            String payer = caps.cap("payer", d.getPayerId());
            if (state.firstOutcome == ClaimState.NONE) {
                String category = categorizer.categorize(d.getAdjustments(), d.getRemarkCodes());
                long billed = d.getBilledCents();
                String cKey = Series.CLAIMS.key(facility, payer, setting, mode);
                double[] c = get(cKey, Series.CLAIMS);
                c[1] += 1;
                c[2] += billed;
                kpi.put(cKey, c);
                String xKey = Series.DENIED.key(facility, payer, setting, mode, category);
                double[] x = get(xKey, Series.DENIED);
                x[0] += 1;
                x[1] += billed;
                kpi.put(xKey, x);
                state.firstOutcome = ClaimState.DENIED;
                state.denialFacility = facility;
                state.denialPayer = payer;
                state.denialCategory = category;
                roi.addFirstAdjudication(ai, DenialCategorizer.CODING.equals(category));
                saveRoi(occurredAt, roi);
            }
            // a repeated denial counts as nothing more (KPIS.md §1)
        } else {
            ClaimPaid p = (ClaimPaid) event;
            String facility = caps.cap("facility", p.getFacilityId());
            String payer = caps.cap("payer", p.getPayerId());
            long paid = p.getPaidCents();
            String cKey = Series.CLAIMS.key(facility, payer, setting, mode);
            double[] c = get(cKey, Series.CLAIMS);
            c[3] += paid;
            if (state.firstOutcome == ClaimState.NONE) {
                c[0] += 1;
                c[2] += p.getBilledCents();
                state.firstOutcome = ClaimState.PAID;
                roi.addFirstAdjudication(ai, false);
            } else if (state.firstOutcome == ClaimState.DENIED && !state.overturned) {
                state.overturned = true;
                add(Series.OVERTURNED.key(state.denialFacility, state.denialPayer, state.denialCategory), 0, 1);
            }
            kpi.put(cKey, c);
            long millis = occurredAt - p.getSubmittedAt().toEpochMilli();
            String pKey = Series.PAYMENT.key(payer, mode);
            double[] h = get(pKey, Series.PAYMENT);
            Series.Buckets.observeMillis(h, Series.Buckets.PAYMENT, millis);
            kpi.put(pKey, h);
            roi.addPayment(paid, millis, ai);
            saveRoi(occurredAt, roi);
        }
        if (state.touchedMs != streamTime) {
            if (state.touchedMs != Long.MIN_VALUE) {
                expiry.remove(CLAIM_TAG, state.touchedMs, claimId);
            }
            state.touchedMs = streamTime;
            expiry.add(CLAIM_TAG, streamTime, claimId);
        }
        claims.put(claimId, state);
    }

    // --- DNFC retention --------------------------------------------------------------------------

    private void purgeDnfcDaily() {
        // (the first call purges: streamTime - Long.MIN_VALUE would overflow, and the purge never ran)
        if (lastDnfcPurge != Long.MIN_VALUE && streamTime - lastDnfcPurge < DAY_MS) {
            return;
        }
        lastDnfcPurge = streamTime;
        long oldest = streamTime - settings.dnfcRetentionMs();
        List<String> expired = new ArrayList<>();
        try (KeyValueIterator<String, DnfcEntry> it = dnfc.all()) {
            while (it.hasNext()) {
                KeyValue<String, DnfcEntry> kv = it.next();
                if (kv.value.dischargedAtMs() < oldest) {
                    expired.add(kv.key);
                }
            }
        }
        expired.forEach(dnfc::delete);
    }

    // --- state helpers ---------------------------------------------------------------------------

    private boolean isDuplicate(KeyValueStore<String, Long> store, String eventId, long feedClock) {
        Long seenAt = store.get(eventId);
        return seenAt != null && feedClock - seenAt <= settings.dedupeRetentionMs();
    }

    private static char dedupeTag(String feed) {
        return switch (feed) {
            case "encounters" -> 'e';
            case "ai-suggestions" -> 'a';
            default -> 'c';
        };
    }

    /**
     * Deletes what a store keeps beyond its retention, at most once per hour of the clock that
     * drives it: an entry lives between its retention and its retention plus an hour.
     */
    private void purge(String name, char tag, long clock, long retentionMs, KeyValueStore<String, ?> store) {
        Long last = lastPurge.get(name);
        if (last != null && clock - last < PURGE_INTERVAL_MS) {
            return;
        }
        lastPurge.put(name, clock);
        for (String key : expiry.expire(tag, clock - retentionMs)) {
            store.delete(key);
        }
    }

    private static <V> V latest(KeyValueStore<String, V> store, String key) {
        return store.get(key);
    }

    private double[] get(String key, Series s) {
        return series.computeIfAbsent(key, k -> new double[s.slots()]);
    }

    private void add(String key, int slot, double delta) {
        Series s = Series.of(key);
        double[] v = get(key, s);
        v[slot] += delta;
        kpi.put(key, v);
    }

    private double meta(String name, double absent) {
        double[] v = series.get(Series.META.key(name));
        return v == null ? absent : v[0];
    }

    private void setMeta(String name, long value) {
        String key = Series.META.key(name);
        double[] v = get(key, Series.META);
        v[0] = value;
        kpi.put(key, v);
    }

    private RoiMonthTotals roiMonth(long occurredAtMs) {
        return RoiMonthTotals.of(get(Series.ROI_MONTH.key(month(occurredAtMs)), Series.ROI_MONTH));
    }

    private void saveRoi(long occurredAtMs, RoiMonthTotals totals) {
        String key = Series.ROI_MONTH.key(month(occurredAtMs));
        series.put(key, totals.values());   // a version-1 array was widened into a new one by RoiMonthTotals.of
        kpi.put(key, totals.values());
    }

    private String month(long epochMs) {
        long day = Math.floorDiv(epochMs, DAY_MS);
        String m = monthOfDay.get(day);
        if (m == null) {
            LocalDate d = LocalDate.ofEpochDay(day);
            m = String.format("%04d-%02d", d.getYear(), d.getMonthValue());
            if (monthOfDay.size() > 4096) {
                monthOfDay.clear();
            }
            monthOfDay.put(day, m);
        }
        return m;
    }

    // --- event accessors -------------------------------------------------------------------------

    static long occurredAt(SpecificRecord e) {
        return ((java.time.Instant) e.get(1)).toEpochMilli();
    }

    static String eventId(SpecificRecord e) {
        return (String) e.get(0);
    }

    static String encounterId(SpecificRecord e) {
        return (String) e.get(3);
    }

    static String claimId(SpecificRecord e) {
        return e instanceof ClaimDenied d ? d.getClaimId() : ((ClaimPaid) e).getClaimId();
    }
}
