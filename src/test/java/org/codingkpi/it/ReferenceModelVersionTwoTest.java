package org.codingkpi.it;

import org.apache.avro.specific.SpecificRecord;
import org.codingkpi.events.AdjustmentGroup;
import org.codingkpi.events.AuditVerdict;
import org.codingkpi.events.ClaimFrequency;
import org.codingkpi.events.ClaimReversed;
import org.codingkpi.events.CodingMode;
import org.codingkpi.events.Setting;
import org.codingkpi.events.Adjustment;
import org.codingkpi.topology.KpiDriver;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.codingkpi.TestEvents.audited;
import static org.codingkpi.TestEvents.coded;
import static org.codingkpi.TestEvents.days;
import static org.codingkpi.TestEvents.denied;
import static org.codingkpi.TestEvents.discharged;
import static org.codingkpi.TestEvents.hours;
import static org.codingkpi.TestEvents.paid;
import static org.codingkpi.TestEvents.reversed;
import static org.codingkpi.TestEvents.submitted;

/**
 * The reference model's less obvious version-2 rules (KPIS.md §3b, §5; EVENTS.md "Version 2") on a
 * tiny hand-written history, with the values worked out by hand; then the same history through the
 * real topology, which must publish exactly the model's samples.
 */
class ReferenceModelVersionTwoTest {
    private static final double DAY = 86_400;
    private static final Instant END = hours(15 + 60 * 24);

