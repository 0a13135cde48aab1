package org.codingkpi.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.codingkpi.events.Adjustment;
import org.codingkpi.events.AdjustmentGroup;
import org.codingkpi.events.AiSuggestionReviewed;
import org.codingkpi.events.ClaimDenied;
import org.codingkpi.events.ClaimPaid;
import org.codingkpi.events.AuditVerdict;
import org.codingkpi.events.ClaimFrequency;
import org.codingkpi.events.ClaimReversed;
import org.codingkpi.events.ClaimSubmitted;
import org.codingkpi.events.CodingAudited;
import org.codingkpi.events.CodeEntry;
import org.codingkpi.events.CodeSource;
import org.codingkpi.events.CodeSystem;
import org.codingkpi.events.CodingMode;
import org.codingkpi.events.Decision;
import org.codingkpi.events.EncounterCoded;
import org.codingkpi.events.EncounterDischarged;
import org.codingkpi.events.EventType;
import org.codingkpi.events.JsonEvents;
import org.codingkpi.events.RejectReason;
import org.codingkpi.events.Setting;

/**
 * A seeded simulation of a hospital coding department and its payers, delivered as the three
 * upstream feeds of shared/spec/EVENTS.md, in delivery order.
 *
 * <p>Per encounter: {@code EncounterDischarged}; for AI-assisted coding, one
 * {@code AiSuggestionReviewed} per suggested code (accepted, modified or rejected) during the coding
 * session; {@code EncounterCoded} revision 1 hours to days later; sometimes a pre-bill recoding;
 * one or two claims submitted after the final coding, each paid or denied (CARC/RARC adjustments)
 * 7-60 days later; some denials appealed, with a recoding for coding denials, and paid or denied
 * again. Coding is MANUAL before the AI go-live, then a pilot (two specialties), an expansion and
 * a steady state (mostly AI_ASSISTED, a share of professional E/M visits AUTONOMOUS).
 *
 * <p>Lazy and bounded: the simulation is a discrete-event queue ordered by time. An encounter in
 * flight keeps one small state object and one or two queue entries (its next step, its claims'
 * next steps); records are built when their step fires. The queue size therefore depends on the
 * encounters per day and the length of an encounter's life (about 4 months at most), never on
 * the number of days simulated. Events are delivered at their {@code occurred_at}, or later when
 * late; each key keeps its order within its topic (a late event holds back the later events of
 * the same key), as the upstream systems do.
 *
 * <p>Deterministic: all randomness comes from {@link SplittableRandom}s split from the seed (one
 * per encounter, one for arrivals, one for the messy-feed effects) and from {@link StrictMath};
 * ties are broken by insertion order. The wall clock is never read. The messy effects draw from
 * their own generator, so a messy run carries exactly the events of the clean run with the same
 * seed, plus duplicates and invalid lines, some delivered late.
 *
 * <p>Not thread-safe; one consumer.
 */
public final class Simulator implements Iterator<SimEvent> {

    private static final long MINUTE = 60_000L;
    private static final long HOUR = 3_600_000L;
    private static final long DAY = 86_400_000L;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Relative discharge intensity by hour of day (UTC taken as local time). */
    private static final double[] HOURLY = normalise(new double[] {0.30, 0.25, 0.20, 0.20, 0.25, 0.40, 0.70, 1.10,
            1.50, 1.70, 1.80, 1.80, 1.70, 1.70, 1.60, 1.50, 1.30, 1.10, 0.90, 0.70, 0.60, 0.50, 0.40, 0.35});
    private static final double WEEKDAY = 1.16;
    private static final double WEEKEND = 0.60;

    private static final int K_DELIVER = 0;
    private static final int K_ARRIVAL = 1;
    private static final int K_SUGGESTION = 2;
    private static final int K_CODED = 3;
    private static final int K_ADJUDICATE = 4;
    private static final int K_RECODE = 5;
    private static final int K_APPEAL_RESULT = 6;
    private static final int K_REVERSE = 7;
    private static final int K_AUDIT = 8;
    /** Version 2: claims leave the billing system in a daily batch at this hour (UTC). */
    private static final long BATCH_HOUR = 18;

    /** Payload of a pre-bill recoding step: the claims go out after it. */
    private static final Object PREBILL = new Object();

    private final SimulatorConfig config;
    private final long startMs;
    private final long endMs;
    private final long goLiveMs;
    private final long expansionMs;
    private final long steadyMs;
    private final SplittableRandom arrivals;
    private final SplittableRandom messy;
    private final double lambdaMax;
    private final double[] facilityWeights;
    private final String[] facilityIds;
    private final String[] coderIds;
    private final double[] coderSpeed;
    private final int[][] coderPools;
    private final int rubberStampCoder;
    private final Scenario scenario;
    /** The scenarios' own draws (oversight breach), apart from the encounters' streams. */
    private final SplittableRandom scenarioRng;
    private final long scenarioMs;

    /** Version-2 decisions draw from their own stream, so the version-1 history underneath keeps its draws. */
    private final boolean v2;
    private final SplittableRandom v2rng;
    private final int weakCoder;

    private final PriorityQueue<Entry> queue = new PriorityQueue<>();
    private long seq;
    private boolean finished;
    private int maxPending;
    private long delivered;

    public Simulator(SimulatorConfig config) {
        this.config = config;
        this.startMs = config.start().toEpochMilli();
        this.endMs = config.end().toEpochMilli();
        this.goLiveMs = config.goLive().toEpochMilli();
        this.expansionMs = goLiveMs + config.pilotDays() * DAY;
        this.steadyMs = expansionMs + config.expansionDays() * DAY;
        this.scenario = config.scenario();
        this.scenarioMs = config.scenarioStart().toEpochMilli();

        SplittableRandom root = new SplittableRandom(config.seed());
        SplittableRandom staff = root.split();
        this.arrivals = root.split();
        this.messy = root.split();

        double maxHourly = 0;
        for (double h : HOURLY) {
            maxHourly = Math.max(maxHourly, h);
        }
        this.lambdaMax = config.encountersPerDay() / (double) DAY * WEEKDAY * maxHourly;

        int nf = config.facilities();
        this.facilityIds = new String[nf];
        this.facilityWeights = new double[nf];
        for (int i = 0; i < nf; i++) {
            facilityIds[i] = Catalog.facility(i);
            facilityWeights[i] = 1.0 / (i + 1.5);
        }

        int nc = config.coders();
        this.coderIds = new String[nc];
        this.coderSpeed = new double[nc];
        for (int i = 0; i < nc; i++) {
            coderIds[i] = String.format("C%03d", i + 1);
            coderSpeed[i] = logNormal(staff, 1.0, 0.12);
        }
        // pools: inpatient coders, outpatient coders, professional-fee coders
        int inpatient = Math.max(1, (int) Math.round(nc * 0.28));
        int outpatient = Math.max(1, (int) Math.round(nc * 0.33));
        if (inpatient + outpatient >= nc) {
            inpatient = 1;
            outpatient = 1;
        }
        this.coderPools = new int[][] {range(0, inpatient), range(inpatient, inpatient + outpatient),
                range(inpatient + outpatient, nc)};
        // one professional coder who accepts almost everything, almost instantly (rubber-stamp scenario)
        int[] prof = coderPools[2];
        this.rubberStampCoder = prof.length >= 4 ? prof[prof.length / 2] : -1;
        this.scenarioRng = new SplittableRandom(config.seed() ^ 0x05CE_4A41_0000_0011L);

        this.v2 = config.version2();
        this.v2rng = new SplittableRandom(config.seed() ^ 0x5EED_0002_0000_0002L);
        this.weakCoder = coderPools[1][0]; // version 2: the QA audits find this outpatient coder less accurate

        scheduleNextArrival(startMs);
    }

