package org.codingkpi.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.codingkpi.events.JsonEvents.Parsed;
import org.codingkpi.serde.BundledSchemaRegistry;
import org.codingkpi.serde.EventCodec;
import org.codingkpi.events.InvalidEventException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The version-2 types and fields of shared/spec/EVENTS.md: JSON lines, Avro, validation. */
class Version2EventsTest {

    private static final Instant T0 = Instant.parse("2026-03-01T14:05:00Z");
    private static final long NOW = T0.plusSeconds(400 * 86_400).toEpochMilli();

    static ClaimSubmitted submitted(ClaimFrequency frequency) {
        return new ClaimSubmitted("ev-s", T0, "FAC-NORTH", "enc-1", "AETNA|enc-1", "AETNA", 1_250_000L, frequency);
    }

    static ClaimReversed reversed(long cents) {
        return new ClaimReversed("ev-r", T0.plusSeconds(90 * 86_400), "FAC-NORTH", "enc-1", "AETNA|enc-1", "AETNA", cents);
    }

    static CodingAudited audited(int revision, int codesChanged, long impact) {
        return new CodingAudited("ev-a", T0.plusSeconds(10 * 86_400), "FAC-NORTH", "enc-1", "QA07", revision,
                CodingMode.AUTONOMOUS, "coder-llm-2.0", "CARDIOLOGY", AuditVerdict.MATERIAL_ERROR, codesChanged, impact);
    }

    static ClaimPaid paidWithoutSubmission() {
        return new ClaimPaid("ev-p", T0.plusSeconds(40 * 86_400), "FAC-NORTH", "enc-1", "AETNA|enc-1", "AETNA", null,
                1_250_000L, 900_000L,
                List.of(new Adjustment(AdjustmentGroup.CO, "45", 350_000L), new Adjustment(AdjustmentGroup.CO, "45", -1_000L)),
                List.of("N381"));
    }

    static EncounterCoded codedWithModel() {
        return new EncounterCoded("ev-c", T0, "FAC-NORTH", "enc-1", Setting.OUTPATIENT, "CARDIOLOGY", "AETNA", null, 1,
                CodingMode.AUTONOMOUS, T0, 0L, 18_500L,
                List.of(new CodeEntry(CodeSystem.CPT, "93000", List.of(), CodeSource.AUTONOMOUS)), "coder-llm-2.0");
    }

    static List<SpecificRecord> events() {
        return List.of(submitted(ClaimFrequency.ORIGINAL), submitted(ClaimFrequency.VOID), reversed(12_000L),
                audited(1, 2, -4_500L), paidWithoutSubmission(), codedWithModel());
    }

    @ParameterizedTest
    @MethodSource("events")
    void version2EventSurvivesJsonAndAvro(SpecificRecord event) {
        Parsed parsed = JsonEvents.parse(JsonEvents.toJson(event));
        assertThat(parsed.ok()).as(parsed.message()).isTrue();
        assertThat(parsed.event()).isEqualTo(event);

        EventCodec codec = new EventCodec(new BundledSchemaRegistry());
        assertThat(codec.decode(codec.encode(EventType.of(event).defaultTopic(), event))).isEqualTo(event);
    }

    @ParameterizedTest
    @MethodSource("events")
    void validVersion2EventPassesValidation(SpecificRecord event) {
        assertThatCode(() -> EventValidator.validate(event, NOW)).doesNotThrowAnyException();
    }

    @Test
    void newTypesGoToTheirTopicsKeyedByClaimOrEncounter() {
        assertThat(EventType.ClaimSubmitted.defaultTopic()).isEqualTo("claims");
        assertThat(EventType.ClaimReversed.defaultTopic()).isEqualTo("claims");
        assertThat(EventType.CodingAudited.defaultTopic()).isEqualTo("encounters");
        assertThat(EventType.key(submitted(ClaimFrequency.ORIGINAL))).isEqualTo("AETNA|enc-1");
        assertThat(EventType.key(reversed(1))).isEqualTo("AETNA|enc-1");
        assertThat(EventType.key(audited(1, 0, 0))).isEqualTo("enc-1");
    }

    @Test
    void version1OrdinalsAreUnchanged() {
        assertThat(EventType.values()).startsWith(EventType.EncounterDischarged, EventType.EncounterCoded,
                EventType.AiSuggestionReviewed, EventType.ClaimDenied, EventType.ClaimPaid);
    }