    /** In processing order (one partition: the order of every topic). */
    static List<SpecificRecord> history() {
        org.codingkpi.events.EventType.values(); // trusts the event classes (the builders below copy nested records)
        ClaimReversed reversal = reversed("E2", "MEDICARE|E2", days(30), 100_000).build();
        return List.of(
                // old claims of E1 for the oldest A/R buckets (unattributed: the encounter feed passes their start + 30 days)
                submitted("E1", "BCBS|E1", days(-70), ClaimFrequency.ORIGINAL).setPayerId("BCBS").build(),
                submitted("E1", "CIGNA|E1", days(-35), ClaimFrequency.ORIGINAL).setPayerId("CIGNA").build(),
                discharged("E1", days(0)).build(),
                discharged("E2", days(0)).setSetting(Setting.OUTPATIENT).build(),
                // autonomous, inpatient, exactly $25,000: both default mandatory-review rules
                coded("E1", days(0), days(1), 1, CodingMode.AUTONOMOUS).setChargeCents(2_500_000).setModelVersion("m-auto").build(),
                // AI-assisted without a model version: "unknown"
                coded("E2", days(0), hours(12), 1, CodingMode.AI_ASSISTED).setSetting(Setting.OUTPATIENT).build(),
                submitted("E2", "MEDICARE|E2", hours(15), ClaimFrequency.ORIGINAL).build(),
                discharged("E3", days(1)).setSetting(Setting.PROFESSIONAL).build(),
                coded("E3", days(1), days(2), 1, CodingMode.MANUAL).setSetting(Setting.PROFESSIONAL).build(),
                discharged("E4", days(2)).build(), // never coded
                discharged("E7", days(2)).build(),
                submitted("E7", "MEDICARE|E7", days(3), ClaimFrequency.ORIGINAL).build(), // its coding comes too late (below)
                discharged("E8", days(5)).setSetting(Setting.OUTPATIENT).build(),
                coded("E8", days(5), days(6), 1, CodingMode.AI_ASSISTED).setSetting(Setting.OUTPATIENT).setModelVersion("m-2").build(),
                discharged("E9", days(5)).setSetting(Setting.PROFESSIONAL).build(),
                coded("E9", days(5), days(6), 1, CodingMode.MANUAL).setSetting(Setting.PROFESSIONAL).build(),
                // a REPLACEMENT as the first submission: bill lag and A/R from it, no gross charges billed
                submitted("E9", "MEDICARE|E9", days(8), ClaimFrequency.REPLACEMENT).setBilledCents(900_000).build(),
                submitted("E1", "MEDICARE|E1", days(3), ClaimFrequency.ORIGINAL).build(),
                submitted("E4", "MEDICARE|E4", days(3), ClaimFrequency.VOID).build(), // a VOID bills nothing: E4 stays in DNFB
                submitted("E1", "MEDICARE|E1", days(4), ClaimFrequency.VOID).build(),
                submitted("E2", "MEDICARE|E2", days(5), ClaimFrequency.REPLACEMENT).setBilledCents(1_500_000).build(),
                submitted("E1", "MEDICARE|E1", days(6), ClaimFrequency.ORIGINAL).build(), // rebilled after its VOID: A/R stays closed
                // a claim event before its encounter's discharge: E5 never enters DNFB; dated after its own payment
                submitted("E5", "MEDICARE|E5", days(12), ClaimFrequency.ORIGINAL).build(),
                discharged("E5", days(1)).build(),
                paid("E5", "MEDICARE|E5", null, days(9)).build(), // the only submission is later: time unknown
                coded("E5", days(1), days(7), 1, CodingMode.MANUAL).build(),
                denied("E3", "MEDICARE|E3", null, days(10),
                        adjustment(AdjustmentGroup.CO, "16", 1000), adjustment(AdjustmentGroup.PR, "1", 700), adjustment(AdjustmentGroup.OA, "18", -500))
                        .setRemarkCodes(List.of("M20")).build(),
                audited("E2", days(10), 1, CodingMode.AI_ASSISTED, AuditVerdict.ACCURATE, 0).build(),
                audited("E1", days(15), 1, CodingMode.AUTONOMOUS, AuditVerdict.MATERIAL_ERROR, -250_000).build(),
                coded("E1", days(0), days(16), 2, CodingMode.AUTONOMOUS).setChargeCents(2_600_000).build(), // a recoding: no breach
                reversed("E8", "UHC|E8", days(20), 5_000).setPayerId("UHC").build(), // a claim's first event is a reversal
                paid("E9", "MEDICARE|E9", days(7), days(20)).build(), // submitted_at given: it is the submission time
                reversed("E9", "MEDICARE|E9", days(25), 10_000).build(),
                paid("E9", "MEDICARE|E9", days(7), days(28)).build(),
                reversed("E9", "MEDICARE|E9", days(31), 10_000).build(), // open again
                paid("E2", "MEDICARE|E2", null, days(20)).build(), // submission time: the ORIGINAL's
                reversal,
                reversal, // re-delivered: a duplicate
                denied("E2", "MEDICARE|E2", null, days(35), adjustment(AdjustmentGroup.CO, "50", 1000)).build(), // not initial: nothing
                discharged("E6", days(40)).setFacilityId("FAC-SOUTH").build(), // the encounter feed passes E4's claim start + 30 days
                paid("E3", "MEDICARE|E3", null, days(40)).build(), // no submission at all: time unknown; an overturn
                coded("E7", days(2), days(45), 1, CodingMode.MANUAL).build(), // after the feed passed its claim's start + 30 days
                paid("E7", "MEDICARE|E7", days(3), days(50)).build(), // published as unknown
                submitted("E3", "MEDICARE|E3", days(41), ClaimFrequency.ORIGINAL).build(), // an 837 after its payment
                submitted("E1", "AETNA|E1", days(50), ClaimFrequency.ORIGINAL).setPayerId("AETNA").build(),
                // a VOID, then the discharge: in DNFB; the claim's later ORIGINAL is its first non-VOID submission (bill lag, payment
                // time) but the claim never opens in A/R (it has a VOID); paid the same instant it was submitted: 0 seconds, known
                submitted("E10", "MEDICARE|E10", days(51), ClaimFrequency.VOID).setEventId("shared-id").build(),
                discharged("E10", days(50)).setFacilityId("FAC-SOUTH").setSetting(Setting.OUTPATIENT).build(),
                coded("E10", days(50), days(51), 1, CodingMode.MANUAL).setSetting(Setting.OUTPATIENT).setFacilityId("FAC-SOUTH").build(),
                // an invalid record does not register its event id; the same id on another topic is no duplicate
                submitted("E11", "MEDICARE|E11", days(52), ClaimFrequency.ORIGINAL).setEventId("reused-id").setBilledCents(-1).build(),
                discharged("E11", days(52)).setEventId("shared-id").build(),
                coded("E11", days(52), days(52.5), 1, CodingMode.MANUAL).build(),
                submitted("E11", "MEDICARE|E11", days(53), ClaimFrequency.ORIGINAL).setEventId("reused-id").build(),
                submitted("E10", "MEDICARE|E10", days(54), ClaimFrequency.ORIGINAL).setFacilityId("FAC-SOUTH").build(),
                paid("E10", "MEDICARE|E10", null, days(54)).setFacilityId("FAC-SOUTH").build(),
                // autonomous outpatient cardiology at exactly $10,000: no default rule; two of the configured ones below
                coded("E12", days(53), days(53.5), 1, CodingMode.AUTONOMOUS).setSetting(Setting.OUTPATIENT).setChargeCents(1_000_000).build(),
                // billed before the discharge the coding states (no rule forbids it): a negative bill lag, the only one of its series
                submitted("E13", "MEDICARE|E13", days(54), ClaimFrequency.ORIGINAL).setFacilityId("FAC-EAST").build(),
                coded("E13", days(54.5), days(55), 1, CodingMode.MANUAL).setFacilityId("FAC-EAST").build(),
                audited("E3", END, 1, CodingMode.MANUAL, AuditVerdict.MINOR_VARIANCE, 12_345).build());
    }