    /** Same as {@code new Simulator(config)} as a sequential stream. */
    public static Stream<SimEvent> stream(SimulatorConfig config) {
        Simulator sim = new Simulator(config);
        return StreamSupport.stream(
                Spliterators.spliteratorUnknownSize(sim, Spliterator.ORDERED | Spliterator.NONNULL), false);
    }

    public SimulatorConfig config() {
        return config;
    }

    /** Entries in the simulation queue now (steps of encounters in flight and deliveries held back). */
    public int pendingSize() {
        return queue.size();
    }

    /** The largest {@link #pendingSize()} so far. */
    public int maxPendingSize() {
        return maxPending;
    }

    /** Deliveries returned by {@link #next()} so far. */
    public long deliveredCount() {
        return delivered;
    }

    @Override
    public boolean hasNext() {
        while (!finished) {
            Entry head = queue.peek();
            if (head == null || head.time >= endMs) {
                finished = true;
                queue.clear();
                break;
            }
            if (head.kind == K_DELIVER) {
                return true;
            }
            queue.poll();
            step(head);
        }
        return false;
    }

    @Override
    public SimEvent next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        delivered++;
        return (SimEvent) queue.poll().payload;
    }

    // ------------------------------------------------------------------------------------------
    // the queue

    private static final class Entry implements Comparable<Entry> {
        final long time;
        final long seq;
        final int kind;
        final Encounter enc;
        final Claim claim;
        final Object payload;

        Entry(long time, long seq, int kind, Encounter enc, Claim claim, Object payload) {
            this.time = time;
            this.seq = seq;
            this.kind = kind;
            this.enc = enc;
            this.claim = claim;
            this.payload = payload;
        }

        @Override
        public int compareTo(Entry o) {
            int c = Long.compare(time, o.time);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    private void schedule(long time, int kind, Encounter enc, Claim claim, Object payload) {
        if (time >= endMs) {
            return; // beyond the simulated period: never delivered
        }
        queue.add(new Entry(time, seq++, kind, enc, claim, payload));
        if (queue.size() > maxPending) {
            maxPending = queue.size();
        }
    }

    private void step(Entry e) {
        switch (e.kind) {
            case K_ARRIVAL -> arrive(e.time);
            case K_SUGGESTION -> emit((SpecificRecord) e.payload, EventType.AiSuggestionReviewed, e.enc.id, e.time,
                    e.enc.aiClock);
            case K_CODED -> coded(e.enc, e.time);
            case K_ADJUDICATE -> adjudicate(e.claim, e.time);
            case K_RECODE -> {
                recode(e.enc, e.time);
                if (e.payload == PREBILL) {
                    submitClaims(e.enc, e.time);
                }
            }
            case K_APPEAL_RESULT -> appealResult(e.claim, e.time);
            case K_REVERSE -> reverse(e.claim, e.time, (Long) e.payload);
            case K_AUDIT -> audit(e.enc, e.time, (EncounterCoded) e.payload);
            default -> throw new IllegalStateException("unknown step " + e.kind);
        }
    }

    /** Last delivery time of one key on one topic: later events of the key are not delivered before it. */
    private static final class KeyClock {
        long last = Long.MIN_VALUE;
    }

    private static final class Encounter {
        final SplittableRandom rng;
        final String id;
        final String facility;
        final Setting setting;
        final int specialty;
        final int payer;
        final long dischargedAt;
        final long expectedCharge;
        final KeyClock encClock = new KeyClock();
        final KeyClock aiClock = new KeyClock();
        CodingMode mode;
        int coder = -1;
        List<CodeEntry> codes;
        long charge;
        int revision;
        long firstCodingSeconds;
        boolean prebillRecode;

        Encounter(SplittableRandom rng, String id, String facility, Setting setting, int specialty, int payer,
                long dischargedAt, long expectedCharge) {
            this.rng = rng;
            this.id = id;
            this.facility = facility;
            this.setting = setting;
            this.specialty = specialty;
            this.payer = payer;
            this.dischargedAt = dischargedAt;
            this.expectedCharge = expectedCharge;
        }
    }

    private static final class Claim {
        final Encounter enc;
        final String id;
        final long submittedAt;
        final long billed;
        final int payer;
        final KeyClock clock = new KeyClock();
        ClaimDenied denial;
        boolean overturned;

        Claim(Encounter enc, String id, long submittedAt, long billed, int payer) {
            this.enc = enc;
            this.id = id;
            this.submittedAt = submittedAt;
            this.billed = billed;
            this.payer = payer;
        }

        String payerId() {
            return Catalog.PAYERS[payer];
        }
    }

    // ------------------------------------------------------------------------------------------
    // delivery: late, duplicate, invalid

    private void emit(SpecificRecord record, EventType type, String key, long occurredAt, KeyClock clock) {
        long delivery = occurredAt;
        if (config.lateRate() > 0 && messy.nextDouble() < config.lateRate()) {
            // remittance batches and interface outages: mostly hours, sometimes days
            delivery += messy.nextDouble() < 0.7
                    ? HOUR + (long) (messy.nextDouble() * 11 * HOUR)
                    : DAY + (long) (messy.nextDouble() * 4 * DAY);
        }
        if (delivery < clock.last) {
            delivery = clock.last; // keep the key's order on its topic
        }
        clock.last = delivery;
        schedule(delivery, K_DELIVER, null, null, new SimEvent(Instant.ofEpochMilli(delivery), type.defaultTopic(),
                key, type.name(), record, null, SimEvent.Kind.ORIGINAL, delivery > occurredAt, null));
        if (config.duplicateRate() > 0 && messy.nextDouble() < config.duplicateRate()) {
            // producer retries (seconds to minutes) or a re-sent batch (hours to days)
            long again = delivery + (messy.nextDouble() < 0.5
                    ? 1000 + (long) (messy.nextDouble() * 10 * MINUTE)
                    : HOUR + (long) (messy.nextDouble() * 3 * DAY));
            schedule(again, K_DELIVER, null, null, new SimEvent(Instant.ofEpochMilli(again), type.defaultTopic(), key,
                    type.name(), record, null, SimEvent.Kind.DUPLICATE, true, null));
        }
        if (config.invalidRate() > 0 && messy.nextDouble() < config.invalidRate()) {
            schedule(occurredAt, K_DELIVER, null, null, invalidLine(record, type, key, occurredAt));
        }
    }

    private static final RejectReason[] COMMON_INVALID = {RejectReason.UNDECODABLE, RejectReason.UNKNOWN_SCHEMA,
            RejectReason.MISSING_FIELD, RejectReason.NEGATIVE_VALUE, RejectReason.FUTURE_EVENT};

    private static List<RejectReason> applicableReasons(EventType type) {
        List<RejectReason> reasons = new ArrayList<>(List.of(COMMON_INVALID));
        switch (type) {
            case EncounterDischarged -> reasons.add(RejectReason.INVALID_ENUM);
            case EncounterCoded -> reasons.addAll(
                    List.of(RejectReason.INVALID_ENUM, RejectReason.INVALID_REVISION, RejectReason.TIME_ORDER));
            case AiSuggestionReviewed -> reasons.addAll(
                    List.of(RejectReason.INVALID_ENUM, RejectReason.CONFIDENCE_RANGE));
            case ClaimDenied -> reasons.addAll(List.of(RejectReason.INVALID_ENUM, RejectReason.TIME_ORDER));
            case ClaimPaid -> reasons.add(RejectReason.TIME_ORDER);
            default -> {
            }
        }
        return reasons;
    }

    /** An invalid line derived from a valid event (with its own event_id): exactly one problem. */
    private SimEvent invalidLine(SpecificRecord record, EventType type, String key, long occurredAt) {
        List<RejectReason> reasons = applicableReasons(type);
        RejectReason reason = reasons.get(messy.nextInt(reasons.size()));
        ObjectNode n;
        try {
            n = (ObjectNode) MAPPER.readTree(JsonEvents.toJson(record));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        n.put("event_id", uuid(messy));
        String line = null;
        switch (reason) {
            case UNDECODABLE -> {
                int variant = messy.nextInt(4);
                if (variant == 0) {
                    String s = write(n);
                    line = s.substring(0, 1 + messy.nextInt(s.length() - 2)); // cut short: never closed
                } else if (variant == 1) {
                    n.put(numericField(type), "n/a");
                } else if (variant == 2 || type == EventType.AiSuggestionReviewed) {
                    n.put("occurred_at", "03/01/2026 14:05");
                } else {
                    n.put(numericField(type), 1234.5);
                }
            }
            case UNKNOWN_SCHEMA -> {
                if (messy.nextBoolean()) {
                    n.remove("type");
                } else {
                    String[] unknown = {"EncounterAdmitted", "ClaimAdjusted", "encounter_coded", "ChargeCaptured"};
                    n.put("type", unknown[messy.nextInt(unknown.length)]);
                }
            }
            case MISSING_FIELD -> {
                List<String> required = new ArrayList<>();
                for (Schema.Field f : type.schema().getFields()) {
                    if (!f.schema().isNullable() && !f.hasDefaultValue()) {
                        required.add(f.name());
                    }
                }
                String field = required.get(messy.nextInt(required.size()));
                if (messy.nextBoolean()) {
                    n.remove(field);
                } else {
                    n.putNull(field);
                }
            }
            case INVALID_ENUM -> {
                switch (type) {
                    case EncounterDischarged -> n.put("setting", messy.nextBoolean() ? "INPT" : "inpatient");
                    case EncounterCoded -> n.put("coding_mode", messy.nextBoolean() ? "HYBRID" : "SEMI_AUTONOMOUS");
                    case AiSuggestionReviewed -> {
                        if (messy.nextBoolean()) {
                            n.put("decision", "DEFERRED");
                        } else {
                            n.put("code_system", "ICD9CM");
                        }
                    }
                    case ClaimDenied -> ((ObjectNode) ((ArrayNode) n.get("adjustments")).get(0)).put("group", "XX");
                    default -> throw new IllegalStateException("no enum in " + type);
                }
            }
            case NEGATIVE_VALUE -> {
                String field = type == EventType.EncounterCoded && messy.nextBoolean() ? "coding_seconds"
                        : numericField(type);
                JsonNode v = n.get(field);
                if (v.isIntegralNumber()) {
                    n.put(field, -Math.max(1, v.longValue()));
                } else {
                    n.put(field, -Math.max(0.5, v.doubleValue()));
                }
            }
            case INVALID_REVISION -> n.put("revision", messy.nextInt(4) == 0 ? -1 : 0);
            case TIME_ORDER -> n.put(type == EventType.EncounterCoded ? "discharged_at" : "submitted_at",
                    Instant.ofEpochMilli(occurredAt + HOUR + (long) (messy.nextDouble() * 2 * DAY)).toString());
            case CONFIDENCE_RANGE -> n.put("confidence", messy.nextBoolean() ? 1.7 : -0.2);
            case FUTURE_EVENT -> n.put("occurred_at", Instant.ofEpochMilli(occurredAt + 36_500L * DAY).toString());
            default -> throw new IllegalStateException("unexpected " + reason);
        }
        if (line == null) {
            line = write(n);
        }
        return new SimEvent(Instant.ofEpochMilli(occurredAt), type.defaultTopic(), key, type.name(), null, line,
                SimEvent.Kind.INVALID, false, reason);
    }

    private static String numericField(EventType type) {
        return switch (type) {
            case EncounterDischarged -> "expected_charge_cents";
            case EncounterCoded -> "charge_cents";
            case AiSuggestionReviewed -> "review_seconds";
            case ClaimDenied -> "denied_cents";
            case ClaimPaid -> "paid_cents";
            case ClaimSubmitted -> "billed_cents";
            case ClaimReversed -> "reversed_cents";
            case CodingAudited -> "codes_changed";
        };
    }

    private static String write(JsonNode n) {
        try {
            return MAPPER.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------------------------------
    // discharges

    /** Next discharge of the non-homogeneous Poisson process (thinning). */
    private void scheduleNextArrival(long from) {
        long t = from;
        while (true) {
            double gap = -StrictMath.log(1.0 - arrivals.nextDouble()) / lambdaMax;
            t += Math.max(1L, (long) gap);
            if (t >= endMs) {
                return;
            }
            if (arrivals.nextDouble() * lambdaMax < rate(t)) {
                schedule(t, K_ARRIVAL, null, null, null);
                return;
            }
        }
    }

    private double rate(long t) {
        long day = Math.floorDiv(t, DAY);
        int dow = (int) Math.floorMod(day + 3, 7L); // 0 = Monday (1970-01-01 was a Thursday)
        int hour = (int) Math.floorMod(t, DAY) / (int) HOUR;
        return config.encountersPerDay() / (double) DAY * (dow >= 5 ? WEEKEND : WEEKDAY) * HOURLY[hour];
    }

    private void arrive(long t) {
        scheduleNextArrival(t);
        SplittableRandom r = arrivals.split();
        Setting setting = Catalog.SETTINGS[pick(r, Catalog.SETTING_WEIGHTS)];
        int specialty = pick(r, Catalog.SPECIALTY_WEIGHTS[setting.ordinal()]);
        int payer = pick(r, Catalog.PAYER_WEIGHTS);
        String facility = facilityIds[pick(r, facilityWeights)];
        long expected = cents(Catalog.chargeDollars(setting) * Catalog.SPECIALTY_CHARGE_FACTOR[specialty]
                * logNormal(r, 1.0, Catalog.chargeSigma(setting)));
        Encounter enc = new Encounter(r, uuid(r), facility, setting, specialty, payer, t, expected);
        emit(new EncounterDischarged(uuid(r), Instant.ofEpochMilli(t), facility, enc.id, setting,
                Catalog.SPECIALTIES[specialty], Catalog.PAYERS[payer], expected),
                EventType.EncounterDischarged, enc.id, t, enc.encClock);
        planCoding(enc, t);
    }

    // ------------------------------------------------------------------------------------------
    // coding

    private CodingMode modeFor(long t, Setting setting, int specialty, SplittableRandom r) {
        if (t < goLiveMs) {
            return CodingMode.MANUAL;
        }
        double u = r.nextDouble();
        if (t < expansionMs) {
            return Catalog.pilotSpecialty(specialty) && u < 0.75 ? CodingMode.AI_ASSISTED : CodingMode.MANUAL;
        }
        double progress = t < steadyMs ? (t - expansionMs) / (double) (steadyMs - expansionMs) : 1.0;
        double autonomous = setting == Setting.PROFESSIONAL ? 0.30 * progress : 0.0;
        if (u < autonomous) {
            return CodingMode.AUTONOMOUS;
        }
        double ai = Catalog.pilotSpecialty(specialty) ? 0.88 : 0.15 + 0.73 * progress;
        return r.nextDouble() < ai ? CodingMode.AI_ASSISTED : CodingMode.MANUAL;
    }

    private String modelVersion(long t) {
        if (scenario == Scenario.RUBBER_STAMP && t >= scenarioMs) {
            return Catalog.MODEL_TRUSTED;
        }
        if (scenario == Scenario.DEGRADING_MODEL && t >= scenarioMs) {
            return Catalog.MODEL_DEGRADING;
        }
        // version 2 moves to the newer model when the expansion starts (day 60 by default), so that
        // every version-2 run of a few months has two model versions for its QA stream to compare;
        // version 1 keeps its roll-out at the steady state (day 120), as its golden outputs have it
        return t < (v2 ? expansionMs : steadyMs) ? Catalog.MODEL_V1 : Catalog.MODEL_V2;
    }

    /**
     * Rubber-stamp scenario: how far coders have come to trust the new model version, 0 to 1. Four
     * weeks of normal reviews after its roll-out, then four weeks of growing trust.
     */
    private double trust(long t) {
        if (scenario != Scenario.RUBBER_STAMP) {
            return 0;
        }
        return Math.min(1.0, Math.max(0.0, (t - scenarioMs - 28 * DAY) / (28.0 * DAY)));
    }

    /** Degrading-model scenario: how far the model has degraded, 0 to 1 (four weeks after its roll-out, over three weeks). */
    private double degradation(long t) {
        if (scenario != Scenario.DEGRADING_MODEL) {
            return 0;
        }
        return Math.min(1.0, Math.max(0.0, (t - scenarioMs - 28 * DAY) / (21.0 * DAY)));
    }

    /**
     * Oversight-breach scenario: whether the misrouted autonomous engine codes this encounter (an
     * inpatient or high-dollar one), drawn from the scenario's own stream so that the other
     * encounters stay as in the clean run.
     */
    private boolean misrouted(Encounter enc, long t) {
        return scenario == Scenario.OVERSIGHT_BREACH && t >= scenarioMs && t >= goLiveMs
                && (enc.setting == Setting.INPATIENT || enc.expectedCharge >= 2_500_000L)
                && scenarioRng.nextDouble() < 0.03;
    }

    /** The model behind a coding: the scenario's (degrading-model, oversight-breach), else version 2's, else none. */
    private String modelOf(CodingMode mode, long t) {
        String scenario = codingModel(mode, t);
        if (scenario != null) {
            return scenario;
        }
        return v2 && mode != CodingMode.MANUAL ? modelVersion(t) : null;
    }

    /** The model version an AI coding carries: only in the scenarios that need it (version 1 output stays as it was). */
    private String codingModel(CodingMode mode, long t) {
        boolean carries = scenario == Scenario.DEGRADING_MODEL || scenario == Scenario.OVERSIGHT_BREACH;
        return carries && mode != CodingMode.MANUAL ? modelVersion(t) : null;
    }

    /** E/M drift scenario: probability that an office visit of the drifting facility is billed at the top two levels. */
    private double upcoding(Encounter enc, long t) {
        if (scenario != Scenario.EM_DRIFT || !enc.facility.equals(facilityIds[0]) || t < scenarioMs) {
            return 0;
        }
        return 0.75 * Math.min(1.0, (t - scenarioMs) / (21.0 * DAY));
    }

    private int coderFor(Setting setting, SplittableRandom r) {
        int[] pool = coderPools[setting.ordinal()];
        return pool[r.nextInt(pool.length)];
    }

    private void planCoding(Encounter enc, long t) {
        SplittableRandom r = enc.rng;
        enc.mode = modeFor(t, enc.setting, enc.specialty, r);
        if (misrouted(enc, t)) {
            enc.mode = CodingMode.AUTONOMOUS;
        }
        boolean ai = enc.mode == CodingMode.AI_ASSISTED;
        boolean autonomous = enc.mode == CodingMode.AUTONOMOUS;
        enc.coder = autonomous ? -1 : coderFor(enc.setting, r);

        List<String[]> raw = rawCodes(enc, r, enc.mode, upcoding(enc, t));
        List<CodeEntry> codes = new ArrayList<>(raw.size());
        List<Suggestion> suggestions = new ArrayList<>();
        boolean stamp = scenario == Scenario.RUBBER_STAMP && enc.coder == rubberStampCoder && enc.coder >= 0;
        String model = modelVersion(t);
        double trust = trust(t);
        double degraded = degradation(t);
        double acceptance = stamp ? 0.998 : switch (model) {
            case Catalog.MODEL_V1 -> 0.80;
            case Catalog.MODEL_V2 -> 0.84;
            case Catalog.MODEL_DEGRADING -> 0.80 - 0.25 * degraded;
            default -> 0.82 + (0.97 - 0.82) * trust;
        };
        double suggested = 0.85 - 0.25 * degraded; // the share of the final codes the AI suggests (its recall)
        for (String[] c : raw) {
            CodeSystem system = CodeSystem.valueOf(c[0]);
            String code = c[1];
            List<String> modifiers = modifiers(c);
            CodeSource source;
            if (autonomous) {
                source = CodeSource.AUTONOMOUS;
            } else if (ai && r.nextDouble() < suggested) {
                String alternative = r.nextDouble() < acceptance ? null : alternative(enc, system, code, r);
                if (alternative == null) {
                    source = CodeSource.AI_ACCEPTED;
                    suggestions.add(new Suggestion(system, code, Decision.ACCEPTED, code));
                } else {
                    source = CodeSource.AI_MODIFIED;
                    suggestions.add(new Suggestion(system, alternative, Decision.MODIFIED, code));
                }
            } else {
                source = CodeSource.MANUAL;
            }
            codes.add(new CodeEntry(system, code, modifiers, source));
        }
        if (ai) {
            // suggestions the coder rejected: codes the documentation does not support
            int rejected = 0;
            double pReject = stamp ? 0.001 : 0.13 * (1 - 0.85 * trust) * (1 + degraded);
            for (int i = 0; i < raw.size(); i++) {
                if (r.nextDouble() < pReject) {
                    rejected++;
                }
            }
            for (int i = 0; i < rejected; i++) {
                String[] wrong = spuriousCode(enc, r);
                suggestions.add(r.nextInt(suggestions.size() + 1),
                        new Suggestion(CodeSystem.valueOf(wrong[0]), wrong[1], Decision.REJECTED, null));
            }
        }
        enc.codes = codes;

        // active coder time
        long seconds = 0;
        if (!autonomous) {
            double s = Catalog.manualSeconds(enc.setting) * coderSpeed[enc.coder] * logNormal(r, 1.0, 0.35);
            if (ai) {
                s *= 0.65 + 0.15 * r.nextDouble(); // 20-35 % faster
            }
            seconds = Math.max(30, Math.round(s));
        }
        double[] review = new double[suggestions.size()];
        double reviewTotal = 0;
        for (int i = 0; i < review.length; i++) {
            review[i] = reviewSeconds(suggestions.get(i).decision, stamp, trust, r);
            reviewTotal += review[i];
        }
        if (ai && seconds < reviewTotal * 1.2) {
            seconds = Math.round(reviewTotal * 1.2) + 30;
        }

        // turnaround: discharge to revision 1
        long turnaround;
        if (autonomous) {
            turnaround = 5 * MINUTE + (long) (r.nextDouble() * 55 * MINUTE);
        } else {
            double days = Catalog.turnaroundDays(enc.setting) * logNormal(r, 1.0, 0.6) * (ai ? 0.75 : 1.0);
            turnaround = (long) (days * DAY);
            turnaround = Math.max(turnaround, seconds * 1000 + 10 * MINUTE);
            turnaround = Math.min(turnaround, 30 * DAY);
        }
        long codedAt = t + turnaround;
        enc.charge = cents(enc.expectedCharge / 100.0 * logNormal(r, 1.0, 0.10));
        enc.prebillRecode = r.nextDouble() < (autonomous ? 0.06 : ai ? 0.035 : 0.04);

        // the coding session ends at codedAt; suggestions are reviewed during it
        if (ai) {
            long at = codedAt - seconds * 1000;
            String coder = coderIds[enc.coder];
            String specialty = Catalog.SPECIALTIES[enc.specialty];
            for (int i = 0; i < review.length; i++) {
                at += (long) (review[i] * 1000) + 1000 + (long) (r.nextDouble() * 5000);
                long occurred = Math.min(at, codedAt - 1000);
                Suggestion s = suggestions.get(i);
                AiSuggestionReviewed event = new AiSuggestionReviewed(uuid(r), Instant.ofEpochMilli(occurred),
                        enc.facility, enc.id, specialty, coder, model, s.system, s.suggested, s.decision, s.finalCode,
                        confidence(s.decision, stamp, r), review[i]);
                schedule(occurred, K_SUGGESTION, enc, null, event);
            }
        }
        enc.firstCodingSeconds = seconds;
        schedule(codedAt, K_CODED, enc, null, null);
    }

    private record Suggestion(CodeSystem system, String suggested, Decision decision, String finalCode) {
    }

    /** @param trust rubber-stamp scenario: trusted suggestions are looked at for less time */
    private static double reviewSeconds(Decision d, boolean stamp, double trust, SplittableRandom r) {
        double s;
        if (stamp) {
            s = logNormal(r, 1.8, 0.35);
        } else {
            s = switch (d) {
                case ACCEPTED -> logNormal(r, 8, 0.6) * (1 - 0.75 * trust);
                case MODIFIED -> logNormal(r, 45, 0.5) * (1 - 0.5 * trust);
                case REJECTED -> logNormal(r, 18, 0.5) * (1 - 0.5 * trust);
            };
        }
        return Math.max(0.4, Math.round(s * 10) / 10.0);
    }

    private static double confidence(Decision d, boolean stamp, SplittableRandom r) {
        double u = r.nextDouble();
        double c = switch (d) {
            case ACCEPTED -> 0.99 - 0.29 * u * u;
            case MODIFIED -> 0.45 + 0.40 * u;
            case REJECTED -> stamp ? 0.5 + 0.3 * u : 0.20 + 0.50 * u;
        };
        return Math.round(c * 1000) / 1000.0;
    }

    private void coded(Encounter enc, long t) {
        enc.revision++;
        EncounterCoded event = new EncounterCoded(uuid(enc.rng), Instant.ofEpochMilli(t), enc.facility, enc.id,
                enc.setting, Catalog.SPECIALTIES[enc.specialty], Catalog.PAYERS[enc.payer],
                enc.coder < 0 ? null : coderIds[enc.coder], enc.revision, enc.mode, Instant.ofEpochMilli(enc.dischargedAt),
                enc.firstCodingSeconds, enc.charge, enc.codes, modelOf(enc.mode, t));
        emit(event, EventType.EncounterCoded, enc.id, t, enc.encClock);
        maybeAudit(enc, event, t);
        if (enc.prebillRecode) {
            // a CDI query or pre-bill audit: recoded before the claim goes out
            schedule(t + 4 * HOUR + (long) (enc.rng.nextDouble() * 68 * HOUR), K_RECODE, enc, null, PREBILL);
        } else {
            submitClaims(enc, t);
        }
    }

    /** A recoding: revision + 1, one code changed, by a coder (an AUTONOMOUS coding is corrected by a person). */
    private void recode(Encounter enc, long t) {
        SplittableRandom r = enc.rng;
        enc.revision++;
        CodingMode mode = enc.mode;
        int coder = enc.coder;
        if (mode == CodingMode.AUTONOMOUS) {
            mode = CodingMode.AI_ASSISTED;
            coder = coderFor(enc.setting, r);
        }
        double s = Catalog.manualSeconds(enc.setting) * coderSpeed[coder] * (0.3 + 0.3 * r.nextDouble());
        if (mode == CodingMode.AI_ASSISTED) {
            s *= 0.65 + 0.15 * r.nextDouble();
        }
        enc.codes = changeOneCode(enc, enc.codes, r);
        enc.charge = cents(enc.charge / 100.0 * (0.9 + 0.2 * r.nextDouble()));
        EncounterCoded event = new EncounterCoded(uuid(r), Instant.ofEpochMilli(t), enc.facility, enc.id, enc.setting,
                Catalog.SPECIALTIES[enc.specialty], Catalog.PAYERS[enc.payer], coderIds[coder], enc.revision, mode,
                Instant.ofEpochMilli(enc.dischargedAt), Math.max(30, Math.round(s)), enc.charge, enc.codes, modelOf(mode, t));
        emit(event, EventType.EncounterCoded, enc.id, t, enc.encClock);
        maybeAudit(enc, event, t);
    }

    private List<CodeEntry> changeOneCode(Encounter enc, List<CodeEntry> codes, SplittableRandom r) {
        List<CodeEntry> out = new ArrayList<>(codes);
        // prefer correcting an E/M level, else replace a diagnosis, else add one
        for (int i = 0; i < out.size(); i++) {
            CodeEntry c = out.get(i);
            String[] family = Catalog.emFamily(c.getCode());
            if (family != null) {
                int level = indexOf(family, c.getCode());
                int corrected = level > 0 && (level == family.length - 1 || r.nextDouble() < 0.7) ? level - 1 : level + 1;
                out.set(i, new CodeEntry(c.getSystem(), family[corrected], c.getModifiers(), CodeSource.MANUAL));
                return out;
            }
        }
        String[] dx = r.nextBoolean() ? Catalog.DIAGNOSES[enc.specialty] : Catalog.COMORBIDITIES;
        String code = dx[r.nextInt(dx.length)];
        for (int i = 1; i < out.size(); i++) {
            if (out.get(i).getSystem() == CodeSystem.ICD10CM && !containsCode(out, code)) {
                out.set(i, new CodeEntry(CodeSystem.ICD10CM, code, List.of(), CodeSource.MANUAL));
                return out;
            }
        }
        if (!containsCode(out, code)) {
            out.add(new CodeEntry(CodeSystem.ICD10CM, code, List.of(), CodeSource.MANUAL));
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------
    // code sets

    /** The final codes of an encounter, as {system, code, modifiers...}. */
    /** @param upcoding probability that an office visit is billed at one of the top two levels (E/M drift scenario) */
    private List<String[]> rawCodes(Encounter enc, SplittableRandom r, CodingMode mode, double upcoding) {
        List<String[]> out = new ArrayList<>();
        int sp = enc.specialty;
        boolean aiMode = mode != CodingMode.MANUAL;
        switch (enc.setting) {
            case INPATIENT -> {
                addDiagnoses(out, sp, 4 + r.nextInt(9), r);
                String[] pcs = Catalog.PCS[sp];
                if (pcs.length > 0) {
                    double u = r.nextDouble();
                    int n = u < 0.3 ? 0 : u < 0.8 ? 1 : 2;
                    for (int i = 0; i < n; i++) {
                        addUnique(out, "ICD10PCS", pcs[r.nextInt(pcs.length)]);
                    }
                }
            }
            case OUTPATIENT -> {
                if (sp == Catalog.EMERGENCY) {
                    out.add(new String[] {"CPT", em(Catalog.EM_EMERGENCY, Catalog.EM_EMERGENCY_W, aiMode, r)});
                } else if (sp != Catalog.ONCOLOGY && r.nextDouble() < 0.5) {
                    out.add(new String[] {"HCPCS", Catalog.HCPCS_CLINIC_VISIT});
                }
                String[] cpt = Catalog.OUTPATIENT_CPT[sp];
                int n = 1 + (r.nextDouble() < 0.4 ? 1 : 0);
                for (int i = 0; i < n; i++) {
                    String code = cpt[r.nextInt(cpt.length)];
                    if (Catalog.lateral(code)) {
                        addUnique(out, "CPT", code, r.nextBoolean() ? "RT" : "LT");
                    } else {
                        addUnique(out, "CPT", code);
                    }
                }
                if (sp == Catalog.ONCOLOGY) {
                    out.add(new String[] {"HCPCS", Catalog.ONCOLOGY_DRUGS[r.nextInt(Catalog.ONCOLOGY_DRUGS.length)]});
                }
                addDiagnoses(out, sp, 1 + r.nextInt(3), r);
            }
            case PROFESSIONAL -> {
                String emCode;
                if (sp == Catalog.EMERGENCY) {
                    emCode = em(Catalog.EM_EMERGENCY, Catalog.EM_EMERGENCY_W, aiMode, r);
                } else {
                    double u = r.nextDouble();
                    if (u < 0.20) {
                        emCode = upcode(em(Catalog.EM_OFFICE_NEW, Catalog.EM_OFFICE_NEW_W, aiMode, r), Catalog.EM_OFFICE_NEW, upcoding, r);
                    } else if (u < 0.80) {
                        emCode = upcode(em(Catalog.EM_OFFICE_ESTABLISHED, Catalog.EM_OFFICE_ESTABLISHED_W, aiMode, r),
                                Catalog.EM_OFFICE_ESTABLISHED, upcoding, r);
                    } else if (u < 0.92) {
                        emCode = em(Catalog.EM_HOSPITAL_SUBSEQUENT, Catalog.EM_HOSPITAL_SUBSEQUENT_W, aiMode, r);
                    } else {
                        emCode = em(Catalog.EM_HOSPITAL_INITIAL, Catalog.EM_HOSPITAL_INITIAL_W, aiMode, r);
                    }
                }
                // autonomous coding handles E/M-only visits
                boolean procedure = mode != CodingMode.AUTONOMOUS && r.nextDouble() < 0.15;
                out.add(procedure ? new String[] {"CPT", emCode, "25"} : new String[] {"CPT", emCode});
                if (procedure) {
                    String[] cpt = Catalog.PROFESSIONAL_CPT[sp];
                    String code = cpt[r.nextInt(cpt.length)];
                    if (Catalog.lateral(code)) {
                        out.add(new String[] {"CPT", code, r.nextBoolean() ? "RT" : "LT"});
                    } else {
                        out.add(new String[] {"CPT", code});
                    }
                }
                addDiagnoses(out, sp, 1 + r.nextInt(3), r);
            }
            default -> throw new IllegalStateException();
        }
        return out;
    }

    /** An E/M level; AI-assisted and autonomous coding drift one level up now and then (for the PSI panel). */
    private static String em(String[] family, double[] weights, boolean aiMode, SplittableRandom r) {
        int level = pick(r, weights);
        if (aiMode && level < family.length - 1 && r.nextDouble() < 0.12) {
            level++;
        }
        return family[level];
    }

    /** With probability {@code upcoding}, the visit is billed at the top level (45 %) or the one below it instead. */
    private static String upcode(String code, String[] family, double upcoding, SplittableRandom r) {
        if (upcoding <= 0 || r.nextDouble() >= upcoding) {
            return code;
        }
        return family[family.length - (r.nextDouble() < 0.45 ? 1 : 2)];
    }

    private static void addDiagnoses(List<String[]> out, int specialty, int n, SplittableRandom r) {
        String[] main = Catalog.DIAGNOSES[specialty];
        addUnique(out, "ICD10CM", main[r.nextInt(main.length)]);
        for (int i = 1; i < n; i++) {
            String[] from = r.nextDouble() < 0.4 ? main : Catalog.COMORBIDITIES;
            addUnique(out, "ICD10CM", from[r.nextInt(from.length)]);
        }
    }

    private static void addUnique(List<String[]> out, String system, String code, String... modifiers) {
        for (String[] c : out) {
            if (c[1].equals(code)) {
                return;
            }
        }
        String[] entry = new String[2 + modifiers.length];
        entry[0] = system;
        entry[1] = code;
        System.arraycopy(modifiers, 0, entry, 2, modifiers.length);
        out.add(entry);
    }

    private static List<String> modifiers(String[] raw) {
        return raw.length <= 2 ? List.of() : List.of(java.util.Arrays.copyOfRange(raw, 2, raw.length));
    }

    /** What the AI suggested when the coder modified its suggestion into {@code code}; null if none. */
    private static String alternative(Encounter enc, CodeSystem system, String code, SplittableRandom r) {
        String[] candidates = switch (system) {
            case ICD10CM -> r.nextBoolean() ? Catalog.DIAGNOSES[enc.specialty] : Catalog.COMORBIDITIES;
            case ICD10PCS -> Catalog.PCS[enc.specialty];
            case CPT -> {
                String[] family = Catalog.emFamily(code);
                if (family != null) {
                    int level = indexOf(family, code);
                    // the model over- or under-shot the level by one
                    int other = level == 0 ? 1 : level == family.length - 1 ? level - 1
                            : (r.nextDouble() < 0.6 ? level + 1 : level - 1);
                    yield new String[] {family[other]};
                }
                yield enc.setting == Setting.PROFESSIONAL ? Catalog.PROFESSIONAL_CPT[enc.specialty]
                        : Catalog.OUTPATIENT_CPT[enc.specialty];
            }
            case HCPCS -> code.startsWith("J") ? Catalog.ONCOLOGY_DRUGS : new String[0];
        };
        if (candidates.length == 0) {
            return null;
        }
        String pick = candidates[r.nextInt(candidates.length)];
        return pick.equals(code) ? null : pick;
    }

    /** A code the AI suggested that the documentation does not support. */
    private static String[] spuriousCode(Encounter enc, SplittableRandom r) {
        if (enc.setting == Setting.INPATIENT && Catalog.PCS[enc.specialty].length > 0 && r.nextDouble() < 0.2) {
            String[] pcs = Catalog.PCS[enc.specialty];
            return new String[] {"ICD10PCS", pcs[r.nextInt(pcs.length)]};
        }
        String[] from = r.nextBoolean() ? Catalog.DIAGNOSES[enc.specialty] : Catalog.COMORBIDITIES;
        return new String[] {"ICD10CM", from[r.nextInt(from.length)]};
    }

    // ------------------------------------------------------------------------------------------
    // claims

    private void submitClaims(Encounter enc, long codedAt) {
        SplittableRandom r = enc.rng;
        int n = r.nextDouble() < Catalog.secondClaimProbability(enc.setting) ? 2 : 1;
        long first = n == 1 ? enc.charge : Math.max(1, Math.round(enc.charge * 0.75));
        long submitted = codedAt;
        for (int i = 0; i < n; i++) {
            // bill hold, edits, clearinghouse
            submitted += Math.max(2 * HOUR, (long) (logNormal(r, 1.2, 0.5) * DAY));
            long billed = i == 0 ? first : Math.max(1, enc.charge - first);
            String id = uuid(r);
            double days = Math.min(60, Math.max(7, Catalog.PAYER_DAYS_TO_PAY[enc.payer] * logNormal(r, 1.0, 0.35)));
            if (!v2) {
                Claim claim = new Claim(enc, id, submitted, billed, enc.payer);
                schedule(submitted + (long) (days * DAY), K_ADJUDICATE, enc, claim, null);
                continue;
            }
            // version 2: a claim is one claim to one payer (X12 identity payer|account); the second goes to a secondary payer
            int payer = i == 0 ? enc.payer : (enc.payer + 1) % Catalog.PAYERS.length;
            long batch = batchTime(submitted);
            Claim claim = new Claim(enc, Catalog.PAYERS[payer] + "|" + enc.id, batch, billed, payer);
            emitSubmitted(claim, batch, ClaimFrequency.ORIGINAL);
            long sent = batch;
            double u = v2rng.nextDouble();
            if (u < 0.01) {
                // withdrawn (VOID) the next day, billed again (ORIGINAL) two days later
                emitSubmitted(claim, batchTime(sent + DAY), ClaimFrequency.VOID);
                sent = batchTime(sent + 3 * DAY);
                emitSubmitted(claim, sent, ClaimFrequency.ORIGINAL);
            } else if (u < 0.03) {
                sent = batchTime(sent + DAY + (long) (v2rng.nextDouble() * 2 * DAY));
                emitSubmitted(claim, sent, ClaimFrequency.REPLACEMENT);
            }
            schedule(dayOf(sent + (long) (days * DAY)), K_ADJUDICATE, enc, claim, null);
        }
    }

    private void adjudicate(Claim claim, long t) {
        Encounter enc = claim.enc;
        SplittableRandom r = enc.rng;
        double denial = Catalog.PAYER_DENIAL_RATE[enc.payer] * Catalog.denialFactor(enc.setting);
        double coding = denial * Catalog.CODING_SHARE
                * (enc.mode == CodingMode.MANUAL ? 1.0 : Catalog.AI_CODING_DENIAL_FACTOR);
        if (scenario == Scenario.DENIAL_SPIKE && Catalog.PAYERS[enc.payer].equals(Catalog.SPIKING_PAYER) && t >= scenarioMs) {
            coding *= 5; // denial-spike scenario: this payer's coding edits tighten
        }
        double other = denial * (1 - Catalog.CODING_SHARE);
        double u = r.nextDouble();
        if (u >= coding + other) {
            emitPaid(claim, t, r);
            return;
        }
        int category = u < coding ? Catalog.CAT_CODING : 1 + pick(r, Catalog.NON_CODING_WEIGHTS);
        List<Catalog.DenialReason> reasons = Catalog.DENIAL_REASONS.get(category);
        double[] weights = new double[reasons.size()];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = reasons.get(i).weight();
        }
        Catalog.DenialReason reason = reasons.get(pick(r, weights));
        long billed = claim.billed;
        long denied;
        List<Adjustment> adjustments = new ArrayList<>(3);
        if (r.nextDouble() < 0.8 || billed < 100) {
            denied = billed;
            adjustments.add(new Adjustment(reason.group(), reason.carc(), denied));
        } else {
            // line-level denial: the rest is contractual write-off and patient responsibility
            denied = Math.round(billed * (0.2 + 0.4 * r.nextDouble()));
            long contractual = Math.round((billed - denied) * (0.3 + 0.3 * r.nextDouble()));
            long patient = Math.round((billed - denied - contractual) * 0.3 * r.nextDouble());
            Adjustment pr = new Adjustment(AdjustmentGroup.PR, Catalog.CARC_PATIENT[r.nextInt(3)], patient);
            if (patient > 0 && r.nextDouble() < 0.3) {
                adjustments.add(pr);
            }
            adjustments.add(new Adjustment(reason.group(), reason.carc(), denied));
            adjustments.add(new Adjustment(AdjustmentGroup.CO, Catalog.CARC_CONTRACTUAL, contractual));
            if (patient > 0 && !adjustments.contains(pr)) {
                adjustments.add(pr);
            }
        }
        if (v2) {
            denied = 0; // as X12 says it: the CO, OA and PI adjustments
            for (Adjustment a : adjustments) {
                if (a.getGroup() == AdjustmentGroup.CO || a.getGroup() == AdjustmentGroup.OA || a.getGroup() == AdjustmentGroup.PI) {
                    denied += a.getAmountCents();
                }
            }
        }
        ClaimDenied event = new ClaimDenied(uuid(r), Instant.ofEpochMilli(t), enc.facility, enc.id, claim.id,
                claim.payerId(), remittanceSubmittedAt(claim), billed, denied, adjustments, reason.rarcs());
        emit(event, EventType.ClaimDenied, claim.id, t, claim.clock);

        if (r.nextDouble() < Catalog.APPEAL_PROBABILITY[category]) {
            if (category == Catalog.CAT_CODING && r.nextDouble() < 0.6) {
                schedule(t + DAY + (long) (r.nextDouble() * 6 * DAY), K_RECODE, enc, null, null);
            }
            claim.denial = event;
            claim.overturned = r.nextDouble() < Catalog.OVERTURN_PROBABILITY[category];
            double days = Math.min(60, Math.max(20, logNormal(r, 35, 0.3)));
            long at = t + (long) (days * DAY);
            schedule(v2 ? dayOf(at) : at, K_APPEAL_RESULT, enc, claim, null);
        }
    }

    private void emitPaid(Claim claim, long t, SplittableRandom r) {
        Encounter enc = claim.enc;
        double allowed = Catalog.PAYER_ALLOWED_RATIO[enc.payer] + 0.12 * (r.nextDouble() - 0.5);
        double patientShare = switch (Catalog.PAYERS[enc.payer]) {
            case "MEDICARE" -> 0.2 * r.nextDouble();
            case "MEDICAID" -> 0.0;
            default -> 0.12 * r.nextDouble();
        };
        long paid = Math.round(claim.billed * allowed * (1 - patientShare));
        paid = Math.max(0, Math.min(claim.billed - 1, paid));
        List<Adjustment> adjustments = new ArrayList<>();
        List<String> remarks = new ArrayList<>();
        if (v2) {
            paid = Math.max(Math.min(1, claim.billed), paid); // a paid claim pays something (X12: zero paid with CO is a denial)
            long patient = Math.min(claim.billed - paid, Math.round(claim.billed * allowed * patientShare));
            long contractual = claim.billed - paid - patient;
            if (contractual > 0) {
                adjustments.add(new Adjustment(AdjustmentGroup.CO, Catalog.CARC_CONTRACTUAL, contractual));
            }
            if (patient > 0) {
                adjustments.add(new Adjustment(AdjustmentGroup.PR, Catalog.CARC_PATIENT[v2rng.nextInt(2)], patient));
                if (v2rng.nextDouble() < 0.2) {
                    remarks.add("N381");
                }
            }
        }
        ClaimPaid event = new ClaimPaid(uuid(r), Instant.ofEpochMilli(t), enc.facility, enc.id, claim.id,
                claim.payerId(), remittanceSubmittedAt(claim), claim.billed, paid, adjustments, remarks);
        emit(event, EventType.ClaimPaid, claim.id, t, claim.clock);
        if (v2 && paid > 0 && v2rng.nextDouble() < 0.015) {
            // the payer takes the payment back (a retro-eligibility or a duplicate-payment recovery)
            schedule(dayOf(t + 10 * DAY + (long) (v2rng.nextDouble() * 30 * DAY)), K_REVERSE, enc, claim, paid);
        }
    }

    private void appealResult(Claim claim, long t) {
        SplittableRandom r = claim.enc.rng;
        if (claim.overturned) {
            emitPaid(claim, t, r);
        } else {
            ClaimDenied d = claim.denial; // same adjustments and remarks, a new remittance
            ClaimDenied again = new ClaimDenied(uuid(r), Instant.ofEpochMilli(t), d.getFacilityId(), d.getEncounterId(),
                    d.getClaimId(), d.getPayerId(), d.getSubmittedAt(), d.getBilledCents(), d.getDeniedCents(),
                    d.getAdjustments(), d.getRemarkCodes());
            emit(again, EventType.ClaimDenied, claim.id, t, claim.clock);
        }
        claim.denial = null;
    }

    // ------------------------------------------------------------------------------------------
    // version 2

    private void emitSubmitted(Claim claim, long t, ClaimFrequency frequency) {
        Encounter enc = claim.enc;
        ClaimSubmitted event = new ClaimSubmitted(uuid(v2rng), Instant.ofEpochMilli(t), enc.facility, enc.id, claim.id,
                claim.payerId(), claim.billed, frequency);
        emit(event, EventType.ClaimSubmitted, claim.id, t, claim.clock);
    }

    /** Remittances often do not say when the claim was received: null for about a third, else its day (DTM*050). */
    private Instant remittanceSubmittedAt(Claim claim) {
        if (!v2) {
            return Instant.ofEpochMilli(claim.submittedAt);
        }
        return v2rng.nextDouble() < 0.3 ? null : Instant.ofEpochMilli(dayOf(claim.submittedAt));
    }

    private void reverse(Claim claim, long t, long paid) {
        Encounter enc = claim.enc;
        ClaimReversed event = new ClaimReversed(uuid(v2rng), Instant.ofEpochMilli(t), enc.facility, enc.id, claim.id,
                claim.payerId(), paid);
        emit(event, EventType.ClaimReversed, claim.id, t, claim.clock);
    }

    /**
     * Version 2, every scenario: about 3 % of codings are audited by QA 5 to 30 days later (drawn
     * from the version-2 stream, apart from the encounters' own draws).
     */
    private void maybeAudit(Encounter enc, EncounterCoded coded, long t) {
        if (v2 && v2rng.nextDouble() < 0.03) {
            schedule(t + 5 * DAY + (long) (v2rng.nextDouble() * 25 * DAY), K_AUDIT, enc, null, coded);
        }
    }

    /**
     * Accuracy is lower for one outpatient coder and for the newest model version of the run: the
     * one the department moves to ({@code coder-llm-1.5}), or the scenario's own when it rolls one
     * out ({@code coder-llm-2.0} in rubber-stamp, {@code coder-llm-2.1} in degrading-model).
     */
    private void audit(Encounter enc, long t, EncounterCoded coded) {
        SplittableRandom r = v2rng;
        boolean weak = (coded.getCoderId() != null && coded.getCoderId().equals(coderIds[weakCoder]))
                || modelVersion(Long.MAX_VALUE).equals(coded.getModelVersion());
        double u = r.nextDouble();
        AuditVerdict verdict = u < (weak ? 0.62 : 0.86) ? AuditVerdict.ACCURATE
                : u < (weak ? 0.82 : 0.96) ? AuditVerdict.MINOR_VARIANCE : AuditVerdict.MATERIAL_ERROR;
        int changed = switch (verdict) {
            case ACCURATE -> 0;
            case MINOR_VARIANCE -> 1;
            case MATERIAL_ERROR -> 1 + r.nextInt(3);
        };
        long impact = switch (verdict) {
            case ACCURATE -> 0;
            case MINOR_VARIANCE -> Math.round(coded.getChargeCents() * (0.01 + 0.04 * r.nextDouble()));
            case MATERIAL_ERROR -> Math.round(coded.getChargeCents() * (0.05 + 0.20 * r.nextDouble()));
        };
        if (r.nextBoolean()) {
            impact = -impact; // over-billed
        }
        CodingAudited event = new CodingAudited(uuid(r), Instant.ofEpochMilli(t), enc.facility, enc.id,
                String.format("QA%02d", 1 + r.nextInt(4)), coded.getRevision(), coded.getCodingMode(), coded.getModelVersion(),
                coded.getSpecialty(), verdict, changed, impact);
        emit(event, EventType.CodingAudited, enc.id, t, enc.encClock);
    }

    /** The next daily claim batch at or after t. */
    private static long batchTime(long t) {
        long b = dayOf(t) + BATCH_HOUR * HOUR;
        return b >= t ? b : b + DAY;
    }

    /** Start of t's UTC day: remittances are dated by day (BPR16). */
    private static long dayOf(long t) {
        return Math.floorDiv(t, DAY) * DAY;
    }

    // ------------------------------------------------------------------------------------------
    // helpers

    private static int[] range(int from, int to) {
        int[] a = new int[to - from];
        for (int i = 0; i < a.length; i++) {
            a[i] = from + i;
        }
        return a;
    }

    private static double[] normalise(double[] w) {
        double sum = 0;
        for (double x : w) {
            sum += x;
        }
        double[] out = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            out[i] = w[i] * w.length / sum;
        }
        return out;
    }

    /** Index drawn with probability proportional to its weight. */
    static int pick(SplittableRandom r, double[] weights) {
        double total = 0;
        for (double w : weights) {
            total += w;
        }
        double u = r.nextDouble() * total;
        for (int i = 0; i < weights.length; i++) {
            u -= weights[i];
            if (u < 0) {
                return i;
            }
        }
        for (int i = weights.length - 1; i >= 0; i--) {
            if (weights[i] > 0) {
                return i;
            }
        }
        return weights.length - 1;
    }

    /** Log-normal with the given mean (not median); StrictMath keeps it identical on every JVM. */
    static double logNormal(SplittableRandom r, double mean, double sigma) {
        double u1 = 1.0 - r.nextDouble(); // (0, 1]
        double u2 = r.nextDouble();
        double z = StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2.0 * StrictMath.PI * u2);
        return mean * StrictMath.exp(sigma * z - sigma * sigma / 2.0);
    }

    private static long cents(double dollars) {
        return Math.max(1, Math.round(dollars * 100.0));
    }

    /** A version-4 UUID from the seeded generator: opaque, unique in practice, reproducible. */
    static String uuid(SplittableRandom r) {
        long msb = (r.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }

    private static int indexOf(String[] a, String s) {
        for (int i = 0; i < a.length; i++) {
            if (a[i].equals(s)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean containsCode(List<CodeEntry> codes, String code) {
        for (CodeEntry c : codes) {
            if (c.getCode().equals(code)) {
                return true;
            }
        }
        return false;
    }
}
