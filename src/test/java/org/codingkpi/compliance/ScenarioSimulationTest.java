package org.codingkpi.compliance;

import org.codingkpi.events.AiSuggestionReviewed;
import org.codingkpi.events.ClaimDenied;
import org.codingkpi.events.ClaimPaid;
import org.codingkpi.events.CodeEntry;
import org.codingkpi.events.Decision;
import org.codingkpi.events.EncounterCoded;
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

    @Test
    void scenariosAreNamedAsOnTheCommandLine() {
        assertThat(Scenario.parse("rubber-stamp")).isEqualTo(Scenario.RUBBER_STAMP);
        assertThat(Scenario.parse("EM_DRIFT")).isEqualTo(Scenario.EM_DRIFT);
        assertThatThrownBy(() -> Scenario.parse("upcoding")).hasMessageContaining("none, rubber-stamp, em-drift, denial-spike");
        assertThat(BASE.scenarioStart()).isEqualTo(BASE.goLive().plusSeconds(15 * 86400L));
    }
}
