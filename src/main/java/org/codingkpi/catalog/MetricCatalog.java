package org.codingkpi.catalog;

import org.codingkpi.kpi.Series;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every metric family the pipeline publishes, in one table: name, type, labels, unit, help and the
 * state it is computed from. The exporter builds the state-backed families from it, the ROI and
 * compliance exporters take their names, labels and help from it, docs/metrics.md is generated from
 * it, and the tests check the scrape, the dashboards' label matchers and the naming rules against it.
 * shared/spec/KPIS.md and ROI.md are the contract; this is its one copy in code.
 */
public final class MetricCatalog {
    public enum Type { COUNTER, GAUGE, HISTOGRAM }

    /**
     * One family.
     *
     * @param name     the exposed name (counters with {@code _total})
     * @param reads    the state it is computed from, in words (for the docs)
     * @param series   for state-backed counters and histograms: the series group, else null
     * @param slot     the counter's slot in the group's values
     * @param divisor  state units per published unit (100: cents kept, dollars published; 1000: milliseconds kept, seconds published)
     * @param buckets  histogram upper bounds, seconds
     */
    public record Family(String name, Type type, String unit, List<String> labels, String help, String reads,
                         Series series, int slot, double divisor, double[] buckets) {
        /** The name without the {@code _total} a counter's exposition adds. */
        public String baseName() {
            return type == Type.COUNTER && name.endsWith("_total") ? name.substring(0, name.length() - "_total".length()) : name;
        }
    }

    private static final Map<String, Family> FAMILIES = new LinkedHashMap<>();

    private static void counter(String name, String unit, Series s, int slot, double divisor, String help) {
        add(new Family(name, Type.COUNTER, unit, s.labelNames(), help, "KPI series " + s.name() + " slot " + slot, s, slot, divisor, null));
    }

    private static void histogram(String name, Series s, double[] buckets, double sumDivisor, String help) {
        add(new Family(name, Type.HISTOGRAM, "seconds", s.labelNames(), help, "KPI series " + s.name() + " (bucket counts, sum)",
                s, -1, sumDivisor, buckets));
    }

    private static void derived(String name, Type type, String unit, List<String> labels, String reads, String help) {
        add(new Family(name, type, unit, labels, help, reads, null, -1, 1, null));
    }

    private static void add(Family f) {
        if (FAMILIES.put(f.name(), f) != null) {
            throw new IllegalStateException("metric " + f.name() + " defined twice");
        }
    }

