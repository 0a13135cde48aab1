package org.codingkpi.topology;

import org.codingkpi.events.AdjustmentGroup;
import org.codingkpi.events.CodingMode;
import org.codingkpi.events.Decision;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.codingkpi.TestEvents.adj;
import static org.codingkpi.TestEvents.coded;
import static org.codingkpi.TestEvents.days;
import static org.codingkpi.TestEvents.denied;
import static org.codingkpi.TestEvents.discharged;
import static org.codingkpi.TestEvents.hours;
import static org.codingkpi.TestEvents.paid;
import static org.codingkpi.TestEvents.reviewed;

class KpiTopologyTest {
    private final KpiDriver kpi = new KpiDriver();

    @AfterEach
    void close() {
        kpi.close();
    }

    @Test
    void encounterFlowCountsDischargeCodingTurnaroundAndFinalCodes() {
        Instant dis = hours(0);
        kpi.pipe(discharged("E1", dis).build(), coded("E1", dis, hours(30), 1, CodingMode.AI_ASSISTED).build(),
                coded("E1", dis, hours(50), 2, CodingMode.MANUAL).build());

        assertThat(kpi.value("coding_encounters_discharged_total", "facility=\"FAC-NORTH\"", "setting=\"INPATIENT\"")).isEqualTo(1.0);
        assertThat(kpi.value("coding_encounters_coded_total", "coding_mode=\"AI_ASSISTED\"")).isEqualTo(1.0);
        assertThat(kpi.value("coding_encounters_recoded_total", "coding_mode=\"MANUAL\"")).isEqualTo(1.0);
        assertThat(kpi.value("coding_coder_seconds_total")).isEqualTo(2400.0);
        assertThat(kpi.value("coding_turnaround_seconds_count")).isEqualTo(1.0);
        assertThat(kpi.value("coding_turnaround_seconds_sum")).isEqualTo(30 * 3600.0);
        assertThat(kpi.value("coding_turnaround_seconds_bucket", "le=\"86400.0\"")).isEqualTo(0.0);
        assertThat(kpi.value("coding_turnaround_seconds_bucket", "le=\"172800.0\"")).isEqualTo(1.0);
        assertThat(kpi.value("coding_final_codes_total", "source=\"AI_ACCEPTED\"")).isEqualTo(1.0);
        assertThat(kpi.value("coding_final_codes_total", "source=\"MANUAL\"")).isEqualTo(1.0);
        assertThat(kpi.value("coding_events_total", "type=\"EncounterCoded\"")).isEqualTo(2.0);
    }

    @Test
    void dnfcAgesByStreamTimeAndLeavesOnFirstCodingOnly() {
        kpi.pipe(discharged("E1", days(0)).build(), discharged("E2", days(0)).build(),
                coded("E2", days(0), days(0.5), 2, CodingMode.MANUAL).build(),  // a recoding does not take it out
                discharged("E3", days(3.5)).build());
        // stream time = 3.5 days: E1 and E2 are 3.5 days old, E3 is 0 days old
        assertThat(kpi.value("coding_dnfc_encounters", "age=\"3-7d\"")).isEqualTo(2.0);
        assertThat(kpi.value("coding_dnfc_encounters", "age=\"0-1d\"")).isEqualTo(1.0);
        assertThat(kpi.value("coding_dnfc_charges_dollars", "age=\"3-7d\"")).isEqualTo(25_000.0);
        kpi.pipe(coded("E1", days(0), days(4), 1, CodingMode.MANUAL).build());
        assertThat(kpi.value("coding_dnfc_encounters")).isEqualTo(2.0);
        assertThat(kpi.value("coding_dnfc_encounters", "age=\"1-3d\"")).isEqualTo(0.0);
    }

