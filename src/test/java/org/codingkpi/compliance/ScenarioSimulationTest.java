package org.codingkpi.compliance;

import org.codingkpi.events.AiSuggestionReviewed;
import org.codingkpi.events.ClaimDenied;
import org.codingkpi.events.ClaimPaid;
import org.codingkpi.events.CodeEntry;
import org.codingkpi.events.CodeSource;
import org.codingkpi.events.CodingMode;
import org.codingkpi.events.Decision;
import org.codingkpi.events.EncounterCoded;
import org.codingkpi.events.Setting;
import org.codingkpi.kpi.DenialCategorizer;
import org.codingkpi.simulator.Scenario;
import org.codingkpi.simulator.SimEvent;
import org.codingkpi.simulator.Simulator;
import org.codingkpi.simulator.SimulatorConfig;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The simulator's scenarios inject what they say, from the scenario day, and nothing by default. */
class ScenarioSimulationTest {
    private static final SimulatorConfig BASE = SimulatorConfig.builder().days(90).encountersPerDay(300).build();
    private static final Instant SCENARIO_START = BASE.scenarioStart();

    private static List<SimEvent> run(Scenario scenario) {
        return Simulator.stream(BASE.toBuilder().scenario(scenario).build()).toList();
    }

    private static double acceptance(List<SimEvent> events, Predicate<AiSuggestionReviewed> which) {
        long n = 0;
        long accepted = 0;
        for (SimEvent e : events) {
            if (e.event() instanceof AiSuggestionReviewed a && which.test(a)) {
                n++;
                accepted += a.getDecision() == Decision.ACCEPTED ? 1 : 0;
            }
        }
        return accepted / (double) n;
    }

    @Test
    void byDefaultNoCoderRubberStampsAndNoOtherModelVersionAppears() {
        List<SimEvent> events = run(Scenario.NONE);
        assertThat(BASE.scenario()).isEqualTo(Scenario.NONE);
        assertThat(acceptance(events, a -> a.getCoderId().equals("C030"))).isBetween(0.6, 0.8);
        assertThat(events).noneMatch(e -> e.event() instanceof AiSuggestionReviewed a && a.getModelVersion().equals("coder-llm-2.0"));
    }

    @Test
    void rubberStampRollsOutATrustedModelAndOneCoderAcceptsEverythingFast() {
        List<SimEvent> events = run(Scenario.RUBBER_STAMP);
        assertThat(acceptance(events, a -> a.getCoderId().equals("C030"))).isGreaterThan(0.98);
        // the model is chosen at discharge; a coding takes at most 30 days
        assertThat(events).noneMatch(e -> e.event() instanceof AiSuggestionReviewed a
                && a.getModelVersion().equals("coder-llm-2.0") && a.getOccurredAt().isBefore(SCENARIO_START));
        assertThat(events).allMatch(e -> !(e.event() instanceof AiSuggestionReviewed a)
                || a.getOccurredAt().isBefore(SCENARIO_START.plusSeconds(30 * 86400L)) || a.getModelVersion().equals("coder-llm-2.0"));
        Instant trust = SCENARIO_START.plusSeconds(28 * 86400L);
        double before = acceptance(events, a -> a.getModelVersion().equals("coder-llm-2.0") && a.getOccurredAt().isBefore(trust)
                && !a.getCoderId().equals("C030"));
        double after = acceptance(events, a -> a.getOccurredAt().isAfter(trust.plusSeconds(14 * 86400L)) && !a.getCoderId().equals("C030"));
        assertThat(after - before).isGreaterThan(0.08);
    }

    @Test
    void emDriftMovesOneFacilitysOfficeVisitsToTheTopLevels() {
        List<SimEvent> events = run(Scenario.EM_DRIFT);
        Instant late = SCENARIO_START.plusSeconds(21 * 86400L);
        assertThat(topLevelShare(events, "FAC-NORTH", late)).isGreaterThan(0.6);
        assertThat(topLevelShare(events, "FAC-SOUTH", late)).isLessThan(0.55);
        assertThat(topLevelShare(run(Scenario.NONE), "FAC-NORTH", late)).isLessThan(0.55);
    }

    /** Share of 99214/99215 among office visits (99211–99215) coded at the facility after {@code from}. */
    private static double topLevelShare(List<SimEvent> events, String facility, Instant from) {
        long office = 0;
        long top = 0;
        for (SimEvent e : events) {
            if (e.event() instanceof EncounterCoded c && c.getRevision() == 1 && c.getFacilityId().equals(facility)
                    && c.getOccurredAt().isAfter(from)) {
                for (CodeEntry code : c.getCodes()) {
                    if (code.getCode().startsWith("9921")) {
                        office++;
                        top += code.getCode().equals("99214") || code.getCode().equals("99215") ? 1 : 0;
                    }
                }
            }
        }
        return top / (double) office;
    }

    @Test
    void denialSpikeMultipliesOnePayersCodingDenials() {
        DenialCategorizer categories = DenialCategorizer.defaults();
        List<SimEvent> spike = run(Scenario.DENIAL_SPIKE);
        List<SimEvent> clean = run(Scenario.NONE);
        assertThat(codingDenialRate(spike, categories, "UHC")).isGreaterThan(3 * codingDenialRate(clean, categories, "UHC"));
        assertThat(codingDenialRate(spike, categories, "BCBS")).isEqualTo(codingDenialRate(clean, categories, "BCBS"));
    }