    static {
        // --- KPIS.md §3: encounters and coding
        counter("coding_encounters_discharged_total", "", Series.DISCHARGED, 0, 1, "EncounterDischarged events.");
        counter("coding_encounters_coded_total", "", Series.CODED, 0, 1, "EncounterCoded events with revision 1 (first coding).");
        counter("coding_encounters_recoded_total", "", Series.CODED, 1, 1,
                "EncounterCoded events with revision > 1 (rework), by the mode of that revision.");
        counter("coding_coder_seconds_total", "seconds", Series.CODED, 2, 1, "Active coder seconds over all revisions (coding_seconds).");
        histogram("coding_turnaround_seconds", Series.TURNAROUND, Series.Buckets.TURNAROUND, 1000,
                "Revision-1 coding turnaround: occurred_at minus discharged_at, seconds.");
        derived("coding_dnfc_encounters", Type.GAUGE, "", List.of("facility", "setting", "age"),
                "DNFC index of the encounter records (discharged, no revision-1 coding), aged on stream time",
                "Encounters discharged and not final coded (no revision-1 coding yet), by age = stream time minus discharge.");
        derived("coding_dnfc_charges_dollars", Type.GAUGE, "dollars", List.of("facility", "setting", "age"),
                "DNFC index of the encounter records, expected charges in cents",
                "Expected charges (dollars) of the encounters discharged and not final coded, by age.");
        // --- AI review
        counter("coding_ai_suggestions_total", "", Series.AI_SUGGESTIONS, 0, 1, "AI code suggestions reviewed by a coder.");
        histogram("coding_ai_review_seconds", Series.AI_REVIEW, Series.Buckets.AI_REVIEW, 1,
                "Seconds a coder spent reviewing one AI suggestion.");
        counter("coding_final_codes_total", "", Series.FINAL_CODES, 0, 1, "Codes of revision-1 codings, by where each code came from.");
        // --- claims
        derived("coding_claims_adjudicated_total", Type.COUNTER, "", List.of("facility", "payer", "setting", "coding_mode", "outcome"),
                "KPI series CLAIMS slots 0 (paid) and 1 (denied)",
                "First adjudications of claims: outcome paid (first-pass) or denied (initial denial).");
        counter("coding_claims_billed_dollars_total", "dollars", Series.CLAIMS, 2, 100, "Billed dollars of first adjudications.");
        counter("coding_claims_denied_total", "", Series.DENIED, 0, 1,
                "Initial denials (the claim's first adjudication is a denial), by CARC category.");
        counter("coding_claims_denied_dollars_total", "dollars", Series.DENIED, 1, 100,
                "Billed dollars of initial denials (HFMA dollar denial rate numerator).");
        counter("coding_claims_paid_dollars_total", "dollars", Series.CLAIMS, 3, 100, "Paid dollars of every ClaimPaid.");
        counter("coding_denials_overturned_total", "", Series.OVERTURNED, 0, 1,
                "Initial denials later paid (first payment only); labels of the initial denial.");
        histogram("coding_claim_payment_seconds", Series.PAYMENT, Series.Buckets.PAYMENT, 1000,
                "ClaimPaid: occurred_at minus submitted_at, seconds.");
        // --- KPIS.md §3b: the billing side
        counter("coding_claims_submitted_total", "", Series.SUBMITTED, 0, 1, "ClaimSubmitted events, by frequency (ORIGINAL, REPLACEMENT, VOID).");
        counter("coding_claims_submitted_dollars_total", "dollars", Series.CLAIMS, 4, 100,
                "Billed dollars of ORIGINAL ClaimSubmitted events (gross charges billed).");
        derived("coding_dnfb_encounters", Type.GAUGE, "", List.of("facility", "setting", "age"),
                "DNFB index of the encounter records (discharged, no claim event but a VOID submission), aged on stream time",
                "Encounters discharged and not final billed, by age = stream time minus discharge.");
        derived("coding_dnfb_charges_dollars", Type.GAUGE, "dollars", List.of("facility", "setting", "age"),
                "DNFB index of the encounter records, expected charges in cents",
                "Expected charges (dollars) of the encounters discharged and not final billed, by age.");
        histogram("coding_bill_lag_seconds", Series.BILL_LAG, Series.Buckets.BILL_LAG, 1000,
                "First non-VOID ClaimSubmitted of each claim with a known attribution: occurred_at minus the attributed coding's discharged_at.");
        derived("coding_ar_open_claims", Type.GAUGE, "", List.of("facility", "payer", "age"),
                "A/R index of the claim states (submitted, not voided, latest remittance not a payment), aged on stream time",
                "Claims in accounts receivable, by age = stream time minus the first non-VOID submission.");
        derived("coding_ar_open_dollars", Type.GAUGE, "dollars", List.of("facility", "payer", "age"),
                "A/R index of the claim states, billed cents of the latest non-VOID submission",
                "Billed dollars (latest non-VOID submission) of the claims in accounts receivable, by age.");
        counter("coding_claim_denial_reasons_total", "", Series.DENIAL_REASONS, 0, 1,
                "Adjustments of group CO, OA or PI of initial denials, one per adjustment entry, by CARC.");
        counter("coding_claim_denial_reason_dollars_total", "dollars", Series.DENIAL_REASONS, 1, 100,
                "Dollars of the adjustments of group CO, OA or PI of initial denials, by CARC.");
        histogram("coding_denial_resolution_seconds", Series.RESOLUTION, Series.Buckets.RESOLUTION, 1000,
                "Overturned initial denials: occurred_at of the payment minus occurred_at of the initial denial.");
        counter("coding_claims_reversed_total", "", Series.CLAIMS, 5, 1, "ClaimReversed events.");
        counter("coding_claims_reversed_dollars_total", "dollars", Series.CLAIMS, 6, 100, "Dollars of payments taken back (ClaimReversed).");
        counter("coding_claims_payment_time_unknown_total", "", Series.PAYMENT_UNKNOWN, 0, 1,
                "ClaimPaid events whose submission time is unknown: left out of the time to payment and of the ROI cash figures.");
        // --- the pipeline's own bookkeeping
        counter("coding_events_total", "", Series.EVENTS, 0, 1, "Events accepted, by event type.");
        counter("coding_events_duplicate_total", "", Series.EVENTS, 1, 1,
                "Duplicate events (event_id already accepted from the same topic) ignored.");
        counter("coding_events_rejected_total", "", Series.REJECTED, 0, 1, "Records sent to the dead-letter topic, by reason.");
        counter("coding_coder_ai_suggestions_total", "", Series.CODER_AI, 0, 1, "AI suggestion decisions per coder (staff ids, capped).");
        derived("coding_stream_time_seconds", Type.GAUGE, "seconds", List.of(), "largest stream_time_ms metadata over the tasks",
                "Stream time (largest occurred_at processed) as Unix seconds; freshness of every KPI.");
        derived("coding_pipeline_task_published", Type.GAUGE, "", List.of("task"), "the tasks publishing state on this instance",
                "1 for each Kafka Streams task (subtopology_partition) whose KPI state this instance publishes. "
                        + "Sum over instances: 1 per task.");
        // --- KPIS.md §5: compliance (coding_coder_ai_suggestions_total above)
        derived("coding_em_level_share", Type.GAUGE, "ratio", List.of("facility", "specialty", "level"), "KPI series EM_DAY (daily E/M level counts)",
                "Share of each E/M level among revision-1 E/M codes over the last drift.window complete days of stream time.");
        derived("coding_em_level_psi", Type.GAUGE, "", List.of("facility", "specialty"), "KPI series EM_DAY, window against baseline",
                "Population stability index of the E/M level mix over drift.window against the baseline period; 0.1 watch, 0.25 shift.");
        derived("coding_ai_acceptance_cusum", Type.GAUGE, "", List.of("specialty", "model_version", "direction"),
                "KPI series AI_ACCEPTANCE_DAY (daily decisions and acceptances)",
                "CUSUM of the daily AI acceptance rate against the model version's baseline, in standard deviations (k = 0.5); "
                        + "direction up (a rise) or down (a collapse); alarm above 5; both restart with a new model version.");
        // --- KPIS.md §5, version 2
        counter("coding_ai_assisted_codes_total", "", Series.AI_ASSISTED_CODES, 0, 1,
                "Codes of revision-1 AI_ASSISTED codings by source; MANUAL ones are codes the AI missed (recall).");
        counter("coding_oversight_breaches_total", "", Series.OVERSIGHT, 0, 1,
                "Revision-1 AUTONOMOUS codings that a mandatory-review rule forbids, one per rule matched.");
        counter("coding_qa_audits_total", "", Series.QA_AUDITS, 0, 1, "CodingAudited events, by verdict.");
        counter("coding_qa_dollar_impact_dollars_total", "dollars", Series.QA_DOLLARS, 0, 100,
                "Absolute dollar impact of audited codings: under (the coding under-billed) or over (it over-billed).");
        derived("coding_audit_findings_open", Type.GAUGE, "", List.of("kind"),
                "the detector's findings state (active tasks of this instance)",
                "Audit findings raised and not yet closed, by kind. Sum over instances: each finding once.");
        // --- ROI.md
        derived("coding_roi_benefit_dollars", Type.GAUGE, "dollars", List.of("basis", "scenario", "component", "month"),
                "KPI series ROI_MONTH (month sums) and the ROI configuration",
                "Benefit of the month in dollars by basis (realized|projected), scenario (actual|conservative|expected|aggressive) "
                        + "and component (labor|denials|cash); month k >= 0 since go-live");
        derived("coding_roi_program_cost_dollars", Type.GAUGE, "dollars", List.of("month"), "the ROI configuration and stream time",
                "Program cost of the month in dollars: monthly, plus one-time in the go-live month");
        derived("coding_roi_cumulative_net_dollars", Type.GAUGE, "dollars", List.of("basis", "scenario"),
                "KPI series ROI_MONTH and the ROI configuration",
                "Sum over months from go-live to the month of stream time of benefits minus program cost, in dollars");
        derived("coding_roi_ratio", Type.GAUGE, "ratio", List.of("basis", "scenario"), "KPI series ROI_MONTH and the ROI configuration",
                "Cumulative net benefit divided by cumulative program cost since go-live");
        derived("coding_roi_baseline", Type.GAUGE, "", List.of("item", "setting", "source"),
                "the ROI configuration, and the ROI month sums of the months before go-live",
                "Baseline of the ROI formulas by item (minutes_per_encounter by setting, coding_denial_rate, "
                        + "days_to_payment) and source: configured (the ROI file) or measured (the months before go-live; "
                        + "absent without data)");
        derived("coding_roi_assumption", Type.GAUGE, "", List.of("name"), "the ROI configuration",
                "Assumptions of the ROI configuration by name: coder_hourly_cost and rework_cost_per_denial (dollars), "
                        + "cost_of_capital_annual (fraction)");
        // --- the pipeline's own meters (Micrometer)
        derived("coding_pipeline_ready", Type.GAUGE, "", List.of(), "the Kafka Streams state", "1 when Kafka Streams is RUNNING");
        derived("coding_pipeline_event_latency_seconds", Type.HISTOGRAM, "seconds", List.of(), "a Micrometer timer on the stream thread",
                "Wall clock at processing minus the record's Kafka timestamp (end-to-end latency for live feeds).");
    }