    @Test
    void claimBeforeCodingWaitsForItsAttribution() {
        kpi.pipe(discharged("E1", days(0)).build(),
                denied("E1", "CL1", days(1), days(2), adj(AdjustmentGroup.CO, "4")).build());
        assertThat(kpi.value("coding_claims_adjudicated_total")).isEqualTo(0.0);
        assertThat(kpi.value("coding_events_total", "type=\"ClaimDenied\"")).isEqualTo(1.0);

        kpi.pipe(coded("E1", days(0), days(3), 1, CodingMode.AUTONOMOUS).build());
        assertThat(kpi.value("coding_claims_adjudicated_total", "coding_mode=\"AUTONOMOUS\"", "outcome=\"denied\"", "setting=\"INPATIENT\"")).isEqualTo(1.0);
        assertThat(kpi.value("coding_claims_denied_total", "category=\"coding\"", "coding_mode=\"AUTONOMOUS\"")).isEqualTo(1.0);
        assertThat(kpi.value("coding_claims_denied_dollars_total")).isEqualTo(13_000.0);
    }

    @Test
    void deniedClaimIsAttributedToFirstCoding() {
        kpi.pipe(coded("E1", days(0), days(1), 1, CodingMode.AI_ASSISTED).build(),
                coded("E1", days(0), days(2), 1, CodingMode.MANUAL).build(),   // a second revision-1: not the first
                denied("E1", "CL1", days(3), days(20), adj(AdjustmentGroup.CO, "197")).build());
        assertThat(kpi.value("coding_claims_denied_total", "coding_mode=\"AI_ASSISTED\"", "category=\"authorization\"")).isEqualTo(1.0);
        assertThat(kpi.value("coding_claims_denied_total", "coding_mode=\"MANUAL\"")).isEqualTo(0.0);
    }

    @Test
    void claimGivesUpAfterMaxWaitOnTheEncounterFeedAndStaysUnknown() {
        kpi.pipe(paid("E1", "CL1", days(0), days(1)).build(),
                discharged("E9", days(20)).build(),                     // encounter feed at day 20: still waiting
                paid("E2", "CL2", days(0), days(40)).build());          // claims feed far ahead: does not count
        assertThat(kpi.value("coding_claims_adjudicated_total")).isEqualTo(0.0);
        kpi.pipe(discharged("E9b", days(31.5)).build());                // encounter feed passes day 1 + 30 days
        assertThat(kpi.value("coding_claims_adjudicated_total", "setting=\"unknown\"", "coding_mode=\"unknown\"", "outcome=\"paid\"")).isEqualTo(1.0);
        // a later coding of E1 does not change the claim's attribution
        kpi.pipe(coded("E1", days(0), days(32), 1, CodingMode.MANUAL).build(), paid("E1", "CL1", days(0), days(33)).build());
        assertThat(kpi.value("coding_claims_paid_dollars_total", "setting=\"unknown\"")).isEqualTo(20_000.0);
    }

    @Test
    void firstAdjudicationDecidesAndOverturnCountsOnceWithTheDenialLabels() {
        kpi.pipe(coded("E1", days(0), days(1), 1, CodingMode.MANUAL).build(),
                denied("E1", "CL1", days(2), days(20), adj(AdjustmentGroup.CO, "16")).build(),
                denied("E1", "CL1", days(2), days(30), adj(AdjustmentGroup.CO, "4")).build(),
                paid("E1", "CL1", days(2), days(50)).build(),
                paid("E1", "CL1", days(2), days(55)).build());
        assertThat(kpi.value("coding_claims_adjudicated_total", "outcome=\"denied\"")).isEqualTo(1.0);
        assertThat(kpi.value("coding_claims_adjudicated_total", "outcome=\"paid\"")).isEqualTo(0.0);
        assertThat(kpi.value("coding_claims_denied_total", "category=\"other\"")).isEqualTo(1.0);  // 16 without its RARCs
        assertThat(kpi.value("coding_denials_overturned_total", "category=\"other\"", "payer=\"MEDICARE\"")).isEqualTo(1.0);
        assertThat(kpi.value("coding_claims_paid_dollars_total")).isEqualTo(20_000.0);
        assertThat(kpi.value("coding_claim_payment_seconds_count")).isEqualTo(2.0);
        assertThat(kpi.value("coding_claims_billed_dollars_total")).isEqualTo(13_000.0);
    }

