package org.codingkpi.it;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.utils.Utils;
import org.codingkpi.events.Adjustment;
import org.codingkpi.events.AiSuggestionReviewed;
import org.codingkpi.events.ClaimDenied;
import org.codingkpi.events.ClaimPaid;
import org.codingkpi.events.CodeEntry;
import org.codingkpi.events.EncounterCoded;
import org.codingkpi.events.EncounterDischarged;
import org.codingkpi.events.EventType;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * An independent, deliberately naive implementation of KPIS.md §1–§4 over a whole file held in
 * memory: a second reading of the contract to check the streaming one against. It works feed by
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

    /** dnfb.retention's default. */
    private static final long DNFB_RETENTION_MS = 365L * DAY;

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
                    add("coding_turnaround_seconds_count", 1, tl);
                    add("coding_turnaround_seconds_sum", turnaround, tl);
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
                        // KPIS.md §5 v2, the default mandatory-review rules
                        if (c.getSetting() == org.codingkpi.events.Setting.INPATIENT) {
                            add("coding_oversight_breaches_total", 1, "facility", c.getFacilityId(), "setting", c.getSetting().name(), "rule", "inpatient");
                        }
                        if (c.getChargeCents() >= 2_500_000L) {
                            add("coding_oversight_breaches_total", 1, "facility", c.getFacilityId(), "setting", c.getSetting().name(), "rule", "high_dollar");
                        }
                    }
                    attribution.putIfAbsent(c.getEncounterId(), new Attribution(c.getSetting().name(), c.getCodingMode().name(), before));
                    dnfc.remove(c.getEncounterId());
                } else {
                    add("coding_encounters_recoded_total", 1, l);
                }
                add("coding_coder_seconds_total", c.getCodingSeconds(), l);
            } else if (e instanceof AiSuggestionReviewed a) {
                add("coding_ai_suggestions_total", 1, "facility", a.getFacilityId(), "specialty", a.getSpecialty(),
                        "code_system", a.getCodeSystem().name(), "model_version", a.getModelVersion(), "decision", a.getDecision().name());
                add("coding_ai_review_seconds_count", 1, "specialty", a.getSpecialty(), "decision", a.getDecision().name());
                add("coding_ai_review_seconds_sum", a.getReviewSeconds(), "specialty", a.getSpecialty(), "decision", a.getDecision().name());
                add("coding_coder_ai_suggestions_total", 1, "coder", a.getCoderId(), "decision", a.getDecision().name());
            }
            if (e instanceof EncounterDischarged || e instanceof EncounterCoded) {
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
            if (streamTime - d.getOccurredAt().toEpochMilli() > DNFB_RETENTION_MS) {
                continue;
            }
            double ageDays = (streamTime - d.getOccurredAt().toEpochMilli()) / (double) DAY;
            String age = ageDays < 1 ? "0-1d" : ageDays < 3 ? "1-3d" : ageDays < 7 ? "3-7d" : "7d+";
            add("coding_dnfb_encounters", 1, "facility", d.getFacilityId(), "setting", d.getSetting().name(), "age", age);
            add("coding_dnfb_charges_dollars", d.getExpectedChargeCents() / 100.0, "facility", d.getFacilityId(), "setting", d.getSetting().name(), "age", age);
        }
        // claims, in order
        Map<String, String[]> firstDenial = new HashMap<>();
        Set<String> adjudicated = new HashSet<>();
        Set<String> overturned = new HashSet<>();
        for (SpecificRecord e : accepted) {
            if (!(e instanceof ClaimDenied || e instanceof ClaimPaid)) {
                continue;
            }
            String claim = EventType.key(e);
            String encounter = (String) e.get(3);
            long t = EventType.occurredAtMs(e);
            Attribution a = claimAttribution.computeIfAbsent(claim, k -> {
                Attribution enc = attribution.get(encounter);
                return enc != null && enc.feedMaxBefore() <= t + maxWaitMs ? enc : new Attribution("unknown", "unknown", 0);
            });
            String facility = (String) e.get(2);
            if (e instanceof ClaimDenied d) {
                if (adjudicated.add(claim)) {
                    String category = category(d.getAdjustments(), d.getRemarkCodes());
                    String[] l = {"facility", facility, "payer", d.getPayerId(), "setting", a.setting(), "coding_mode", a.mode()};
                    add("coding_claims_adjudicated_total", 1, append(l, "outcome", "denied"));
                    add("coding_claims_billed_dollars_total", d.getBilledCents() / 100.0, l);
                    add("coding_claims_denied_total", 1, append(l, "category", category));
                    add("coding_claims_denied_dollars_total", d.getBilledCents() / 100.0, append(l, "category", category));
                    firstDenial.put(claim, new String[] {facility, d.getPayerId(), category, Long.toString(t)});
                    for (Adjustment adj : d.getAdjustments()) {
                        String g = adj.getGroup().name();
                        if (g.equals("CO") || g.equals("OA") || g.equals("PI")) {
                            add("coding_claim_denial_reasons_total", 1, "payer", d.getPayerId(), "group", g, "carc", adj.getReason());
                            add("coding_claim_denial_reason_dollars_total", adj.getAmountCents() / 100.0, "payer", d.getPayerId(), "group", g,
                                    "carc", adj.getReason());
                        }
                    }
                }
            } else {
                ClaimPaid p = (ClaimPaid) e;
                String[] l = {"facility", facility, "payer", p.getPayerId(), "setting", a.setting(), "coding_mode", a.mode()};
                add("coding_claims_paid_dollars_total", p.getPaidCents() / 100.0, l);
                double seconds = (t - p.getSubmittedAt().toEpochMilli()) / 1000.0;
                add("coding_claim_payment_seconds_count", 1, "payer", p.getPayerId(), "coding_mode", a.mode());
                add("coding_claim_payment_seconds_sum", seconds, "payer", p.getPayerId(), "coding_mode", a.mode());
                if (adjudicated.add(claim)) {
                    add("coding_claims_adjudicated_total", 1, append(l, "outcome", "paid"));
                    add("coding_claims_billed_dollars_total", p.getBilledCents() / 100.0, l);
                } else if (firstDenial.containsKey(claim) && overturned.add(claim)) {
                    String[] fd = firstDenial.get(claim);
                    add("coding_denials_overturned_total", 1, "facility", fd[0], "payer", fd[1], "category", fd[2]);
                    add("coding_denial_resolution_seconds_count", 1, "payer", fd[1], "category", fd[2]);
                    add("coding_denial_resolution_seconds_sum", (t - Long.parseLong(fd[3])) / 1000.0, "payer", fd[1], "category", fd[2]);
                }
            }
        }
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