    private MetricCatalog() {
    }

    public static List<Family> families() {
        return List.copyOf(FAMILIES.values());
    }

    /** The family of an exposed name (a counter with or without {@code _total}); null when unknown. */
    public static Family get(String name) {
        Family f = FAMILIES.get(name);
        return f != null ? f : FAMILIES.get(name + "_total");
    }

    /** The family, which must exist. */
    public static Family require(String name) {
        Family f = get(name);
        if (f == null) {
            throw new IllegalArgumentException("metric " + name + " is not in the catalog");
        }
        return f;
    }

    /** The metric reference of docs/metrics.md. */
    public static String markdown() {
        List<String> lines = new ArrayList<>();
        lines.add("# Metric reference");
        lines.add("");
        lines.add("Generated from `src/main/java/org/codingkpi/catalog/MetricCatalog.java` (the test `MetricCatalogTest` keeps this page");
        lines.add("equal to it). The definitions are shared/spec/KPIS.md and ROI.md; this is what `/metrics` publishes.");
        lines.add("");
        lines.add("| metric | type | unit | labels | help | computed from |");
        lines.add("|---|---|---|---|---|---|");
        for (Family f : FAMILIES.values()) {
            lines.add("| `" + f.name() + "` | " + f.type().name().toLowerCase() + " | " + f.unit() + " | "
                    + String.join(", ", f.labels()) + " | " + f.help().replace("|", "\\|") + " | " + f.reads() + " |");
        }
        lines.add("");
        return String.join("\n", lines);
    }
}