    private static Adjustment adjustment(AdjustmentGroup group, String carc, long cents) {
        return Adjustment.newBuilder().setGroup(group).setReason(carc).setAmountCents(cents).build();
    }

    /** The history's one invalid record (a negative billed amount). */
    private static boolean invalid(SpecificRecord e) {
        return e instanceof org.codingkpi.events.ClaimSubmitted s && s.getBilledCents() < 0;
    }

    private static ReferenceModel model() {
        ReferenceModel m = new ReferenceModel(1, Duration.ofDays(30).toMillis()).withBuckets();
        m.run(history().stream().filter(e -> !invalid(e)).toList());
        m.add("coding_events_rejected_total", 1, "reason", "negative_value");
        m.add("coding_stream_time_seconds", m.streamTimeMs / 1000.0);
        return m;
    }

    private static double v(Map<String, Double> expected, String name, String... labels) {
        return expected.getOrDefault(ReferenceModel.key(name, labels), 0.0);
    }

    private static double sum(Map<String, Double> expected, String name) {
        return expected.entrySet().stream().filter(e -> Scrape.name(e.getKey()).equals(name)).mapToDouble(Map.Entry::getValue).sum();
    }

    @Test
    void theModelReadsTheContractAsWorkedOutByHand() {
        Map<String, Double> x = model().expected;
        // A/R: C2 reopened by its reversal (a later denial changes nothing), aged from its first submission, exactly 60 days
        // (lower bound inclusive), dollars of its latest non-VOID submission; the AETNA claim; not the voided, paid or late-837 ones
        assertThat(v(x, "coding_ar_open_claims", "facility", "FAC-NORTH", "payer", "MEDICARE", "age", "60-90d")).isEqualTo(1);
        assertThat(v(x, "coding_ar_open_dollars", "facility", "FAC-NORTH", "payer", "MEDICARE", "age", "60-90d")).isEqualTo(15_000);
        assertThat(v(x, "coding_ar_open_claims", "facility", "FAC-NORTH", "payer", "AETNA", "age", "0-30d")).isEqualTo(1);
        assertThat(v(x, "coding_ar_open_claims", "facility", "FAC-NORTH", "payer", "MEDICARE", "age", "30-60d")).isEqualTo(1);
        assertThat(v(x, "coding_ar_open_dollars", "facility", "FAC-NORTH", "payer", "MEDICARE", "age", "30-60d")).isEqualTo(9_000);
        assertThat(v(x, "coding_ar_open_claims", "facility", "FAC-NORTH", "payer", "CIGNA", "age", "90-120d")).isEqualTo(1);
        assertThat(v(x, "coding_ar_open_claims", "facility", "FAC-NORTH", "payer", "BCBS", "age", "120d+")).isEqualTo(1);
        assertThat(sum(x, "coding_ar_open_claims")).isEqualTo(7); // E11's (its first, invalid, record aside) and E13's too
        assertThat(v(x, "coding_claim_payment_seconds_count", "payer", "MEDICARE", "coding_mode", "MANUAL")).isEqualTo(3);
        assertThat(v(x, "coding_claim_payment_seconds_bucket", "payer", "MEDICARE", "coding_mode", "MANUAL", "le", "604800")).isEqualTo(1);
        // submission time: C2 from its ORIGINAL (known); C5 (837 dated after the payment) and C3 (no 837) unknown
        assertThat(v(x, "coding_claims_payment_time_unknown_total", "payer", "MEDICARE")).isEqualTo(2);
        assertThat(v(x, "coding_claim_payment_seconds_count", "payer", "MEDICARE", "coding_mode", "AI_ASSISTED")).isEqualTo(1);
        assertThat(v(x, "coding_claim_payment_seconds_sum", "payer", "MEDICARE", "coding_mode", "AI_ASSISTED")).isEqualTo(20 * DAY - 15 * 3600);
        assertThat(v(x, "coding_claim_payment_seconds_bucket", "payer", "MEDICARE", "coding_mode", "AI_ASSISTED", "le", "1814400")).isEqualTo(1);
        assertThat(v(x, "coding_claim_payment_seconds_bucket", "payer", "MEDICARE", "coding_mode", "AI_ASSISTED", "le", "1209600")).isEqualTo(0);
        // bill lag: first non-VOID submission of each attributed claim minus the coding's discharged_at; not the unattributed C4
        assertThat(v(x, "coding_bill_lag_seconds_count", "facility", "FAC-NORTH", "setting", "INPATIENT")).isEqualTo(4);
        assertThat(v(x, "coding_bill_lag_seconds_sum", "facility", "FAC-NORTH", "setting", "INPATIENT")).isEqualTo((3 + 11 + 50 + 1) * DAY);
        assertThat(v(x, "coding_bill_lag_seconds_sum", "facility", "FAC-NORTH", "setting", "OUTPATIENT")).isEqualTo(15 * 3600);
        assertThat(v(x, "coding_bill_lag_seconds_sum", "facility", "FAC-NORTH", "setting", "PROFESSIONAL")).isEqualTo((40 + 3) * DAY);
        assertThat(v(x, "coding_bill_lag_seconds_sum", "facility", "FAC-SOUTH", "setting", "OUTPATIENT")).isEqualTo(4 * DAY);
        assertThat(v(x, "coding_bill_lag_seconds_sum", "facility", "FAC-EAST", "setting", "INPATIENT")).isEqualTo(-0.5 * DAY);
        assertThat(v(x, "coding_bill_lag_seconds_bucket", "facility", "FAC-EAST", "setting", "INPATIENT", "le", "86400")).isEqualTo(1);
        assertThat(sum(x, "coding_bill_lag_seconds_count")).isEqualTo(9);
        assertThat(v(x, "coding_claim_payment_seconds_sum", "payer", "MEDICARE", "coding_mode", "MANUAL")).isEqualTo((13 + 21) * DAY);
        assertThat(v(x, "coding_claim_payment_seconds_sum", "payer", "MEDICARE", "coding_mode", "unknown")).isEqualTo(47 * DAY);
        // submissions: every frequency counted, only ORIGINAL dollars; E4's claim is unattributed
        assertThat(sum(x, "coding_claims_submitted_total")).isEqualTo(17);
        assertThat(v(x, "coding_events_total", "type", "ClaimSubmitted")).isEqualTo(17);
        assertThat(v(x, "coding_events_duplicate_total", "type", "ClaimSubmitted")).isEqualTo(0);
        assertThat(v(x, "coding_claims_submitted_total", "facility", "FAC-NORTH", "payer", "MEDICARE", "setting", "unknown",
                "coding_mode", "unknown", "frequency", "VOID")).isEqualTo(1);
        assertThat(sum(x, "coding_claims_submitted_dollars_total")).isEqualTo(12 * 13_000);
        // DNFB: E4 (a VOID only) and E6; not E5 (its claim came first) nor the billed or remitted ones
        assertThat(sum(x, "coding_dnfb_encounters")).isEqualTo(2);
        assertThat(v(x, "coding_dnfb_encounters", "facility", "FAC-SOUTH", "setting", "OUTPATIENT", "age", "7d+")).isEqualTo(0); // E10 billed at last
        assertThat(v(x, "coding_dnfb_encounters", "facility", "FAC-SOUTH", "setting", "INPATIENT", "age", "7d+")).isEqualTo(1);
        // denial reasons of the initial denial only, CO/OA/PI only, signed amounts
        assertThat(v(x, "coding_claim_denial_reasons_total", "payer", "MEDICARE", "group", "CO", "carc", "16")).isEqualTo(1);
        assertThat(v(x, "coding_claim_denial_reasons_total", "payer", "MEDICARE", "group", "OA", "carc", "18")).isEqualTo(1);
        // its -$5.00 cannot be a Prometheus counter: not published (docs/x12.md)
        assertThat(x).doesNotContainKey(ReferenceModel.key("coding_claim_denial_reason_dollars_total", "payer", "MEDICARE", "group", "OA", "carc", "18"));
        assertThat(v(x, "coding_claim_denial_reason_dollars_total", "payer", "MEDICARE", "group", "CO", "carc", "16")).isEqualTo(10.0);
        assertThat(sum(x, "coding_claim_denial_reasons_total")).isEqualTo(2);
        assertThat(v(x, "coding_denial_resolution_seconds_sum", "payer", "MEDICARE", "category", "coding")).isEqualTo(30 * DAY);
        // reversals: the re-delivery counts once, as a duplicate
        assertThat(sum(x, "coding_claims_reversed_dollars_total")).isEqualTo(1_250);
        assertThat(v(x, "coding_claims_reversed_total", "facility", "FAC-NORTH", "payer", "UHC", "setting", "OUTPATIENT",
                "coding_mode", "AI_ASSISTED")).isEqualTo(1);
        assertThat(v(x, "coding_events_duplicate_total", "type", "ClaimReversed")).isEqualTo(1);
        // auditors
        assertThat(v(x, "coding_oversight_breaches_total", "facility", "FAC-NORTH", "setting", "INPATIENT", "rule", "high_dollar")).isEqualTo(1);
        assertThat(v(x, "coding_oversight_breaches_total", "facility", "FAC-NORTH", "setting", "INPATIENT", "rule", "inpatient")).isEqualTo(1);
        assertThat(sum(x, "coding_oversight_breaches_total")).isEqualTo(2);
        assertThat(sum(x, "coding_ai_assisted_codes_total")).isEqualTo(4);
        assertThat(v(x, "coding_ai_assisted_codes_total", "facility", "FAC-NORTH", "specialty", "cardiology", "model_version", "unknown",
                "code_system", "CPT", "source", "MANUAL")).isEqualTo(1);
        assertThat(sum(x, "coding_qa_audits_total")).isEqualTo(3);
        assertThat(v(x, "coding_qa_dollar_impact_dollars_total", "facility", "FAC-NORTH", "specialty", "cardiology", "coding_mode", "AUTONOMOUS",
                "direction", "over")).isEqualTo(2_500);
        assertThat(v(x, "coding_qa_dollar_impact_dollars_total", "facility", "FAC-NORTH", "specialty", "cardiology", "coding_mode", "MANUAL",
                "direction", "under")).isEqualTo(123.45);
        assertThat(sum(x, "coding_qa_dollar_impact_dollars_total")).isEqualTo(2_623.45);
    }

