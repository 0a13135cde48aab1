package org.codingkpi.topology;

import org.codingkpi.events.AdjustmentGroup;
import org.codingkpi.events.AuditVerdict;
import org.codingkpi.events.ClaimFrequency;
import org.codingkpi.events.CodingMode;
import org.codingkpi.events.RejectReason;
import org.codingkpi.deadletter.DeadLetterHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.codingkpi.TestEvents.adj;
import static org.codingkpi.TestEvents.audited;
import static org.codingkpi.TestEvents.coded;
import static org.codingkpi.TestEvents.days;
import static org.codingkpi.TestEvents.denied;
import static org.codingkpi.TestEvents.discharged;
import static org.codingkpi.TestEvents.paid;
import static org.codingkpi.TestEvents.reversed;
import static org.codingkpi.TestEvents.submitted;

/** The billing side (KPIS.md §3b) and the auditors' version-2 counters (§5), rule by rule. */
class BillingKpiTest {
    private final KpiDriver kpi = new KpiDriver();

    @AfterEach
    void close() {
        kpi.close();
    }

    @Test
    void dnfbEndsWithTheFirstBillInEitherOrderAndNeverComesBack() {
        kpi.pipe(discharged("E1", days(0)).build(), discharged("E3", days(0)).build(),
                paid("E2", "P|E2", days(1), days(2)).build(),                 // a remittance before the discharge proves a bill
                discharged("E2", days(2)).build(),
                submitted("E3", "P|E3", days(2), ClaimFrequency.VOID).build()); // a VOID proves nothing
        assertThat(kpi.value("coding_dnfb_encounters")).isEqualTo(2.0);
        assertThat(kpi.value("coding_dnfb_encounters", "age=\"1-3d\"")).isEqualTo(2.0);
        assertThat(kpi.value("coding_dnfb_charges_dollars", "age=\"1-3d\"")).isEqualTo(25_000.0);

        kpi.pipe(submitted("E1", "P|E1", days(3), ClaimFrequency.ORIGINAL).build(),
                submitted("E1", "P|E1", days(4), ClaimFrequency.VOID).build(),  // out once, out for good
                discharged("E1", days(4)).build());                             // a second discharge does not bring it back
        assertThat(kpi.value("coding_dnfb_encounters")).isEqualTo(1.0);
        assertThat(kpi.value("coding_dnfc_encounters")).isEqualTo(3.0);         // none of them is coded
    }

    @Test
    void accountsReceivableFollowTheLatestRemittanceAndVoid() {
        kpi.pipe(coded("E1", days(0), days(1), 1, CodingMode.MANUAL).build(),
                submitted("E1", "P|E1", days(2), ClaimFrequency.ORIGINAL).build());
        assertThat(kpi.value("coding_ar_open_claims", "age=\"0-30d\"", "payer=\"MEDICARE\"")).isEqualTo(1.0);
        assertThat(kpi.value("coding_ar_open_dollars", "age=\"0-30d\"")).isEqualTo(13_000.0);

        kpi.pipe(denied("E1", "P|E1", days(2), days(10), adj(AdjustmentGroup.CO, "16")).build()); // a denial changes nothing
        assertThat(kpi.value("coding_ar_open_claims")).isEqualTo(1.0);
        kpi.pipe(paid("E1", "P|E1", days(2), days(40)).build());
        assertThat(kpi.value("coding_ar_open_claims")).isEqualTo(0.0);
        kpi.pipe(reversed("E1", "P|E1", days(50), 1_000_000).build());               // a reversal reopens
        assertThat(kpi.value("coding_ar_open_claims", "age=\"30-60d\"")).isEqualTo(1.0); // aged from the first submission
        kpi.pipe(submitted("E1", "P|E1", days(95), ClaimFrequency.REPLACEMENT).setBilledCents(900_000).build());
        assertThat(kpi.value("coding_ar_open_claims", "age=\"90-120d\"")).isEqualTo(1.0);
        assertThat(kpi.value("coding_ar_open_dollars", "age=\"90-120d\"")).isEqualTo(9_000.0); // the latest submission's amount
        kpi.pipe(submitted("E1", "P|E1", days(96), ClaimFrequency.VOID).build());
        assertThat(kpi.value("coding_ar_open_claims")).isEqualTo(0.0);
    }

    @Test
    void aLateSubmissionAfterItsPaymentDoesNotOpenThePaidClaim() {
        kpi.pipe(coded("E1", days(0), days(1), 1, CodingMode.MANUAL).build(),
                paid("E1", "P|E1", days(2), days(20)).build(),
                submitted("E1", "P|E1", days(2), ClaimFrequency.ORIGINAL).build());
        assertThat(kpi.value("coding_ar_open_claims")).isEqualTo(0.0);
        assertThat(kpi.value("coding_claims_submitted_total", "frequency=\"ORIGINAL\"")).isEqualTo(1.0);
    }

