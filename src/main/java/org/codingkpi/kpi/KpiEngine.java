package org.codingkpi.kpi;

import org.apache.avro.specific.SpecificRecord;
import org.codingkpi.events.AiSuggestionReviewed;
import org.codingkpi.events.Adjustment;
import org.codingkpi.events.AdjustmentGroup;
import org.codingkpi.events.ClaimDenied;
import org.codingkpi.events.ClaimFrequency;
import org.codingkpi.events.ClaimPaid;
import org.codingkpi.events.ClaimReversed;
import org.codingkpi.events.ClaimSubmitted;
import org.codingkpi.events.CodeEntry;
import org.codingkpi.events.CodingAudited;
import org.codingkpi.events.InvalidEventException;
import org.codingkpi.events.RejectReason;
import org.codingkpi.events.CodingMode;
import org.codingkpi.events.EncounterCoded;
import org.codingkpi.events.EncounterDischarged;
import org.codingkpi.events.EventType;
import org.codingkpi.roi.RoiMonthTotals;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The KPI rules of one task (shared/spec/KPIS.md §1–§4), without Kafka: every accepted event of
 * the encounters a task owns passes here once, already decoded and validated. One place per rule:
 * <ul>
 *   <li>identity and duplicates: {@link #accept} (per feed, on that feed's clock);</li>
 *   <li>encounters — discharge, coding, rework, turnaround, DNFC: {@link #discharged}, {@link #coded};</li>
 *   <li>AI review: {@link #reviewed};</li>
 *   <li>claims — the attribution policy (buffering and giving up), first adjudication, initial
 *       denial, overturn, payment time: {@link #claimEvent}, {@link #applyClaimEvent};</li>
 *   <li>ROI month sums: {@link RoiMonthTotals}, fed from the same places;</li>
 *   <li>retention: {@link #purge}, each part of an encounter's state on the clock of the feed that owns it.</li>
 * </ul>
 * State: the task's {@link Counters} (KPI series, clocks, admitted labels) and one
 * {@link EncounterRecord} per encounter ({@link Records}); the DNFC index and the attribution
 * deadlines are derived from the records and rebuilt by {@link #load}.
 */
public final class KpiEngine {
    static final String META_STREAM_TIME = "stream_time_ms";
    static final String META_ENCOUNTER_STREAM_TIME = "encounter_stream_time_ms";
    static final String META_CONTROL_MARKERS = "control_markers";
    static final String META_FEED_TIME_PREFIX = "feed_time_ms:";
    /** The clocks' state keys, built once: a clock moves at nearly every event. */
    private static final String STREAM_TIME_KEY = Series.META.key(META_STREAM_TIME);
    private static final String ENCOUNTER_STREAM_TIME_KEY = Series.META.key(META_ENCOUNTER_STREAM_TIME);
    private static final String[] FEED_TIME_KEYS = Arrays.stream(Feed.values())
            .map(f -> Series.META.key(META_FEED_TIME_PREFIX + f.topic())).toArray(String[]::new);
    private static final long DAY_MS = 86_400_000L;

    /** The encounter records of a task. */
    public interface Records {
        EncounterRecord get(String encounterId);

        void put(String encounterId, EncounterRecord record);

        void delete(String encounterId);

        /** Visits every record (committed and changed since). */
        void forEach(BiConsumer<String, EncounterRecord> visitor);

        /**
         * Visits every record for the purge scan, which reads only the parts' times: a store may hand
         * over partial, read-only views ({@link EncounterRecord#decodeTimes}).
         */
        default void forEachTimes(BiConsumer<String, EncounterRecord> visitor) {
            forEach(visitor);
        }
    }

    /** The rules' settings (resolved from the pipeline configuration). */
    public record Settings(long dedupeRetentionMs, long attributionMaxWaitMs, long attributionRetentionMs,
                           long dnfcRetentionMs, long dnfbRetentionMs, long arRetentionMs, long purgeIntervalMs,
                           Map<String, Integer> labelCaps, List<OversightRule> oversightRules) {
    }

    private final Settings settings;
    private final DenialCategorizer categorizer;
    private final Function<byte[], SpecificRecord> decoder;
    private Counters counters;
    private Records records;
    private LabelCaps caps;

    private final double[][] feedClock = new double[Feed.values().length][];
    private double[] streamTime;
    private double[] encounterStreamTime;
    /** Encounters discharged and not final coded, derived from the records. */
    private final Map<String, DnfcEntry> dnfc = new HashMap<>();
    /** Encounters discharged and not final billed, derived from the records. */
    private final Map<String, DnfcEntry> dnfb = new HashMap<>();
    /** Claims open in accounts receivable, by claim id, derived from the records. */
    private final Map<String, ArEntry> ar = new HashMap<>();
    /** The DNFC, DNFB and A/R indexes changed since they were last handed over. */
    private boolean backlogsChanged = true;
    /** Encounters with claims waiting for attribution, by deadline (first waiting claim's start + max wait). */
    private final PriorityQueue<PendingDeadline> deadlines = new PriorityQueue<>();
    private final Map<Long, String> monthOfDay = new HashMap<>();
    private long lastBacklogPurge = Long.MIN_VALUE;
    private long lastPurge = Long.MIN_VALUE;

    private record PendingDeadline(long deadlineMs, String encounterId) implements Comparable<PendingDeadline> {
        @Override
        public int compareTo(PendingDeadline o) {
            return Long.compare(deadlineMs, o.deadlineMs);
        }
    }

    /** @param decoder decodes the original bytes of a buffered claim event */
    public KpiEngine(Settings settings, DenialCategorizer categorizer, Function<byte[], SpecificRecord> decoder) {
        this.settings = settings;
        this.categorizer = categorizer;
        this.decoder = decoder;
    }

    /**
     * (Re)starts on a task's state: the counters as committed and every record; the derived indexes
     * are rebuilt from them.
     */
    public void load(Counters counters, Iterable<String> counterKeys, Records records) {
        this.counters = counters;
        this.records = records;
        dnfc.clear();
        dnfb.clear();
        ar.clear();
        backlogsChanged = true;
        deadlines.clear();
        lastBacklogPurge = Long.MIN_VALUE;
        lastPurge = Long.MIN_VALUE;
        streamTime = meta(STREAM_TIME_KEY);
        encounterStreamTime = meta(ENCOUNTER_STREAM_TIME_KEY);
        for (Feed f : Feed.values()) {
            feedClock[f.ordinal()] = meta(FEED_TIME_KEYS[f.ordinal()]);
        }
        caps = new LabelCaps(counters, settings.labelCaps(), counterKeys);
        markAllRoiChanged(counterKeys);
        records.forEach((id, r) -> {
            if (r.dnfc != null && !aged(r.dnfc.dischargedAtMs(), settings.dnfcRetentionMs())) {
                dnfc.put(id, r.dnfc);
            }
            if (r.dnfb != null && !aged(r.dnfb.dischargedAtMs(), settings.dnfbRetentionMs())) {
                dnfb.put(id, r.dnfb);
            }
            r.claims.forEach((claimId, c) -> {
                if (c.openInAr() && !aged(c.submittedAtMs, settings.arRetentionMs())) {
                    ar.put(claimId, arEntry(c));
                }
            });
            if (!r.pending.isEmpty()) {
                deadlines.add(new PendingDeadline(earliestDeadline(r.pending), id));
            }
        });
    }

    /** Clock metadata: one counter entry each, created at {@link Long#MIN_VALUE} (no event yet). */
    private double[] meta(String key) {
        double[] v = counters.peek(key);
        if (v == null) {
            v = counters.values(key, 1);
            v[0] = Long.MIN_VALUE;
            counters.changed(key);
        }
        return v;
    }

    public long streamTime() {
        return (long) streamTime[0];
    }

    private long clock(Feed feed) {
        return (long) feedClock[feed.ordinal()][0];
    }

    private void setClock(double[] clock, long value, String key) {
        clock[0] = value;
        counters.changed(key);
    }

    /** True when a time lies more than {@code retentionMs} of stream time in the past. */
    private boolean aged(long atMs, long retentionMs) {
        return streamTime() != Long.MIN_VALUE && streamTime() - atMs > retentionMs;
    }

    /** The backlogs of this task, as the exporter ages them: DNFC and DNFB encounters, claims open in A/R. */
    public record Backlogs(List<DnfcEntry> dnfc, List<DnfcEntry> dnfb, List<ArEntry> ar) {
        public static final Backlogs EMPTY = new Backlogs(List.of(), List.of(), List.of());
    }

    /** Whether the backlogs changed since they were last handed over. */
    public boolean backlogsChanged() {
        return backlogsChanged;
    }

    /** Entries in the backlogs (DNFC, DNFB and A/R together). */
    public int backlogEntries() {
        return dnfc.size() + dnfb.size() + ar.size();
    }

    /** A copy of the backlogs when they changed since the last call, else null. */
    public Backlogs backlogsIfChanged() {
        if (!backlogsChanged) {
            return null;
        }
        backlogsChanged = false;
        return new Backlogs(List.copyOf(dnfc.values()), List.copyOf(dnfb.values()), List.copyOf(ar.values()));
    }

    private static ArEntry arEntry(ClaimState c) {
        return new ArEntry(c.submittedAtMs, c.latestBilledCents, c.submittedFacility, c.submittedPayer);
    }

    // --- control ---------------------------------------------------------------------------------

    /** The end-of-history marker of a replay: every claim still waiting is published as unknown. */
    public void endOfHistory() {
        List<String> waiting = new ArrayList<>();
        records.forEach((id, r) -> {
            if (!r.pending.isEmpty()) {
                waiting.add(id);
            }
        });
        for (String id : waiting) {
            EncounterRecord r = records.get(id);
            List<PendingClaimEvent> events = new ArrayList<>(r.pending);
            r.pending.clear();
            replayPending(r, events, Attribution.UNKNOWN);
            records.put(id, r);
        }
        deadlines.clear();
    }

    public void controlMarker() {
        counters.add(Series.META.key(META_CONTROL_MARKERS), 0, 1);
    }

    // --- identity and duplicates -----------------------------------------------------------------

    /**
     * Applies one valid event. A duplicate (its event id already accepted from the same feed within
     * {@code dedupe.retention} of that feed's clock) is counted as such and changes nothing else.
     *
     * @param raw the event's original bytes (kept while a claim waits for attribution)
     * @return false for a duplicate
     */
    public boolean accept(SpecificRecord event, EventType type, byte[] raw) {
        Feed feed = Feed.of(type);
        String encounterId = EventType.encounterId(event);
        String eventId = (String) event.get(0);
        long occurredAt = EventType.occurredAtMs(event);
        EncounterRecord record = records.get(encounterId);
        if (record == null) {
            record = new EncounterRecord();
        }
        if (event instanceof CodingAudited a && !record.revisions.contains(a.getRevision())) {
            // nothing changed yet: the record goes to the dead-letter topic with the reason
            throw new InvalidEventException(RejectReason.INVALID_REVISION,
                    "CodingAudited names revision " + a.getRevision() + ", which no EncounterCoded of its encounter has had");
        }
        long clockBefore = clock(feed);
        for (EncounterRecord.Seen s : record.seen) {
            if (s.feed() == feed && s.eventId().equals(eventId) && clockBefore - s.atMs() <= settings.dedupeRetentionMs()) {
                counters.add(Series.EVENTS.key(type.name()), 1, 1);
                return false;
            }
        }
        if (occurredAt > streamTime()) {
            setClock(streamTime, occurredAt, STREAM_TIME_KEY);
        }
        if (occurredAt > clockBefore) {
            setClock(feedClock[feed.ordinal()], occurredAt, FEED_TIME_KEYS[feed.ordinal()]);
        }
        long clockNow = clock(feed);
        record.seen.removeIf(s -> s.feed() == feed && clockNow - s.atMs() > settings.dedupeRetentionMs());
        record.seen.add(new EncounterRecord.Seen(feed, eventId, clockNow));
        counters.add(Series.EVENTS.key(type.name()), 0, 1);
        switch (type) {
            case EncounterDischarged -> discharged((EncounterDischarged) event, record);
            case EncounterCoded -> coded((EncounterCoded) event, record, (long) encounterStreamTime[0]);
            case AiSuggestionReviewed -> reviewed((AiSuggestionReviewed) event);
            case CodingAudited -> audited((CodingAudited) event);
            case ClaimDenied, ClaimPaid, ClaimSubmitted, ClaimReversed -> claimEvent(event, type, raw, encounterId, record);
        }
        records.put(encounterId, record);
        if (type == EventType.EncounterDischarged || type == EventType.EncounterCoded) {
            if (occurredAt > encounterStreamTime[0]) {
                setClock(encounterStreamTime, occurredAt, ENCOUNTER_STREAM_TIME_KEY);
                giveUpExpiredClaims();
            }
        }
        purgeBacklogs();
        purge();
        return true;
    }

    // --- encounters ------------------------------------------------------------------------------

    /** The attribution of an encounter, unless expired on the encounter feed's clock. */
    private Attribution liveAttribution(EncounterRecord r) {
        if (r.attribution != null && clock(Feed.ENCOUNTERS) - r.attributedAtMs > settings.attributionRetentionMs()) {
            r.attribution = null;
            r.attributedAtMs = Long.MIN_VALUE;
        }
        return r.attribution;
    }

    private void discharged(EncounterDischarged e, EncounterRecord r) {
        String facility = caps.cap("facility", e.getFacilityId());
        String setting = e.getSetting().name();
        counters.add(Series.DISCHARGED.key(facility, setting, caps.cap("specialty", e.getSpecialty())), 0, 1);
        DnfcEntry discharge = new DnfcEntry(e.getOccurredAt().toEpochMilli(), e.getExpectedChargeCents(), facility, setting);
        if (liveAttribution(r) == null) {
            r.dnfc = discharge;
            dnfc.put(e.getEncounterId(), r.dnfc);
            backlogsChanged = true;
        }
        if (!r.billed) {
            // KPIS.md §3b: discharged, and no claim event of the encounter but a VOID ClaimSubmitted so far
            r.dnfb = discharge;
            dnfb.put(e.getEncounterId(), r.dnfb);
            backlogsChanged = true;
        }
    }

    private void coded(EncounterCoded e, EncounterRecord r, long feedTimeBefore) {
        String facility = caps.cap("facility", e.getFacilityId());
        String specialty = caps.cap("specialty", e.getSpecialty());
        String setting = e.getSetting().name();
        String mode = e.getCodingMode().name();
        boolean ai = e.getCodingMode() != CodingMode.MANUAL;
        long occurredAt = e.getOccurredAt().toEpochMilli();
        String codedKey = Series.CODED.key(facility, setting, specialty, mode);
        double[] coded = counters.values(codedKey, Series.CODED.slots());
        String roiKey = roiKey(occurredAt);
        RoiMonthTotals roi = roi(roiKey);
        if (!r.revisions.contains(e.getRevision())) {
            r.revisions.add(e.getRevision());
        }
        if (e.getRevision() == 1) {
            coded[0] += 1;
            long turnaround = occurredAt - e.getDischargedAt().toEpochMilli();
            String tKey = Series.TURNAROUND.key(facility, setting, mode);
            Series.Buckets.observeMillis(counters.values(tKey, Series.TURNAROUND.slots()), Series.Buckets.TURNAROUND, turnaround);
            counters.changed(tKey);
            Map<String, Integer> codes = new LinkedHashMap<>();
            for (CodeEntry c : e.getCodes()) {
                codes.merge(Series.FINAL_CODES.key(facility, specialty, c.getSystem().name(), c.getSource().name()), 1, Integer::sum);
            }
            codes.forEach((key, n) -> counters.add(key, 0, n));
            if (e.getCodingMode() == CodingMode.AI_ASSISTED) {
                aiAssistedCodes(e, facility, specialty);
            } else if (e.getCodingMode() == CodingMode.AUTONOMOUS) {
                oversight(e, facility, setting, specialty);
            }
            roi.addRevision1Coding(e.getSetting(), ai);
            if (liveAttribution(r) == null) {
                Attribution attribution = new Attribution(setting, mode, feedTimeBefore, e.getDischargedAt().toEpochMilli());
                r.attribution = attribution;
                r.attributedAtMs = clock(Feed.ENCOUNTERS);
                r.dnfc = null;
                if (dnfc.remove(e.getEncounterId()) != null) {
                    backlogsChanged = true;
                }
                if (!r.pending.isEmpty()) {
                    List<PendingClaimEvent> waiting = new ArrayList<>(r.pending);
                    r.pending.clear();
                    replayPending(r, waiting, attribution);
                }
            }
        } else {
            coded[1] += 1;
        }
        coded[2] += e.getCodingSeconds();
        counters.changed(codedKey);
        roi.addCodingSeconds(e.getSetting(), e.getCodingSeconds(), ai);
        roiChanged(roiKey);
    }

    /** KPIS.md §5 v2: the codes of an AI-assisted first coding by source; a MANUAL one is a code the AI missed. */
    private void aiAssistedCodes(EncounterCoded e, String facility, String specialty) {
        String model = caps.cap("model_version", e.getModelVersion() == null ? "unknown" : e.getModelVersion());
        Map<String, Integer> codes = new LinkedHashMap<>();
        for (CodeEntry c : e.getCodes()) {
            codes.merge(Series.AI_ASSISTED_CODES.key(facility, specialty, model, c.getSystem().name(), c.getSource().name()), 1, Integer::sum);
        }
        codes.forEach((key, n) -> counters.add(key, 0, n));
    }

    /** KPIS.md §5 v2: an autonomous first coding that a mandatory-review rule forbids; one count per rule matched. */
    private void oversight(EncounterCoded e, String facility, String setting, String specialty) {
        for (OversightRule rule : settings.oversightRules()) {
            if (rule.matches(setting, e.getSpecialty(), e.getChargeCents())) {
                counters.add(Series.OVERSIGHT.key(facility, setting, rule.name()), 0, 1);
            }
        }
    }

    /** The rules an autonomous first coding breaks (for the audit finding raised with it). */
    public List<OversightRule> breaches(EncounterCoded e) {
        if (e.getRevision() != 1 || e.getCodingMode() != CodingMode.AUTONOMOUS) {
            return List.of();
        }
        List<OversightRule> out = new ArrayList<>();
        for (OversightRule rule : settings.oversightRules()) {
            if (rule.matches(e.getSetting().name(), e.getSpecialty(), e.getChargeCents())) {
                out.add(rule);
            }
        }
        return out;
    }

    // --- QA audits -------------------------------------------------------------------------------

    private void audited(CodingAudited a) {
        String facility = caps.cap("facility", a.getFacilityId());
        String specialty = caps.cap("specialty", a.getSpecialty());
        String mode = a.getCodingMode().name();
        counters.add(Series.QA_AUDITS.key(facility, specialty, mode, a.getVerdict().name()), 0, 1);
        long impact = a.getDollarImpactCents();
        if (impact != 0) {
            counters.add(Series.QA_DOLLARS.key(facility, specialty, mode, impact > 0 ? "under" : "over"), 0, Math.abs(impact));
        }
    }

    // --- AI review -------------------------------------------------------------------------------

    private void reviewed(AiSuggestionReviewed e) {
        String specialty = caps.cap("specialty", e.getSpecialty());
        String decision = e.getDecision().name();
        counters.add(Series.AI_SUGGESTIONS.key(caps.cap("facility", e.getFacilityId()), specialty, e.getCodeSystem().name(),
                caps.cap("model_version", e.getModelVersion()), decision), 0, 1);
        String rKey = Series.AI_REVIEW.key(specialty, decision);
        Series.Buckets.observe(counters.values(rKey, Series.AI_REVIEW.slots()), Series.Buckets.AI_REVIEW, e.getReviewSeconds());
        counters.changed(rKey);
        counters.add(Series.CODER_AI.key(caps.cap("coder", e.getCoderId()), decision), 0, 1);
    }

    // --- claims: the attribution policy ----------------------------------------------------------

    /** A claim's state, unless it expired on the claims feed's clock. */
    private ClaimState liveClaim(EncounterRecord r, String claimId) {
        ClaimState s = r.claims.get(claimId);
        if (s != null && clock(Feed.CLAIMS) - s.touchedMs > settings.attributionRetentionMs()) {
            r.claims.remove(claimId);
            return null;
        }
        return s;
    }

    /**
     * A claim event as it arrives, in the claims topic's order: first what does not depend on the
     * attribution (the encounter is billed, the claim's accounts receivable, the submission time of
     * a payment), then KPIS.md §1's attribution policy: a claim takes the attribution of its
     * encounter's first revision-1 coding, decided at once when the encounter feed already settles
     * it (the coding came before the wait ran out, or the wait ran out with no coding), otherwise
     * the event waits in the encounter's record.
     */
    private void claimEvent(SpecificRecord event, EventType type, byte[] raw, String encounterId, EncounterRecord r) {
        String claimId = claimId(event);
        ClaimState state = liveClaim(r, claimId);
        if (state == null) {
            state = new ClaimState();
            r.claims.put(claimId, state);
        }
        state.touchedMs = clock(Feed.CLAIMS);
        billed(event, encounterId, r);
        long submittedAt = receivable(event, claimId, state);
        if (state.attribution != null) {
            applyClaimEvent(event, claimId, state, submittedAt);
            return;
        }
        long occurredAt = EventType.occurredAtMs(event);
        long deadline = occurredAt + settings.attributionMaxWaitMs();
        boolean claimWaiting = r.pending.stream().anyMatch(p -> p.claimId().equals(claimId));
        if (!claimWaiting) {
            Attribution attribution = liveAttribution(r);
            Attribution decided = attribution != null
                    ? (attribution.feedTimeBeforeMs() > deadline ? Attribution.UNKNOWN : attribution)
                    : (encounterStreamTime[0] > deadline ? Attribution.UNKNOWN : null);
            if (decided != null) {
                state.attribution = decided;
                applyClaimEvent(event, claimId, state, submittedAt);
                return;
            }
        }
        boolean first = r.pending.isEmpty();
        r.pending.add(new PendingClaimEvent(claimId, occurredAt, raw, submittedAt));
        if (first) {
            deadlines.add(new PendingDeadline(deadline, encounterId));
        }
    }

    /** KPIS.md §3b: any claim event but a VOID ClaimSubmitted proves a bill: the encounter leaves DNFB for good. */
    private void billed(SpecificRecord event, String encounterId, EncounterRecord r) {
        boolean voidSubmission = event instanceof ClaimSubmitted s && s.getFrequency() == ClaimFrequency.VOID;
        if (!voidSubmission && !r.billed) {
            r.billed = true;
            r.dnfb = null;
            if (dnfb.remove(encounterId) != null) {
                backlogsChanged = true;
            }
        }
    }

    /**
     * Accounts receivable (KPIS.md §3b), in the claims topic's order whatever the attribution: a
     * claim is open from its first non-VOID submission until a VOID, or while its latest ClaimPaid
     * or ClaimReversed is not a payment. Returns the submission time of a ClaimPaid (its
     * submitted_at, else the first non-VOID submission seen before it; MIN_VALUE when unknown or
     * later than the payment).
     */
    private long receivable(SpecificRecord event, String claimId, ClaimState c) {
        long submittedAt = Long.MIN_VALUE;
        if (event instanceof ClaimSubmitted s) {
            if (s.getFrequency() == ClaimFrequency.VOID) {
                c.voided = true;
            } else {
                if (c.submittedAtMs == Long.MIN_VALUE) {
                    c.submittedAtMs = s.getOccurredAt().toEpochMilli();
                    c.submittedFacility = caps.cap("facility", s.getFacilityId());
                    c.submittedPayer = caps.cap("payer", s.getPayerId());
                }
                c.latestBilledCents = s.getBilledCents();
            }
        } else if (event instanceof ClaimPaid p) {
            c.lastRemittance = ClaimState.LAST_PAID;
            long occurredAt = p.getOccurredAt().toEpochMilli();
            if (p.getSubmittedAt() != null) {
                submittedAt = p.getSubmittedAt().toEpochMilli();
            } else if (c.submittedAtMs != Long.MIN_VALUE && c.submittedAtMs <= occurredAt) {
                submittedAt = c.submittedAtMs;
            }
        } else if (event instanceof ClaimReversed) {
            c.lastRemittance = ClaimState.LAST_REVERSED;
        }
        boolean open = c.openInAr();
        boolean changed = open ? !arEntry(c).equals(ar.put(claimId, arEntry(c))) : ar.remove(claimId) != null;
        backlogsChanged |= changed;
        return submittedAt;
    }

    /** Applies buffered claim events in their arrival order; a claim decided earlier keeps its attribution. */
    private void replayPending(EncounterRecord r, List<PendingClaimEvent> events, Attribution attribution) {
        for (PendingClaimEvent p : events) {
            ClaimState s = r.claims.get(p.claimId());
            if (s == null) {
                s = new ClaimState();
                s.touchedMs = clock(Feed.CLAIMS);
                r.claims.put(p.claimId(), s);
            }
            if (s.attribution == null) {
                s.attribution = attribution;
            }
            applyClaimEvent(decoder.apply(p.value()), p.claimId(), s, p.submittedAtMs());
        }
    }

    /** Claims whose encounter feed passed their start by attribution.max.wait are published as unknown. */
    private void giveUpExpiredClaims() {
        long now = (long) encounterStreamTime[0];
        while (!deadlines.isEmpty() && deadlines.peek().deadlineMs() < now) {
            String encounterId = deadlines.poll().encounterId();
            EncounterRecord r = records.get(encounterId);
            if (r == null || r.pending.isEmpty()) {
                continue;
            }
            Map<String, Long> firstOfClaim = new HashMap<>();
            for (PendingClaimEvent p : r.pending) {
                firstOfClaim.putIfAbsent(p.claimId(), p.occurredAtMs());
            }
            List<PendingClaimEvent> expired = new ArrayList<>();
            List<PendingClaimEvent> remaining = new ArrayList<>();
            for (PendingClaimEvent p : r.pending) {
                boolean gaveUp = now - firstOfClaim.get(p.claimId()) > settings.attributionMaxWaitMs();
                (gaveUp ? expired : remaining).add(p);
            }
            r.pending.clear();
            r.pending.addAll(remaining);
            if (!remaining.isEmpty()) {
                deadlines.add(new PendingDeadline(earliestDeadline(remaining), encounterId));
            }
            replayPending(r, expired, Attribution.UNKNOWN);
            records.put(encounterId, r);
        }
    }

    private long earliestDeadline(List<PendingClaimEvent> events) {
        long min = Long.MAX_VALUE;
        for (PendingClaimEvent p : events) {
            min = Math.min(min, p.occurredAtMs());
        }
        return min + settings.attributionMaxWaitMs();
    }

    // --- claims: adjudication --------------------------------------------------------------------

    /**
     * The counters of one claim event under its claim's attribution. First adjudication decides
     * initial denial vs first-pass payment; a later payment of an initially denied claim is its
     * overturn (once), with its resolution time; every payment counts its dollars and, when its
     * submission time is known, its time to payment and its cash benefit; a repeated denial counts
     * as nothing more (KPIS.md §1, §3); submissions (with the bill lag of the first) and reversals
     * count as what they are (§3b).
     */
    private void applyClaimEvent(SpecificRecord event, String claimId, ClaimState state, long submittedAtMs) {
        String setting = state.attribution.setting();
        String mode = state.attribution.codingMode();
        boolean ai = state.attribution.aiMode();
        long occurredAt = EventType.occurredAtMs(event);
        if (event instanceof ClaimDenied d) {
            String facility = caps.cap("facility", d.getFacilityId());
            String payer = caps.cap("payer", d.getPayerId());
            if (state.firstOutcome == ClaimState.NONE) {
                String category = categorizer.categorize(d.getAdjustments(), d.getRemarkCodes());
                long billed = d.getBilledCents();
                String cKey = Series.CLAIMS.key(facility, payer, setting, mode);
                double[] c = counters.values(cKey, Series.CLAIMS.slots());
                c[1] += 1;
                c[2] += billed;
                counters.changed(cKey);
                String xKey = Series.DENIED.key(facility, payer, setting, mode, category);
                double[] x = counters.values(xKey, Series.DENIED.slots());
                x[0] += 1;
                x[1] += billed;
                counters.changed(xKey);
                state.firstOutcome = ClaimState.DENIED;
                state.denialFacility = facility;
                state.denialPayer = payer;
                state.denialCategory = category;
                state.denialAtMs = occurredAt;
                denialReasons(d, payer);
                String roiKey = roiKey(occurredAt);
                roi(roiKey).addFirstAdjudication(ai, DenialCategorizer.CODING.equals(category));
                roiChanged(roiKey);
            }
        } else if (event instanceof ClaimPaid p) {
            String facility = caps.cap("facility", p.getFacilityId());
            String payer = caps.cap("payer", p.getPayerId());
            long paid = p.getPaidCents();
            String cKey = Series.CLAIMS.key(facility, payer, setting, mode);
            double[] c = counters.values(cKey, Series.CLAIMS.slots());
            c[3] += paid;
            String roiKey = roiKey(occurredAt);
            RoiMonthTotals roi = roi(roiKey);
            if (state.firstOutcome == ClaimState.NONE) {
                c[0] += 1;
                c[2] += p.getBilledCents();
                state.firstOutcome = ClaimState.PAID;
                roi.addFirstAdjudication(ai, false);
            } else if (state.firstOutcome == ClaimState.DENIED && !state.overturned) {
                state.overturned = true;
                counters.add(Series.OVERTURNED.key(state.denialFacility, state.denialPayer, state.denialCategory), 0, 1);
                String hKey = Series.RESOLUTION.key(state.denialPayer, state.denialCategory);
                Series.Buckets.observeMillis(counters.values(hKey, Series.RESOLUTION.slots()), Series.Buckets.RESOLUTION,
                        occurredAt - state.denialAtMs);
                counters.changed(hKey);
            }
            counters.changed(cKey);
            if (submittedAtMs != Long.MIN_VALUE) {
                long millis = occurredAt - submittedAtMs;
                String pKey = Series.PAYMENT.key(payer, mode);
                Series.Buckets.observeMillis(counters.values(pKey, Series.PAYMENT.slots()), Series.Buckets.PAYMENT, millis);
                counters.changed(pKey);
                roi.addPayment(paid, millis, ai);
            } else {
                // EVENTS.md v2: counted everywhere but in the time to payment and in the cash figures
                counters.add(Series.PAYMENT_UNKNOWN.key(payer), 0, 1);
            }
            roiChanged(roiKey);
        } else if (event instanceof ClaimSubmitted s) {
            String facility = caps.cap("facility", s.getFacilityId());
            String payer = caps.cap("payer", s.getPayerId());
            counters.add(Series.SUBMITTED.key(facility, payer, setting, mode, s.getFrequency().name()), 0, 1);
            if (s.getFrequency() == ClaimFrequency.ORIGINAL) {
                counters.add(Series.CLAIMS.key(facility, payer, setting, mode), 4, s.getBilledCents());
            }
            if (s.getFrequency() != ClaimFrequency.VOID && !state.billLagDone) {
                state.billLagDone = true;
                if (state.attribution.known()) {
                    String gKey = Series.BILL_LAG.key(facility, setting);
                    Series.Buckets.observeMillis(counters.values(gKey, Series.BILL_LAG.slots()), Series.Buckets.BILL_LAG,
                            occurredAt - state.attribution.dischargedAtMs());
                    counters.changed(gKey);
                }
            }
        } else if (event instanceof ClaimReversed v) {
            String facility = caps.cap("facility", v.getFacilityId());
            String payer = caps.cap("payer", v.getPayerId());
            String cKey = Series.CLAIMS.key(facility, payer, setting, mode);
            double[] c = counters.values(cKey, Series.CLAIMS.slots());
            c[5] += 1;
            c[6] += v.getReversedCents();
            counters.changed(cKey);
        }
    }

    /** KPIS.md §3b: every CO, OA or PI adjustment of an initial denial, one per entry, by CARC. */
    private void denialReasons(ClaimDenied d, String payer) {
        for (Adjustment a : d.getAdjustments()) {
            AdjustmentGroup g = a.getGroup();
            if (g == AdjustmentGroup.CO || g == AdjustmentGroup.OA || g == AdjustmentGroup.PI) {
                String key = Series.DENIAL_REASONS.key(payer, g.name(), caps.cap("carc", a.getReason()));
                double[] v = counters.values(key, Series.DENIAL_REASONS.slots());
                v[0] += 1;
                v[1] += a.getAmountCents();
                counters.changed(key);
            }
        }
    }

    // --- retention -------------------------------------------------------------------------------

    /**
     * DNFC and DNFB encounters and A/R claims past their retention of stream time leave the
     * indexes, once a day of stream time or once per purge interval if longer (the exporter leaves
     * them out exactly in between).
     */
    private void purgeBacklogs() {
        long now = streamTime();
        if (lastBacklogPurge != Long.MIN_VALUE && now - lastBacklogPurge < Math.max(DAY_MS, settings.purgeIntervalMs())) {
            return;
        }
        lastBacklogPurge = now;
        backlogsChanged |= dnfc.values().removeIf(e -> aged(e.dischargedAtMs(), settings.dnfcRetentionMs()))
                | dnfb.values().removeIf(e -> aged(e.dischargedAtMs(), settings.dnfbRetentionMs()))
                | ar.values().removeIf(e -> aged(e.submittedAtMs(), settings.arRetentionMs()));
    }

    /**
     * Deletes the records whose every part has expired, once per {@code purgeInterval} of stream
     * time: seen ids after dedupe.retention of their feed's clock, the attribution after
     * attribution.retention of the encounter feed's clock, a claim after attribution.retention of
     * the claims feed's clock since its last event, the DNFC mark after dnfc.retention. Parts expire
     * exactly when they are read (the checks above); this only reclaims the space.
     */
    private void purge() {
        long now = streamTime();
        if (lastPurge == Long.MIN_VALUE) {
            lastPurge = now;
            return;
        }
        if (now - lastPurge < settings.purgeIntervalMs()) {
            return;
        }
        lastPurge = now;
        List<String> expired = new ArrayList<>();
        records.forEachTimes((id, r) -> {
            if (r.pending.isEmpty() && expired(r)) {
                expired.add(id);
            }
        });
        expired.forEach(records::delete);
    }

    private boolean expired(EncounterRecord r) {
        for (EncounterRecord.Seen s : r.seen) {
            if (clock(s.feed()) - s.atMs() <= settings.dedupeRetentionMs()) {
                return false;
            }
        }
        if (r.dnfc != null && !aged(r.dnfc.dischargedAtMs(), settings.dnfcRetentionMs())) {
            return false;
        }
        if (r.dnfb != null && !aged(r.dnfb.dischargedAtMs(), settings.dnfbRetentionMs())) {
            return false;
        }
        if (r.attribution != null && clock(Feed.ENCOUNTERS) - r.attributedAtMs <= settings.attributionRetentionMs()) {
            return false;
        }
        for (ClaimState c : r.claims.values()) {
            if (clock(Feed.CLAIMS) - c.touchedMs <= settings.attributionRetentionMs()
                    || c.openInAr() && !aged(c.submittedAtMs, settings.arRetentionMs())) {
                return false;
            }
        }
        return true;
    }

    // --- ROI month sums --------------------------------------------------------------------------

    private String roiKey(long epochMs) {
        long day = Math.floorDiv(epochMs, DAY_MS);
        String m = monthOfDay.get(day);
        if (m == null) {
            LocalDate d = LocalDate.ofEpochDay(day);
            m = Series.ROI_MONTH.key(String.format("%04d-%02d", d.getYear(), d.getMonthValue()));
            if (monthOfDay.size() > 4096) {
                monthOfDay.clear();
            }
            monthOfDay.put(day, m);
        }
        return m;
    }

    /** ROI month keys changed since {@link #drainRoiChanges} last ran. */
    private final java.util.Set<String> roiChanged = new java.util.TreeSet<>();
    private long roiStreamTimeSent = Long.MIN_VALUE;

    private void roiChanged(String key) {
        counters.changed(key);
        roiChanged.add(key);
    }

    /**
     * Hands over the ROI month sums changed since the last call (month label, values) and the task's
     * stream time when it moved: they are written to the ROI topic, from which every instance reads
     * the month sums of the whole pipeline (ROI.md version 2).
     */
    public void drainRoiChanges(BiConsumer<String, double[]> months, java.util.function.LongConsumer streamTimeMoved) {
        for (String key : roiChanged) {
            double[] v = counters.peek(key);
            if (v != null) {
                months.accept(Series.labels(key)[0], v.clone());
            }
        }
        roiChanged.clear();
        if (streamTime() != roiStreamTimeSent && streamTime() != Long.MIN_VALUE) {
            roiStreamTimeSent = streamTime();
            streamTimeMoved.accept(roiStreamTimeSent);
        }
    }

    /** After a (re)load: every month is handed over again (the ROI topic holds totals: idempotent). */
    private void markAllRoiChanged(Iterable<String> counterKeys) {
        roiChanged.clear();
        roiStreamTimeSent = Long.MIN_VALUE;
        for (String key : counterKeys) {
            if (Series.of(key) == Series.ROI_MONTH) {
                roiChanged.add(key);
            }
        }
    }

    private RoiMonthTotals roi(String key) {
        return RoiMonthTotals.of(counters.values(key, Series.ROI_MONTH.slots()));
    }

    // --- event accessors -------------------------------------------------------------------------

    static String claimId(SpecificRecord e) {
        return (String) e.get(e.getSchema().getField("claim_id").pos());
    }
}