    @Test
    void shortRetentionsTakeOldEncountersOutOfDnfbAndOldClaimsOutOfAr() {
        ReferenceModel m = new ReferenceModel(1, Duration.ofDays(30).toMillis()).withBuckets().withRetentions(Duration.ofDays(30), Duration.ofDays(59));
        m.run(history().stream().filter(e -> !invalid(e)).toList());
        m.add("coding_events_rejected_total", 1, "reason", "negative_value");
        m.add("coding_stream_time_seconds", m.streamTimeMs / 1000.0);
        Map<String, Double> x = m.expected;
        // DNFB: E6 (20.6 days) stays, E4 (58.6 days) left; A/R: only the claims first submitted within 59 days (AETNA's, E9's, E11's, E13's)
        assertThat(sum(x, "coding_dnfb_encounters")).isEqualTo(1);
        assertThat(v(x, "coding_dnfb_encounters", "facility", "FAC-SOUTH", "setting", "INPATIENT", "age", "7d+")).isEqualTo(1);
        assertThat(sum(x, "coding_ar_open_claims")).isEqualTo(4);
        try (KpiDriver driver = new KpiDriver(Map.of("dnfb.retention", "30d", "ar.retention", "59d"))) {
            history().forEach(driver::pipe);
            assertThat(GroundTruth.differences(x, VersionTwoReplayIT.canonical(driver.scrape()))).isEmpty();
        }
    }