    @Test
    void submissionsCountByFrequencyAndTheFirstOneMeasuresTheBillLag() {
        kpi.pipe(coded("E1", days(0), days(1), 1, CodingMode.AI_ASSISTED).build(),
                submitted("E1", "P|E1", days(3), ClaimFrequency.ORIGINAL).build(),
                submitted("E1", "P|E1", days(9), ClaimFrequency.REPLACEMENT).build(),
                submitted("E1", "P|E1", days(10), ClaimFrequency.VOID).build());
        assertThat(kpi.value("coding_claims_submitted_total", "frequency=\"ORIGINAL\"", "coding_mode=\"AI_ASSISTED\"",
                "setting=\"INPATIENT\"")).isEqualTo(1.0);
        assertThat(kpi.value("coding_claims_submitted_total", "frequency=\"REPLACEMENT\"")).isEqualTo(1.0);
        assertThat(kpi.value("coding_claims_submitted_total", "frequency=\"VOID\"")).isEqualTo(1.0);
        assertThat(kpi.value("coding_claims_submitted_dollars_total")).isEqualTo(13_000.0);
        assertThat(kpi.value("coding_bill_lag_seconds_count")).isEqualTo(1.0);
        assertThat(kpi.value("coding_bill_lag_seconds_sum")).isEqualTo(3 * 86_400.0);      // from the coding's discharged_at
        assertThat(kpi.value("coding_bill_lag_seconds_bucket", "le=\"259200.0\"")).isEqualTo(1.0); // lower bound inclusive
        assertThat(kpi.value("coding_bill_lag_seconds_bucket", "le=\"172800.0\"")).isEqualTo(0.0);
    }

    @Test
    void anUnattributedClaimHasNoBillLag() {
        kpi.pipe(discharged("E9", days(0)).build(), discharged("E8", days(40)).build(), // the encounter feed passes 30 days
                submitted("E1", "P|E1", days(3), ClaimFrequency.ORIGINAL).build());
        assertThat(kpi.value("coding_claims_submitted_total", "setting=\"unknown\"", "coding_mode=\"unknown\"")).isEqualTo(1.0);
        assertThat(kpi.value("coding_bill_lag_seconds_count")).isEqualTo(0.0);
    }

    @Test
    void aPaymentWithoutSubmittedAtFallsBackToTheFirstSubmissionOrIsUnknown() {
        kpi.pipe(coded("E1", days(0), days(1), 1, CodingMode.MANUAL).build(),
                submitted("E1", "P|E1", days(5), ClaimFrequency.VOID).build(),      // not a submission time
                submitted("E1", "P|E1", days(6), ClaimFrequency.ORIGINAL).build(),
                paid("E1", "P|E1", null, days(36)).build(),
                coded("E2", days(0), days(1), 1, CodingMode.MANUAL).build(),
                paid("E2", "P|E2", null, days(30)).build(),                         // no submission at all
                submitted("E2", "P|E2", days(31), ClaimFrequency.ORIGINAL).build()); // later: does not count back
        assertThat(kpi.value("coding_claim_payment_seconds_count")).isEqualTo(1.0);
        assertThat(kpi.value("coding_claim_payment_seconds_sum")).isEqualTo(30 * 86_400.0);
        assertThat(kpi.value("coding_claims_payment_time_unknown_total", "payer=\"MEDICARE\"")).isEqualTo(1.0);
        assertThat(kpi.value("coding_claims_paid_dollars_total")).isEqualTo(20_000.0);    // counted everywhere else
        assertThat(kpi.value("coding_claims_adjudicated_total", "outcome=\"paid\"")).isEqualTo(2.0);
    }

    @Test
    void denialReasonsCountEachCountedAdjustmentOfTheInitialDenialAndItsResolution() {
        kpi.pipe(coded("E1", days(0), days(1), 1, CodingMode.MANUAL).build(),
                denied("E1", "P|E1", days(2), days(10), adj(AdjustmentGroup.CO, "16"), adj(AdjustmentGroup.PR, "1"),
                        adj(AdjustmentGroup.OA, "23")).build(),
                denied("E1", "P|E1", days(2), days(15), adj(AdjustmentGroup.CO, "50")).build(), // not an initial denial
                paid("E1", "P|E1", days(2), days(40)).build());
        assertThat(kpi.value("coding_claim_denial_reasons_total")).isEqualTo(2.0);
        assertThat(kpi.value("coding_claim_denial_reasons_total", "group=\"CO\"", "carc=\"16\"")).isEqualTo(1.0);
        assertThat(kpi.value("coding_claim_denial_reasons_total", "group=\"OA\"", "carc=\"23\"")).isEqualTo(1.0);
        assertThat(kpi.value("coding_claim_denial_reason_dollars_total")).isEqualTo(20.0);
        assertThat(kpi.value("coding_denial_resolution_seconds_count", "payer=\"MEDICARE\"")).isEqualTo(1.0);
        assertThat(kpi.value("coding_denial_resolution_seconds_sum")).isEqualTo(30 * 86_400.0);
    }