    @Test
    void carc16IsCodingOnlyWithItsRarcsAndPatientResponsibilityNeverCounts() {
        kpi.pipe(coded("E1", days(0), days(1), 1, CodingMode.MANUAL).build(),
                denied("E1", "CL1", days(2), days(20), adj(AdjustmentGroup.CO, "16")).setRemarkCodes(List.of("N56")).build(),
                denied("E1", "CL2", days(2), days(20), adj(AdjustmentGroup.PR, "4"), adj(AdjustmentGroup.CO, "27")).build(),
                denied("E1", "CL3", days(2), days(20), adj(AdjustmentGroup.PR, "4")).build(),
                denied("E1", "CL4", days(2), days(20), adj(AdjustmentGroup.OA, "18"), adj(AdjustmentGroup.PI, "50")).build());
        assertThat(kpi.value("coding_claims_denied_total", "category=\"coding\"")).isEqualTo(1.0);
        assertThat(kpi.value("coding_claims_denied_total", "category=\"eligibility\"")).isEqualTo(1.0);
        assertThat(kpi.value("coding_claims_denied_total", "category=\"other\"")).isEqualTo(1.0);
        assertThat(kpi.value("coding_claims_denied_total", "category=\"medical_necessity\"")).isEqualTo(1.0); // precedes duplicate
    }

    @Test
    void duplicatesAreCountedOnceAndChangeNothingElse() {
        var d = discharged("E1", days(0)).build();
        var r = reviewed("E1", days(0.1), Decision.ACCEPTED).build();
        kpi.pipe(d, d, r, r, r);
        assertThat(kpi.value("coding_encounters_discharged_total")).isEqualTo(1.0);
        assertThat(kpi.value("coding_ai_suggestions_total", "decision=\"ACCEPTED\"")).isEqualTo(1.0);
        assertThat(kpi.value("coding_events_duplicate_total", "type=\"EncounterDischarged\"")).isEqualTo(1.0);
        assertThat(kpi.value("coding_events_duplicate_total", "type=\"AiSuggestionReviewed\"")).isEqualTo(2.0);
        assertThat(kpi.value("coding_ai_review_seconds_count")).isEqualTo(1.0);
        assertThat(kpi.value("coding_coder_ai_suggestions_total", "coder=\"C001\"")).isEqualTo(1.0);
    }

    @Test
    void lateEventUpdatesItsOwnCountersHoweverLate() {
        kpi.pipe(discharged("E2", days(100)).build(), discharged("E1", days(0)).build());
        assertThat(kpi.value("coding_encounters_discharged_total")).isEqualTo(2.0);
        assertThat(kpi.value("coding_stream_time_seconds")).isEqualTo(days(100).getEpochSecond());
    }

    @Test
    void claimArrivingAfterItsWaitRanOutIsUnknownEvenIfTheCodingCameLate() {
        // the encounter feed reaches day 40 before the coding of E1 arrives; the claim (day 1) is read last:
        // had it been read first it would have given up at day 31, so it is unknown either way
        kpi.pipe(discharged("E1", days(0)).build(), discharged("E2", days(40)).build(),
                coded("E1", days(0), days(41), 1, CodingMode.MANUAL).build(),
                paid("E1", "CL1", days(0), days(1)).build());
        assertThat(kpi.value("coding_claims_adjudicated_total", "setting=\"unknown\"")).isEqualTo(1.0);
    }

    @Test
    void claimReadAfterAnInTimeCodingIsAttributedWhateverTheFeedTimeNow() {
        kpi.pipe(coded("E1", days(0), days(2), 1, CodingMode.AI_ASSISTED).build(), discharged("E2", days(90)).build(),
                paid("E1", "CL1", days(3), days(10)).build());
        assertThat(kpi.value("coding_claims_adjudicated_total", "coding_mode=\"AI_ASSISTED\"")).isEqualTo(1.0);
    }
}