    /** Coding-category denials per remittance of the payer after the scenario start. */
    private static double codingDenialRate(List<SimEvent> events, DenialCategorizer categories, String payer) {
        long remittances = 0;
        long coding = 0;
        for (SimEvent e : events) {
            if (e.event() instanceof ClaimDenied d && d.getPayerId().equals(payer) && d.getOccurredAt().isAfter(SCENARIO_START)) {
                remittances++;
                coding += DenialCategorizer.CODING.equals(categories.categorize(d.getAdjustments(), d.getRemarkCodes())) ? 1 : 0;
            } else if (e.event() instanceof ClaimPaid p && p.getPayerId().equals(payer) && p.getOccurredAt().isAfter(SCENARIO_START)) {
                remittances++;
            }
        }
        return coding / (double) remittances;
    }

    /** Of the codes of revision-1 AI_ASSISTED codings with this model version in the period, the share the AI suggested. */
    private static double recall(List<SimEvent> events, String model, Instant from, Instant to) {
        long all = 0;
        long suggested = 0;
        for (SimEvent e : events) {
            if (e.event() instanceof EncounterCoded c && c.getRevision() == 1 && c.getCodingMode() == CodingMode.AI_ASSISTED
                    && model.equals(c.getModelVersion()) && !c.getOccurredAt().isBefore(from) && c.getOccurredAt().isBefore(to)) {
                for (CodeEntry code : c.getCodes()) {
                    all++;
                    suggested += code.getSource() == CodeSource.AI_ACCEPTED || code.getSource() == CodeSource.AI_MODIFIED ? 1 : 0;
                }
            }
        }
        return suggested / (double) all;
    }

    private static boolean breach(SimEvent e) {
        return e.event() instanceof EncounterCoded c && c.getRevision() == 1 && c.getCodingMode() == CodingMode.AUTONOMOUS
                && (c.getSetting() == Setting.INPATIENT || c.getChargeCents() >= 2_500_000L);
    }

    @Test
    void byDefaultCodingsCarryNoModelVersionAndNoAutonomousCodingBreaksAMandatoryReviewRule() {
        List<SimEvent> events = run(Scenario.NONE);
        assertThat(events).noneMatch(e -> e.event() instanceof EncounterCoded c && c.getModelVersion() != null);
        assertThat(events).noneMatch(ScenarioSimulationTest::breach);
    }

    @Test
    void degradingModelLosesAcceptanceAndRecallFourWeeksAfterItsRollOut() {
        List<SimEvent> events = run(Scenario.DEGRADING_MODEL);
        Instant degrading = SCENARIO_START.plusSeconds(28 * 86400L);
        Instant degraded = SCENARIO_START.plusSeconds(38 * 86400L);
        Instant end = BASE.start().plusSeconds(BASE.days() * 86400L);
        assertThat(events).noneMatch(e -> e.event() instanceof AiSuggestionReviewed a
                && a.getModelVersion().equals("coder-llm-2.1") && a.getOccurredAt().isBefore(SCENARIO_START));
        double acceptanceBefore = acceptance(events, a -> a.getModelVersion().equals("coder-llm-2.1") && a.getOccurredAt().isBefore(degrading));
        double acceptanceAfter = acceptance(events, a -> a.getModelVersion().equals("coder-llm-2.1") && a.getOccurredAt().isAfter(degraded));
        assertThat(acceptanceBefore - acceptanceAfter).isGreaterThan(0.08);
        double recallBefore = recall(events, "coder-llm-2.1", SCENARIO_START, degrading);
        double recallAfter = recall(events, "coder-llm-2.1", degraded, end);
        assertThat(recallBefore).isBetween(0.8, 0.9);
        assertThat(recallBefore - recallAfter).isGreaterThan(0.08);
    }

    @Test
    void oversightBreachCodesInpatientAndHighDollarEncountersAutonomouslyFromTheScenarioDay() {
        List<SimEvent> events = run(Scenario.OVERSIGHT_BREACH);
        List<EncounterCoded> breaches = events.stream().filter(ScenarioSimulationTest::breach).map(e -> (EncounterCoded) e.event()).toList();
        assertThat(breaches).hasSizeGreaterThan(20).allMatch(c -> !c.getOccurredAt().isBefore(SCENARIO_START) && c.getModelVersion() != null);
        assertThat(breaches).anyMatch(c -> c.getSetting() == Setting.INPATIENT)
                .anyMatch(c -> c.getChargeCents() >= 2_500_000L);
    }

    @Test
    void scenariosAreNamedAsOnTheCommandLine() {
        assertThat(Scenario.parse("rubber-stamp")).isEqualTo(Scenario.RUBBER_STAMP);
        assertThat(Scenario.parse("EM_DRIFT")).isEqualTo(Scenario.EM_DRIFT);
        assertThat(Scenario.parse("degrading-model")).isEqualTo(Scenario.DEGRADING_MODEL);
        assertThat(Scenario.parse("oversight-breach")).isEqualTo(Scenario.OVERSIGHT_BREACH);
        assertThatThrownBy(() -> Scenario.parse("upcoding")).hasMessageContaining("none, rubber-stamp, em-drift, denial-spike");
        assertThat(BASE.scenarioStart()).isEqualTo(BASE.goLive().plusSeconds(15 * 86400L));
    }
}