    @Test
    void reversalsCountUnderTheClaimsAttribution() {
        kpi.pipe(coded("E1", days(0), days(1), 1, CodingMode.AUTONOMOUS).build(),
                paid("E1", "P|E1", days(2), days(20)).build(),
                reversed("E1", "P|E1", days(30), 400_000).build());
        assertThat(kpi.value("coding_claims_reversed_total", "coding_mode=\"AUTONOMOUS\"", "setting=\"INPATIENT\"")).isEqualTo(1.0);
        assertThat(kpi.value("coding_claims_reversed_dollars_total")).isEqualTo(4_000.0);
        assertThat(kpi.value("coding_events_total", "type=\"ClaimReversed\"")).isEqualTo(1.0);
    }

    @Test
    void autonomousCodingThatAMandatoryReviewRuleForbidsIsABreachPerRule() {
        kpi.pipe(coded("E1", days(0), days(1), 1, CodingMode.AUTONOMOUS).build(),                        // inpatient
                coded("E2", days(0), days(1), 1, CodingMode.AUTONOMOUS).setChargeCents(3_000_000).build(), // inpatient + high dollar
                coded("E3", days(0), days(1), 1, CodingMode.AI_ASSISTED).setChargeCents(3_000_000).build(), // reviewed: no breach
                coded("E1", days(0), days(2), 2, CodingMode.AUTONOMOUS).build());                        // a recoding: no breach
        assertThat(kpi.value("coding_oversight_breaches_total", "rule=\"inpatient\"", "setting=\"INPATIENT\"")).isEqualTo(2.0);
        assertThat(kpi.value("coding_oversight_breaches_total", "rule=\"high_dollar\"")).isEqualTo(1.0);
    }

    @Test
    void aiAssistedCodesMeasureRecallByModelVersion() {
        kpi.pipe(coded("E1", days(0), days(1), 1, CodingMode.AI_ASSISTED).setModelVersion("m-2").build(),
                coded("E2", days(0), days(1), 1, CodingMode.AI_ASSISTED).build(),
                coded("E3", days(0), days(1), 1, CodingMode.MANUAL).build());
        assertThat(kpi.value("coding_ai_assisted_codes_total", "model_version=\"m-2\"", "source=\"AI_ACCEPTED\"")).isEqualTo(1.0);
        assertThat(kpi.value("coding_ai_assisted_codes_total", "model_version=\"m-2\"", "source=\"MANUAL\"")).isEqualTo(1.0);
        assertThat(kpi.value("coding_ai_assisted_codes_total", "model_version=\"unknown\"")).isEqualTo(2.0);
        assertThat(kpi.value("coding_ai_assisted_codes_total")).isEqualTo(4.0);
    }

    @Test
    void qaAuditsCountByVerdictAndDollarImpactByDirection() {
        kpi.pipe(coded("E1", days(0), days(1), 1, CodingMode.AI_ASSISTED).build(),
                audited("E1", days(5), 1, CodingMode.AI_ASSISTED, AuditVerdict.MATERIAL_ERROR, -25_000).build(),
                audited("E1", days(6), 1, CodingMode.AI_ASSISTED, AuditVerdict.MINOR_VARIANCE, 10_000).build(),
                audited("E1", days(7), 1, CodingMode.AI_ASSISTED, AuditVerdict.ACCURATE, 0).build());
        assertThat(kpi.value("coding_qa_audits_total", "coding_mode=\"AI_ASSISTED\"", "verdict=\"MATERIAL_ERROR\"")).isEqualTo(1.0);
        assertThat(kpi.value("coding_qa_audits_total")).isEqualTo(3.0);
        assertThat(kpi.value("coding_qa_dollar_impact_dollars_total", "direction=\"over\"")).isEqualTo(250.0);
        assertThat(kpi.value("coding_qa_dollar_impact_dollars_total", "direction=\"under\"")).isEqualTo(100.0);
    }

    @Test
    void anAuditOfARevisionNeverCodedIsDeadLettered() {
        kpi.pipe(coded("E1", days(0), days(1), 1, CodingMode.MANUAL).build(),
                audited("E1", days(5), 2, CodingMode.MANUAL, AuditVerdict.ACCURATE, 0).build());
        var dlq = kpi.drainDeadLetters();
        assertThat(dlq).hasSize(1);
        assertThat(DeadLetterHandler.reasonOf(dlq.get(0).headers())).isEqualTo(RejectReason.INVALID_REVISION);
        assertThat(kpi.value("coding_qa_audits_total")).isEqualTo(0.0);
        assertThat(kpi.value("coding_events_total", "type=\"CodingAudited\"")).isEqualTo(0.0);
    }
}
