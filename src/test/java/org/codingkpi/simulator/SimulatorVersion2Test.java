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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** simulate --events v2: the version-2 events, as EVENTS.md describes them. */
class SimulatorVersion2Test {
    private static final List<SpecificRecord> EVENTS = new ArrayList<>();
    private static final Map<Scenario, String> WEAKEST_CODER = new java.util.concurrent.ConcurrentHashMap<>();

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

    /**
     * Issue 11: a QA stream in every simulation, that is every version-2 one (version 1 has no
     * CodingAudited type, and its output stays as it was): whatever the scenario, a few percent of
     * codings are audited, and QA finds one outpatient coder and the run's newest model version less
     * accurate than the rest.
     */
    @ParameterizedTest
    @EnumSource(Scenario.class)
    void everyScenarioCarriesTheQaStreamWithOneLessAccurateCoderAndModelVersion(Scenario scenario) {
        SimulatorConfig config = SimulatorConfig.builder().seed(5).days(120).encountersPerDay(1000).scenario(scenario).version2(true).build();
        long codings = 0;
        Map<String, long[]> byCoder = new HashMap<>();
        Map<String, long[]> byModel = new HashMap<>();
        String newest = switch (scenario) {
            case RUBBER_STAMP -> "coder-llm-2.0";
            case DEGRADING_MODEL -> "coder-llm-2.1";
            default -> "coder-llm-1.5";
        };
        long[] all = new long[2];
        Map<String, String> coderOf = new HashMap<>(); // the audited coding's coder (the audit names the revision)
        for (SimEvent e : (Iterable<SimEvent>) Simulator.stream(config)::iterator) {
            if (e.kind() != SimEvent.Kind.ORIGINAL) {
                continue;
            }
            if (e.event() instanceof EncounterCoded c) {
                codings++;
                coderOf.put(c.getEncounterId() + "/" + c.getRevision(), String.valueOf(c.getCoderId()));
            } else if (e.event() instanceof CodingAudited a) {
                int accurate = a.getVerdict() == AuditVerdict.ACCURATE ? 1 : 0;
                List<long[]> counts = new ArrayList<>(List.of(all, byModel.computeIfAbsent(String.valueOf(a.getModelVersion()), k -> new long[2])));
                if (!newest.equals(a.getModelVersion())) {
                    counts.add(byCoder.computeIfAbsent(coderOf.get(a.getEncounterId() + "/" + a.getRevision()), k -> new long[2]));
                }
                for (long[] n : counts) {
                    n[0]++;
                    n[1] += accurate;
                }
            }
        }
        assertThat(all[0] / (double) codings).as("share of codings audited").isBetween(0.015, 0.045);

        assertThat(byModel).containsKeys(newest, "coder-llm-1.4", "null");
        assertThat(accuracy(byModel.get(newest))).as("QA accuracy of %s against the rest", newest)
                .isLessThan(accuracy(minus(all, byModel.get(newest))) - 0.1);
        byModel.forEach((model, n) -> {
            if (!model.equals(newest)) {
                assertThat(accuracy(n)).as("QA accuracy of %s", model).isGreaterThan(0.75);
            }
        });

        // the coder's own accuracy, apart from the newest model's: each coder's audits of manual codings and
        // of the older model's (autonomous codings, without a coder, left out)
        Map.Entry<String, long[]> weakest = byCoder.entrySet().stream().filter(c -> !c.getKey().equals("null") && c.getValue()[0] >= 40)
                .min(java.util.Comparator.comparingDouble(c -> accuracy(c.getValue()))).orElseThrow();
        long[] rest = new long[2];
        byCoder.forEach((coder, n) -> {
            if (!coder.equals("null") && !coder.equals(weakest.getKey())) {
                rest[0] += n[0];
                rest[1] += n[1];
            }
        });
        assertThat(accuracy(weakest.getValue())).as("QA accuracy of the least accurate coder against the other coders (%s)", scenario)
                .isLessThan(accuracy(rest) - 0.1);
        WEAKEST_CODER.put(scenario, weakest.getKey());
        assertThat(WEAKEST_CODER.values()).as("the same coder in every scenario").containsOnly(weakest.getKey());
    }

    /**
     * Version 1 stays as it was in every scenario: no version-2 type (no QA stream), and a model
     * version on codings only in the two scenarios that always needed it.
     */
    @ParameterizedTest
    @EnumSource(Scenario.class)
    void version1ScenariosHaveNoQaStream(Scenario scenario) {
        boolean carriesModel = scenario == Scenario.DEGRADING_MODEL || scenario == Scenario.OVERSIGHT_BREACH;
        SimulatorConfig config = SimulatorConfig.builder().seed(5).days(90).encountersPerDay(60).scenario(scenario).build();
        for (SimEvent e : (Iterable<SimEvent>) Simulator.stream(config)::iterator) {
            assertThat(EventType.valueOf(e.type()).sinceVersion2()).as(e.type()).isFalse();
            if (e.event() instanceof EncounterCoded c && !carriesModel) {
                assertThat(c.getModelVersion()).isNull();
            }
        }
    }

    private static double accuracy(long[] n) {
        return n[1] / (double) n[0];
    }

    private static long[] minus(long[] a, long[] b) {
        return new long[] {a[0] - b[0], a[1] - b[1]};
    }
}
