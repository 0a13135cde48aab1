package org.codingkpi;

import org.codingkpi.events.AuditVerdict;
import org.codingkpi.events.ClaimFrequency;
import org.codingkpi.events.ClaimReversed;
import org.codingkpi.events.ClaimSubmitted;
import org.codingkpi.events.CodingAudited;

import org.codingkpi.events.Adjustment;
import org.codingkpi.events.AdjustmentGroup;
import org.codingkpi.events.AiSuggestionReviewed;
import org.codingkpi.events.ClaimDenied;
import org.codingkpi.events.ClaimPaid;
import org.codingkpi.events.CodeEntry;
import org.codingkpi.events.CodeSource;
import org.codingkpi.events.CodeSystem;
import org.codingkpi.events.CodingMode;
import org.codingkpi.events.Decision;
import org.codingkpi.events.EncounterCoded;
import org.codingkpi.events.EncounterDischarged;
import org.codingkpi.events.Setting;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Event builders with sensible defaults for tests. Times are relative to {@link #T0}. */
public final class TestEvents {
    public static final Instant T0 = Instant.parse("2026-03-02T08:00:00Z");
    private static final AtomicLong IDS = new AtomicLong();

    private TestEvents() {
    }

    public static String newId(String prefix) {
        return prefix + "-" + IDS.incrementAndGet();
    }

    public static Instant hours(double h) {
        return T0.plusMillis((long) (h * 3_600_000));
    }

    public static Instant days(double d) {
        return T0.plusMillis((long) (d * 86_400_000));
    }

    public static EncounterDischarged.Builder discharged(String encounterId, Instant at) {
        return EncounterDischarged.newBuilder().setEventId(newId("ev")).setOccurredAt(at).setFacilityId("FAC-NORTH")
                .setEncounterId(encounterId).setSetting(Setting.INPATIENT).setSpecialty("cardiology").setPayerId("MEDICARE")
                .setExpectedChargeCents(1_250_000);
    }

    public static EncounterCoded.Builder coded(String encounterId, Instant dischargedAt, Instant at, int revision, CodingMode mode) {
        return EncounterCoded.newBuilder().setEventId(newId("ev")).setOccurredAt(at).setFacilityId("FAC-NORTH")
                .setEncounterId(encounterId).setSetting(Setting.INPATIENT).setSpecialty("cardiology").setPayerId("MEDICARE")
                .setCoderId(mode == CodingMode.AUTONOMOUS ? null : "C001").setRevision(revision).setCodingMode(mode)
                .setDischargedAt(dischargedAt).setCodingSeconds(mode == CodingMode.AUTONOMOUS ? 0 : 1200).setChargeCents(1_300_000)
                .setCodes(List.of(
                        CodeEntry.newBuilder().setSystem(CodeSystem.ICD10CM).setCode("I21.4").setModifiers(List.of())
                                .setSource(mode == CodingMode.MANUAL ? CodeSource.MANUAL : CodeSource.AI_ACCEPTED).build(),
                        CodeEntry.newBuilder().setSystem(CodeSystem.CPT).setCode("99223").setModifiers(List.of())
                                .setSource(CodeSource.MANUAL).build()));
    }

    public static AiSuggestionReviewed.Builder reviewed(String encounterId, Instant at, Decision decision) {
        return AiSuggestionReviewed.newBuilder().setEventId(newId("ev")).setOccurredAt(at).setFacilityId("FAC-NORTH")
                .setEncounterId(encounterId).setSpecialty("cardiology").setCoderId("C001").setModelVersion("m-1.0")
                .setCodeSystem(CodeSystem.ICD10CM).setSuggestedCode("I21.4").setDecision(decision)
                .setFinalCode(decision == Decision.REJECTED ? null : "I21.4").setConfidence(0.9).setReviewSeconds(4.0);
    }

    public static ClaimDenied.Builder denied(String encounterId, String claimId, Instant submittedAt, Instant at, Adjustment... adjustments) {
        return ClaimDenied.newBuilder().setEventId(newId("ev")).setOccurredAt(at).setFacilityId("FAC-NORTH")
                .setEncounterId(encounterId).setClaimId(claimId).setPayerId("MEDICARE").setSubmittedAt(submittedAt)
                .setBilledCents(1_300_000).setDeniedCents(1_300_000).setAdjustments(List.of(adjustments)).setRemarkCodes(List.of());
    }

    public static ClaimPaid.Builder paid(String encounterId, String claimId, Instant submittedAt, Instant at) {
        return ClaimPaid.newBuilder().setEventId(newId("ev")).setOccurredAt(at).setFacilityId("FAC-NORTH")
                .setEncounterId(encounterId).setClaimId(claimId).setPayerId("MEDICARE").setSubmittedAt(submittedAt)
                .setBilledCents(1_300_000).setPaidCents(1_000_000);
    }

    public static Adjustment adj(AdjustmentGroup group, String carc) {
        return Adjustment.newBuilder().setGroup(group).setReason(carc).setAmountCents(1000).build();
    }

    public static ClaimSubmitted.Builder submitted(String encounterId, String claimId, Instant at, ClaimFrequency frequency) {
        return ClaimSubmitted.newBuilder().setEventId(newId("ev")).setOccurredAt(at).setFacilityId("FAC-NORTH")
                .setEncounterId(encounterId).setClaimId(claimId).setPayerId("MEDICARE").setBilledCents(1_300_000).setFrequency(frequency);
    }

    public static ClaimReversed.Builder reversed(String encounterId, String claimId, Instant at, long cents) {
        return ClaimReversed.newBuilder().setEventId(newId("ev")).setOccurredAt(at).setFacilityId("FAC-NORTH")
                .setEncounterId(encounterId).setClaimId(claimId).setPayerId("MEDICARE").setReversedCents(cents);
    }

    public static CodingAudited.Builder audited(String encounterId, Instant at, int revision, CodingMode mode, AuditVerdict verdict, long impactCents) {
        return CodingAudited.newBuilder().setEventId(newId("ev")).setOccurredAt(at).setFacilityId("FAC-NORTH")
                .setEncounterId(encounterId).setAuditorId("QA1").setRevision(revision).setCodingMode(mode)
                .setModelVersion(mode == CodingMode.MANUAL ? null : "m-1.0").setSpecialty("cardiology").setVerdict(verdict)
                .setCodesChanged(verdict == AuditVerdict.ACCURATE ? 0 : 1).setDollarImpactCents(impactCents);
    }
}
