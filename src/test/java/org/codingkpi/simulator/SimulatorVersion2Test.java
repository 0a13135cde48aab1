package org.codingkpi.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.codingkpi.events.AuditVerdict;
import org.codingkpi.events.ClaimDenied;
import org.codingkpi.events.ClaimFrequency;
import org.codingkpi.events.ClaimPaid;
import org.codingkpi.events.ClaimReversed;
import org.codingkpi.events.ClaimSubmitted;
import org.codingkpi.events.CodingAudited;
import org.codingkpi.events.CodingMode;
import org.codingkpi.events.EncounterCoded;
import org.codingkpi.events.EventType;
import org.codingkpi.events.EventValidator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** simulate --events v2: the version-2 events, as EVENTS.md describes them. */
class SimulatorVersion2Test {
    private static final List<SpecificRecord> EVENTS = new ArrayList<>();

    @BeforeAll
    static void simulate() {
        SimulatorConfig config = SimulatorConfig.builder().seed(11).days(160).encountersPerDay(60).version2(true).build();
        for (SimEvent e : (Iterable<SimEvent>) Simulator.stream(config)::iterator) {
            if (e.kind() == SimEvent.Kind.ORIGINAL) {
                EVENTS.add(e.event());
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> List<T> of(Class<T> type) {
        return (List<T>) EVENTS.stream().filter(type::isInstance).toList();
    }

    @Test
    void everyEventIsValid() {
        long now = Instant.parse("2027-01-01T00:00:00Z").toEpochMilli();
        EVENTS.forEach(e -> EventValidator.validate(e, now));
    }

    @Test
    void everyRemittedClaimWasSubmittedBeforeItsRemittance() {
        Map<String, Instant> firstSubmission = new HashMap<>();
        for (ClaimSubmitted s : of(ClaimSubmitted.class)) {
            firstSubmission.merge(s.getClaimId(), s.getOccurredAt(), (a, b) -> a.isBefore(b) ? a : b);
        }
        List<SpecificRecord> remittances = EVENTS.stream()
                .filter(e -> e instanceof ClaimPaid || e instanceof ClaimDenied || e instanceof ClaimReversed).toList();
        assertThat(remittances).isNotEmpty().allSatisfy(r -> {
            Instant submitted = firstSubmission.get((String) r.get(4));
            assertThat(submitted).isNotNull().isBefore((Instant) r.get(1));
        });
    }

    @Test
    void someClaimsAreVoidedOrReplacedSomePaymentsReversedSomeRemittancesHaveNoSubmissionTime() {
        Map<ClaimFrequency, Long> byFrequency = new HashMap<>();
        of(ClaimSubmitted.class).forEach(s -> byFrequency.merge(s.getFrequency(), 1L, Long::sum));
        assertThat(byFrequency).containsKeys(ClaimFrequency.ORIGINAL, ClaimFrequency.REPLACEMENT, ClaimFrequency.VOID);
        assertThat(of(ClaimReversed.class)).isNotEmpty();
        List<ClaimPaid> paid = of(ClaimPaid.class);
        double unknown = paid.stream().filter(p -> p.getSubmittedAt() == null).count() / (double) paid.size();
        assertThat(unknown).isBetween(0.2, 0.4);
        assertThat(paid).anySatisfy(p -> assertThat(p.getAdjustments()).isNotEmpty());
    }

    @Test
    void aiCodingsCarryTheirModelVersionManualOnesNone() {
        assertThat(of(EncounterCoded.class)).allSatisfy(c -> {
            if (c.getCodingMode() == CodingMode.MANUAL) {
                assertThat(c.getModelVersion()).isNull();
            } else {
                assertThat(c.getModelVersion()).isNotNull();
            }
        });
    }

    @Test
    void aFewPercentOfCodingsAreAuditedAndOneCoderAndOneModelVersionAreLessAccurate() {
        List<CodingAudited> audits = of(CodingAudited.class);
        double share = audits.size() / (double) of(EncounterCoded.class).size();
        assertThat(share).isBetween(0.015, 0.045);
        Map<String, long[]> byModel = new HashMap<>();
        for (CodingAudited a : audits) {
            String key = a.getModelVersion() == null ? "manual" : a.getModelVersion();
            long[] n = byModel.computeIfAbsent(key, k -> new long[2]);
            n[0]++;
            if (a.getVerdict() == AuditVerdict.ACCURATE) {
                n[1]++;
            }
        }
        double newer = byModel.get("coder-llm-1.5")[1] / (double) byModel.get("coder-llm-1.5")[0];
        double older = byModel.get("coder-llm-1.4")[1] / (double) byModel.get("coder-llm-1.4")[0];
        assertThat(newer).isLessThan(older - 0.1);
        assertThat(EventType.key(audits.get(0))).isEqualTo(audits.get(0).getEncounterId());
    }
}