    @Test
    void configuredMandatoryReviewRules(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws java.io.IOException {
        java.nio.file.Path rules = dir.resolve("oversight.yaml");
        java.nio.file.Files.writeString(rules, """
                rules:
                  - name: cardiology_any
                    specialty: cardiology
                  - name: outpatient_big
                    setting: OUTPATIENT
                    min_charge_cents: 1000000
                  - name: professional
                    setting: PROFESSIONAL
                """);
        ReferenceModel m = new ReferenceModel(1, Duration.ofDays(30).toMillis()).withBuckets().withOversightRules(List.of(
                new ReferenceModel.Rule("cardiology_any", null, "cardiology", null),
                new ReferenceModel.Rule("outpatient_big", "OUTPATIENT", null, 1_000_000L),
                new ReferenceModel.Rule("professional", "PROFESSIONAL", null, null)));
        m.run(history().stream().filter(e -> !invalid(e)).toList());
        m.add("coding_events_rejected_total", 1, "reason", "negative_value");
        m.add("coding_stream_time_seconds", m.streamTimeMs / 1000.0);
        Map<String, Double> x = m.expected;
        // E1 (inpatient cardiology) and E12 (outpatient cardiology, exactly the minimum charge); E1's recoding does not count
        assertThat(v(x, "coding_oversight_breaches_total", "facility", "FAC-NORTH", "setting", "INPATIENT", "rule", "cardiology_any")).isEqualTo(1);
        assertThat(v(x, "coding_oversight_breaches_total", "facility", "FAC-NORTH", "setting", "OUTPATIENT", "rule", "cardiology_any")).isEqualTo(1);
        assertThat(v(x, "coding_oversight_breaches_total", "facility", "FAC-NORTH", "setting", "OUTPATIENT", "rule", "outpatient_big")).isEqualTo(1);
        assertThat(sum(x, "coding_oversight_breaches_total")).isEqualTo(3);
        try (KpiDriver driver = new KpiDriver(Map.of("oversight.rules.file", rules.toString()))) {
            history().forEach(driver::pipe);
            assertThat(GroundTruth.differences(x, VersionTwoReplayIT.canonical(driver.scrape()))).isEmpty();
        }
    }

    @Test
    void theTopologyPublishesExactlyTheModelsSamples() {
        Map<String, Double> expected = model().expected;
        try (KpiDriver driver = new KpiDriver()) {
            history().forEach(driver::pipe);
            assertThat(GroundTruth.differences(expected, VersionTwoReplayIT.canonical(driver.scrape()))).isEmpty();
        }
    }
}
