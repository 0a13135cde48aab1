package org.codingkpi.it;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.utils.Utils;
import org.codingkpi.events.Adjustment;
import org.codingkpi.events.AiSuggestionReviewed;
import org.codingkpi.events.ClaimDenied;
import org.codingkpi.events.ClaimFrequency;
import org.codingkpi.events.ClaimPaid;
import org.codingkpi.events.ClaimReversed;
import org.codingkpi.events.ClaimSubmitted;
import org.codingkpi.events.CodingAudited;
import org.codingkpi.events.CodeEntry;
import org.codingkpi.events.EncounterCoded;
import org.codingkpi.events.EncounterDischarged;
import org.codingkpi.events.EventType;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * An independent, deliberately naive implementation of KPIS.md §1–§4 (with §3b, the billing side,
 * and the version-2 auditor counters of §5; EVENTS.md "Version 2") over a whole file held in
 * memory: a second reading of the contract to check the streaming one against. Not computed here:
 * the E/M share and PSI, the acceptance CUSUMs and the open findings (they follow the compliance
 * detector's day clock) and the ROI families (RoiReplayIT has its own reading). It works feed by
 * feed (the encounter feed first, then claims), which is exactly what the contract's attribution
 * rule makes equivalent to any interleaving. It computes expected sample values keyed like the
 * Prometheus text format ({@code name{a="x",b="y"}}, labels sorted).
 */
final class ReferenceModel {
    private static final long DAY = 86_400_000L;
    private final int partitions;
    private final long maxWaitMs;
    private final long dnfcRetentionMs;
    final Map<String, Double> expected = new TreeMap<>();
    /** After {@link #run}: the accepted events (valid, first delivery per topic), in delivery order. */
    final List<SpecificRecord> accepted = new ArrayList<>();
    /** After {@link #run}: the largest occurred_at of the accepted events (ms). */
    long streamTimeMs = Long.MIN_VALUE;
    /** After {@link #run}: each claim's attribution (KPIS.md §1), decided once at its first event. */
    final Map<String, Attribution> claimAttribution = new HashMap<>();

    ReferenceModel(int partitions, long maxWaitMs) {
        this(partitions, maxWaitMs, Long.MAX_VALUE);
    }

    /** @param dnfcRetentionMs an encounter discharged longer ago than this (stream time) leaves the DNFC backlog */
    ReferenceModel(int partitions, long maxWaitMs, long dnfcRetentionMs) {
        this.partitions = partitions;
        this.maxWaitMs = maxWaitMs;
        this.dnfcRetentionMs = dnfcRetentionMs;
    }

    record Attribution(String setting, String mode, long feedMaxBefore) {
        /** ROI.md's AI modes. */
        boolean aiMode() {
            return mode.equals("AI_ASSISTED") || mode.equals("AUTONOMOUS");
        }
    }

    /** dnfb.retention (default 365 days). */
    private long dnfbRetentionMs = 365L * DAY;
    /** ar.retention (default 365 days). */
    private long arRetentionMs = 365L * DAY;
    private static final double H = 3600;
    private static final double D = 86_400;
    /** KPIS.md §3 and §3b: the buckets of each histogram, seconds. */
    static final double[] TURNAROUND = {H, 4 * H, 12 * H, D, 2 * D, 3 * D, 5 * D, 7 * D, 14 * D, 30 * D};
    static final double[] REVIEW = {1, 2, 5, 10, 30, 60, 120, 300};
    static final double[] PAYMENT = {7 * D, 14 * D, 21 * D, 30 * D, 45 * D, 60 * D, 90 * D, 120 * D};
    static final double[] BILL_LAG = {D, 2 * D, 3 * D, 5 * D, 7 * D, 14 * D, 30 * D, 60 * D};
    static final double[] RESOLUTION = {7 * D, 14 * D, 30 * D, 45 * D, 60 * D, 90 * D, 120 * D, 180 * D};
    /** Whether histograms get their {@code _bucket} samples too (keys with {@code le} as {@link #le} writes it). */
    private boolean buckets;

    /** A mandatory-review rule (KPIS.md §5 v2); null: no condition on that field. */
    record Rule(String name, String setting, String specialty, Long minChargeCents) {
    }

    /** The default rules: inpatient = setting INPATIENT, high_dollar = charge >= 2,500,000 cents. */
    private List<Rule> oversightRules = List.of(new Rule("inpatient", "INPATIENT", null, null), new Rule("high_dollar", null, null, 2_500_000L));

    /** Other mandatory-review rules than the defaults. */
    ReferenceModel withOversightRules(List<Rule> rules) {
        this.oversightRules = rules;
        return this;
    }

    /** Other dnfb.retention and ar.retention than the defaults. */
    ReferenceModel withRetentions(Duration dnfb, Duration ar) {
        this.dnfbRetentionMs = dnfb.toMillis();
        this.arRetentionMs = ar.toMillis();
        return this;
    }

    /** Histograms with their cumulative buckets as well as _count and _sum. */
    ReferenceModel withBuckets() {
        this.buckets = true;
        return this;
    }

    void run(List<SpecificRecord> deliveries) {
        Map<String, Set<String>> seen = new HashMap<>();
        accepted.clear();
        claimAttribution.clear();
        long streamTime = Long.MIN_VALUE;
        for (SpecificRecord e : deliveries) {
            EventType t = EventType.of(e);
            if (!seen.computeIfAbsent(t.defaultTopic(), k -> new HashSet<>()).add((String) e.get(0))) {
                add("coding_events_duplicate_total", 1, "type", t.name());
                continue;
            }
            add("coding_events_total", 1, "type", t.name());
            accepted.add(e);
            streamTime = Math.max(streamTime, EventType.occurredAtMs(e));
        }
        streamTimeMs = streamTime;
        // encounter feed, per partition, in order
        Map<Integer, Long> feedMax = new HashMap<>();
        Map<String, Attribution> attribution = new HashMap<>();
        Map<String, EncounterDischarged> dnfc = new HashMap<>();
        // discharged_at of the coding each encounter's claims are attributed to (its first revision-1 coding)
        Map<String, Long> attributedDischargedAt = new HashMap<>();
        for (SpecificRecord e : accepted) {
            if (e instanceof EncounterDischarged d) {
                add("coding_encounters_discharged_total", 1, "facility", d.getFacilityId(), "setting", d.getSetting().name(), "specialty", d.getSpecialty());
                if (!attribution.containsKey(d.getEncounterId())) {
                    dnfc.put(d.getEncounterId(), d);
                }
            } else if (e instanceof EncounterCoded c) {
                String[] l = {"facility", c.getFacilityId(), "setting", c.getSetting().name(), "specialty", c.getSpecialty(), "coding_mode", c.getCodingMode().name()};
                long before = feedMax.getOrDefault(partition(c.getEncounterId()), Long.MIN_VALUE);
                if (c.getRevision() == 1) {
                    add("coding_encounters_coded_total", 1, l);
                    double turnaround = (c.getOccurredAt().toEpochMilli() - c.getDischargedAt().toEpochMilli()) / 1000.0;
                    String[] tl = {"facility", c.getFacilityId(), "setting", c.getSetting().name(), "coding_mode", c.getCodingMode().name()};
                    observe("coding_turnaround_seconds", turnaround, TURNAROUND, tl);
                    for (CodeEntry code : c.getCodes()) {
                        add("coding_final_codes_total", 1, "facility", c.getFacilityId(), "specialty", c.getSpecialty(),
                                "code_system", code.getSystem().name(), "source", code.getSource().name());
                    }
                    if (c.getCodingMode() == org.codingkpi.events.CodingMode.AI_ASSISTED) {
                        // KPIS.md §5 v2: the AI's recall, by the coding's model version
                        String model = c.getModelVersion() == null ? "unknown" : c.getModelVersion();
                        for (CodeEntry code : c.getCodes()) {
                            add("coding_ai_assisted_codes_total", 1, "facility", c.getFacilityId(), "specialty", c.getSpecialty(),
                                    "model_version", model, "code_system", code.getSystem().name(), "source", code.getSource().name());
                        }
                    } else if (c.getCodingMode() == org.codingkpi.events.CodingMode.AUTONOMOUS) {
                        // KPIS.md §5 v2: every mandatory-review rule whose conditions all hold, one count each
                        for (Rule rule : oversightRules) {
                            if ((rule.setting() == null || rule.setting().equals(c.getSetting().name()))
                                    && (rule.specialty() == null || rule.specialty().equals(c.getSpecialty()))
                                    && (rule.minChargeCents() == null || c.getChargeCents() >= rule.minChargeCents())) {
                                add("coding_oversight_breaches_total", 1, "facility", c.getFacilityId(), "setting", c.getSetting().name(), "rule", rule.name());
                            }
                        }
                    }
                    if (attribution.putIfAbsent(c.getEncounterId(), new Attribution(c.getSetting().name(), c.getCodingMode().name(), before)) == null) {
                        attributedDischargedAt.put(c.getEncounterId(), c.getDischargedAt().toEpochMilli());
                    }
                    dnfc.remove(c.getEncounterId());
                } else {
                    add("coding_encounters_recoded_total", 1, l);
                }
                add("coding_coder_seconds_total", c.getCodingSeconds(), l);
            } else if (e instanceof AiSuggestionReviewed a) {
                add("coding_ai_suggestions_total", 1, "facility", a.getFacilityId(), "specialty", a.getSpecialty(),
                        "code_system", a.getCodeSystem().name(), "model_version", a.getModelVersion(), "decision", a.getDecision().name());
                observe("coding_ai_review_seconds", a.getReviewSeconds(), REVIEW, "specialty", a.getSpecialty(), "decision", a.getDecision().name());
                add("coding_coder_ai_suggestions_total", 1, "coder", a.getCoderId(), "decision", a.getDecision().name());
            } else if (e instanceof CodingAudited q) {
                // KPIS.md §5 v2: labels from the audit event itself (the audited revision's mode, as the event states it)
                String[] l = {"facility", q.getFacilityId(), "specialty", q.getSpecialty(), "coding_mode", q.getCodingMode().name()};
                add("coding_qa_audits_total", 1, append(l, "verdict", q.getVerdict().name()));
                long impact = q.getDollarImpactCents();
                if (impact != 0) {
                    add("coding_qa_dollar_impact_dollars_total", Math.abs(impact) / 100.0, append(l, "direction", impact > 0 ? "under" : "over"));
                }
            }
            // the encounter feed's clock: every event of the encounters topic (CodingAudited included)
            if (e instanceof EncounterDischarged || e instanceof EncounterCoded || e instanceof CodingAudited) {
                feedMax.merge(partition((String) e.get(3)), EventType.occurredAtMs(e), Math::max);
            }
        }
        for (EncounterDischarged d : dnfc.values()) {
            if (streamTime - d.getOccurredAt().toEpochMilli() > dnfcRetentionMs) {
                continue;
            }
            double ageDays = (streamTime - d.getOccurredAt().toEpochMilli()) / (double) DAY;
            String age = ageDays < 1 ? "0-1d" : ageDays < 3 ? "1-3d" : ageDays < 7 ? "3-7d" : "7d+";
            add("coding_dnfc_encounters", 1, "facility", d.getFacilityId(), "setting", d.getSetting().name(), "age", age);
            add("coding_dnfc_charges_dollars", d.getExpectedChargeCents() / 100.0, "facility", d.getFacilityId(), "setting", d.getSetting().name(), "age", age);
        }
        // DNFB (KPIS.md §3b): discharged, and no claim event of the encounter anywhere in the history (none but a VOID submission)
        Map<String, EncounterDischarged> lastDischarge = new HashMap<>();
        Set<String> billed = new HashSet<>();
        for (SpecificRecord e : accepted) {
            if (e instanceof EncounterDischarged d) {
                if (!billed.contains(d.getEncounterId())) {
                    lastDischarge.put(d.getEncounterId(), d);
                }
            } else if (e instanceof ClaimDenied || e instanceof ClaimPaid || e instanceof org.codingkpi.events.ClaimReversed
                    || e instanceof org.codingkpi.events.ClaimSubmitted s && s.getFrequency() != org.codingkpi.events.ClaimFrequency.VOID) {
                billed.add((String) e.get(3));
                lastDischarge.remove((String) e.get(3));
            }
        }
        for (EncounterDischarged d : lastDischarge.values()) {
            if (streamTime - d.getOccurredAt().toEpochMilli() > dnfbRetentionMs) {
                continue;
            }
            double ageDays = (streamTime - d.getOccurredAt().toEpochMilli()) / (double) DAY;
            String age = ageDays < 1 ? "0-1d" : ageDays < 3 ? "1-3d" : ageDays < 7 ? "3-7d" : "7d+";
            add("coding_dnfb_encounters", 1, "facility", d.getFacilityId(), "setting", d.getSetting().name(), "age", age);
            add("coding_dnfb_charges_dollars", d.getExpectedChargeCents() / 100.0, "facility", d.getFacilityId(), "setting", d.getSetting().name(), "age", age);
        }
        // claims, in the claims topic's order (KPIS.md §1, §3b; EVENTS.md "Version 2")
        Map<String, ClaimView> claims = new HashMap<>();
        for (SpecificRecord e : accepted) {
            if (!(e instanceof ClaimDenied || e instanceof ClaimPaid || e instanceof ClaimSubmitted || e instanceof ClaimReversed)) {
                continue;
            }
            String claim = EventType.key(e);
            String encounter = (String) e.get(3);
            long t = EventType.occurredAtMs(e);
            // decided at the claim's first event of any type (§3b: ClaimSubmitted and ClaimReversed are claim events too)
            Attribution a = claimAttribution.computeIfAbsent(claim, k -> {
                Attribution enc = attribution.get(encounter);
                return enc != null && enc.feedMaxBefore() <= t + maxWaitMs ? enc : new Attribution("unknown", "unknown", 0);
            });
            ClaimView c = claims.computeIfAbsent(claim, k -> new ClaimView());
            String facility = (String) e.get(2);
            if (e instanceof ClaimSubmitted s) {
                String[] l = {"facility", facility, "payer", s.getPayerId(), "setting", a.setting(), "coding_mode", a.mode()};
                add("coding_claims_submitted_total", 1, append(l, "frequency", s.getFrequency().name()));
                if (s.getFrequency() == ClaimFrequency.ORIGINAL) {
                    add("coding_claims_submitted_dollars_total", s.getBilledCents() / 100.0, l);
                }
                if (s.getFrequency() == ClaimFrequency.VOID) {
                    c.voided = true;
                } else {
                    if (c.firstSubmittedAt == null) {
                        c.firstSubmittedAt = t;
                        c.arFacility = facility;
                        c.arPayer = s.getPayerId();
                        if (!a.setting().equals("unknown")) {
                            // the attributed coding is the encounter's first revision-1 coding
                            double lag = (t - attributedDischargedAt.get(encounter)) / 1000.0;
                            observe("coding_bill_lag_seconds", lag, BILL_LAG, "facility", facility, "setting", a.setting());
                        }
                    }
                    c.latestBilledCents = s.getBilledCents();
                }
            } else if (e instanceof ClaimReversed r) {
                String[] l = {"facility", facility, "payer", r.getPayerId(), "setting", a.setting(), "coding_mode", a.mode()};
                add("coding_claims_reversed_total", 1, l);
                add("coding_claims_reversed_dollars_total", r.getReversedCents() / 100.0, l);
                c.latestPaid = false; // any reversal, partial or whole, reopens
            } else if (e instanceof ClaimDenied d) {
                if (!c.adjudicated) {
                    c.adjudicated = true;
                    String category = category(d.getAdjustments(), d.getRemarkCodes());
                    String[] l = {"facility", facility, "payer", d.getPayerId(), "setting", a.setting(), "coding_mode", a.mode()};
                    add("coding_claims_adjudicated_total", 1, append(l, "outcome", "denied"));
                    add("coding_claims_billed_dollars_total", d.getBilledCents() / 100.0, l);
                    add("coding_claims_denied_total", 1, append(l, "category", category));
                    add("coding_claims_denied_dollars_total", d.getBilledCents() / 100.0, append(l, "category", category));
                    c.firstDenial = new String[] {facility, d.getPayerId(), category, Long.toString(t)};
                    for (Adjustment adj : d.getAdjustments()) {
                        String g = adj.getGroup().name();
                        if (g.equals("CO") || g.equals("OA") || g.equals("PI")) {
                            add("coding_claim_denial_reasons_total", 1, "payer", d.getPayerId(), "group", g, "carc", adj.getReason());
                            add("coding_claim_denial_reason_dollars_total", adj.getAmountCents() / 100.0, "payer", d.getPayerId(), "group", g,
                                    "carc", adj.getReason());
                        }
                    }
                }
                // A/R: a ClaimDenied changes nothing
            } else {
                ClaimPaid p = (ClaimPaid) e;
                String[] l = {"facility", facility, "payer", p.getPayerId(), "setting", a.setting(), "coding_mode", a.mode()};
                add("coding_claims_paid_dollars_total", p.getPaidCents() / 100.0, l);
                // EVENTS.md v2: submitted_at, else the first non-VOID ClaimSubmitted earlier in the claims topic's order
                // when that is not later than the payment; else unknown
                Long submittedAt = p.getSubmittedAt() != null ? Long.valueOf(p.getSubmittedAt().toEpochMilli())
                        : c.firstSubmittedAt != null && c.firstSubmittedAt <= t ? c.firstSubmittedAt : null;
                if (submittedAt == null) {
                    add("coding_claims_payment_time_unknown_total", 1, "payer", p.getPayerId());
                } else {
                    observe("coding_claim_payment_seconds", (t - submittedAt) / 1000.0, PAYMENT, "payer", p.getPayerId(), "coding_mode", a.mode());
                }
                if (!c.adjudicated) {
                    c.adjudicated = true;
                    add("coding_claims_adjudicated_total", 1, append(l, "outcome", "paid"));
                    add("coding_claims_billed_dollars_total", p.getBilledCents() / 100.0, l);
                } else if (c.firstDenial != null && !c.overturned) {
                    c.overturned = true;
                    String[] fd = c.firstDenial;
                    add("coding_denials_overturned_total", 1, "facility", fd[0], "payer", fd[1], "category", fd[2]);
                    observe("coding_denial_resolution_seconds", (t - Long.parseLong(fd[3])) / 1000.0, RESOLUTION, "payer", fd[1], "category", fd[2]);
                }
                c.latestPaid = true;
            }
        }
        // a negative total of signed adjustment amounts is not published: a Prometheus counter cannot be negative (docs/x12.md)
        expected.entrySet().removeIf(x -> x.getKey().startsWith("coding_claim_denial_reason_dollars_total{") && x.getValue() < 0);
        // A/R (KPIS.md §3b) at the final stream time
        for (ClaimView c : claims.values()) {
            if (c.firstSubmittedAt == null || c.voided || c.latestPaid || streamTime - c.firstSubmittedAt > arRetentionMs) {
                continue;
            }
            double ageDays = (streamTime - c.firstSubmittedAt) / (double) DAY;
            String age = ageDays < 30 ? "0-30d" : ageDays < 60 ? "30-60d" : ageDays < 90 ? "60-90d" : ageDays < 120 ? "90-120d" : "120d+";
            add("coding_ar_open_claims", 1, "facility", c.arFacility, "payer", c.arPayer, "age", age);
            add("coding_ar_open_dollars", c.latestBilledCents / 100.0, "facility", c.arFacility, "payer", c.arPayer, "age", age);
        }
    }

    /** What the contract remembers of one claim, naively. */
    private static final class ClaimView {
        boolean adjudicated;
        boolean overturned;
        /** facility, payer, category, occurred_at of the initial denial; null when the first adjudication was a payment. */
        String[] firstDenial;
        /** occurred_at of the first non-VOID ClaimSubmitted in the claims topic's order. */
        Long firstSubmittedAt;
        String arFacility;
        String arPayer;
        /** billed_cents of the latest non-VOID ClaimSubmitted. */
        long latestBilledCents;
        boolean voided;
        /** The latest of the claim's ClaimPaid and ClaimReversed events is a ClaimPaid. */
        boolean latestPaid;
    }

    /** KPIS.md §4, written out again. */
    static String category(List<Adjustment> adjustments, List<String> rarcs) {
        List<List<String>> lists = List.of(
                List.of("4", "5", "6", "7", "8", "9", "10", "11", "16", "97", "146", "151", "181", "182", "189", "199", "234", "236"),
                List.of("15", "197", "198", "62"), List.of("26", "27", "31", "33", "109", "177"), List.of("50", "55", "56", "57", "167"),
                List.of("29"), List.of("18"));
        String[] names = {"coding", "authorization", "eligibility", "medical_necessity", "timely_filing", "duplicate"};
        Set<String> codingRarcs = Set.of("M20", "M51", "MA130", "N56", "N657");
        for (int i = 0; i < names.length; i++) {
            for (Adjustment a : adjustments) {
                String g = a.getGroup().name();
                if (!(g.equals("CO") || g.equals("OA") || g.equals("PI")) || !lists.get(i).contains(a.getReason())) {
                    continue;
                }
                if (a.getReason().equals("16") && rarcs.stream().noneMatch(codingRarcs::contains)) {
                    continue;
                }
                return names[i];
            }
        }
        return "other";
    }

    private int partition(String encounterId) {
        return Utils.toPositive(Utils.murmur2(encounterId.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    private static String[] append(String[] l, String k, String v) {
        String[] r = java.util.Arrays.copyOf(l, l.length + 2);
        r[l.length] = k;
        r[l.length + 1] = v;
        return r;
    }

    /** One observation of a Prometheus histogram: _count, _sum and (with {@link #withBuckets}) every bucket {@code le >= value}. */
    void observe(String name, double value, double[] bounds, String... labels) {
        add(name + "_count", 1, labels);
        add(name + "_sum", value, labels);
        if (!buckets) {
            return;
        }
        for (double b : bounds) {
            if (value <= b) {
                add(name + "_bucket", 1, append(labels, "le", le(b)));
            }
        }
        add(name + "_bucket", 1, append(labels, "le", "+Inf"));
    }

    /** The canonical text of a bucket bound in the model's keys (tests map the exposition's {@code le} to it). */
    static String le(double bound) {
        return Double.isInfinite(bound) ? "+Inf" : java.math.BigDecimal.valueOf(bound).stripTrailingZeros().toPlainString();
    }

    void add(String name, double value, String... labels) {
        expected.merge(key(name, labels), value, Double::sum);
    }

    static String key(String name, String... labels) {
        TreeMap<String, String> sorted = new TreeMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            sorted.put(labels[i], labels[i + 1]);
        }
        StringBuilder sb = new StringBuilder(name);
        if (!sorted.isEmpty()) {
            sb.append('{');
            sorted.forEach((k, v) -> sb.append(k).append("=\"").append(v).append("\","));
            sb.setLength(sb.length() - 1);
            sb.append('}');
        }
        return sb.toString();
    }
}