    @Test
    void fieldsAddedByVersion2AreNotWrittenWhenEmpty() {
        EncounterCoded v1 = codedWithModel();
        v1.setModelVersion(null);
        ClaimPaid paid = paidWithoutSubmission();
        paid.setAdjustments(List.of());
        paid.setRemarkCodes(List.of());

        assertThat(JsonEvents.toJson(v1)).doesNotContain("model_version");
        assertThat(JsonEvents.toJson(paid)).doesNotContain("adjustments").doesNotContain("remark_codes")
                .contains("\"submitted_at\":null");
        assertThat(JsonEvents.toJson(codedWithModel())).contains("\"model_version\":\"coder-llm-2.0\"");
    }

    @Test
    void version1ClaimPaidLineReadsWithEmptyAdjustments() {
        String v1 = "{\"type\":\"ClaimPaid\",\"event_id\":\"e\",\"occurred_at\":\"2026-03-01T14:05:00Z\",\"facility_id\":\"F\","
                + "\"encounter_id\":\"x\",\"claim_id\":\"c\",\"payer_id\":\"P\",\"submitted_at\":\"2026-02-01T00:00:00Z\","
                + "\"billed_cents\":100,\"paid_cents\":90}";
        ClaimPaid p = (ClaimPaid) JsonEvents.parse(v1).event();
        assertThat(p.getAdjustments()).isEmpty();
        assertThat(p.getRemarkCodes()).isEmpty();
        assertThat(p.getSubmittedAt()).isEqualTo(Instant.parse("2026-02-01T00:00:00Z"));
    }

    @Test
    void unknownFrequencyOrVerdictIsInvalidEnum() {
        String s = JsonEvents.toJson(submitted(ClaimFrequency.ORIGINAL)).replace("\"ORIGINAL\"", "\"CORRECTED\"");
        String a = JsonEvents.toJson(audited(1, 0, 0)).replace("\"MATERIAL_ERROR\"", "\"WRONG\"");
        assertThat(JsonEvents.parse(s).reason()).isEqualTo(RejectReason.INVALID_ENUM);
        assertThat(JsonEvents.parse(a).reason()).isEqualTo(RejectReason.INVALID_ENUM);
    }

    @Test
    void negativeReversedCentsIsNegativeValue() {
        assertRejected(reversed(-1), RejectReason.NEGATIVE_VALUE);
    }

    @Test
    void negativeCodesChangedIsNegativeValue() {
        assertRejected(audited(1, -1, 0), RejectReason.NEGATIVE_VALUE);
    }

    @Test
    void auditOfRevisionZeroIsInvalidRevision() {
        assertRejected(audited(0, 0, 0), RejectReason.INVALID_REVISION);
    }

    @Test
    void negativeBilledOfASubmissionIsNegativeValue() {
        ClaimSubmitted s = submitted(ClaimFrequency.ORIGINAL);
        s.setBilledCents(-5L);
        assertRejected(s, RejectReason.NEGATIVE_VALUE);
    }

    @Test
    void negativeAdjustmentLineIsValidButNegativeDeniedIsNot() {
        ClaimDenied d = new ClaimDenied("ev-d", T0.plusSeconds(30 * 86_400), "F", "enc-1", "c", "P", null, 100L, 100L,
                List.of(new Adjustment(AdjustmentGroup.CO, "16", 150L), new Adjustment(AdjustmentGroup.CO, "16", -50L)),
                List.of());
        assertThatCode(() -> EventValidator.validate(d, NOW)).doesNotThrowAnyException();
        d.setDeniedCents(-50L);
        assertRejected(d, RejectReason.NEGATIVE_VALUE);
    }

    @Test
    void submittedAtAfterOccurredAtIsTimeOrderWhenPresent() {
        ClaimPaid p = paidWithoutSubmission();
        p.setSubmittedAt(p.getOccurredAt().plusSeconds(1));
        assertRejected(p, RejectReason.TIME_ORDER);
    }

    @Test
    void x12InvalidHasItsLabel() {
        assertThat(RejectReason.X12_INVALID.label()).isEqualTo("x12_invalid");
        assertThat(RejectReason.fromLabel("x12_invalid")).isEqualTo(RejectReason.X12_INVALID);
    }

    private static void assertRejected(SpecificRecord event, RejectReason reason) {
        assertThatThrownBy(() -> EventValidator.validate(event, NOW))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }
}
