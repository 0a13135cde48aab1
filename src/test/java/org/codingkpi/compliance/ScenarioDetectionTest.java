package org.codingkpi.compliance;

import org.codingkpi.compliance.audit.FindingKind;
import org.codingkpi.compliance.audit.FindingStatus;
import org.codingkpi.simulator.Scenario;
import org.codingkpi.simulator.SimulatorConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each detector finds its injected scenario within the expected number of simulated days, with the
 * contract's default thresholds, and a clean 120-day department raises nothing (a false positive is
 * audit noise). Go-live is day 30, the scenario starts on day 45 (go-live + 15). Each holds for the
 * version-1 events and for version 2 (model_version on codings, the QA audit stream, the billing
 * events), as the demo and the compose feed send them.
 */
class ScenarioDetectionTest {
    private static final ComplianceConfig DEFAULTS = ComplianceConfig.defaults();
    private static final int GO_LIVE = 30;
    private static final int SCENARIO = 45;

    private static SimulatorConfig simulation(Scenario scenario, int encountersPerDay, boolean version2) {
        return SimulatorConfig.builder().days(120).encountersPerDay(encountersPerDay).scenario(scenario).version2(version2).build();
    }

    @ParameterizedTest(name = "version 2: {0}")
    @ValueSource(booleans = {false, true})
    void aCleanDepartmentRaisesNothingIn120Days(boolean version2) {
        assertThat(ScenarioRun.run(simulation(Scenario.NONE, 1000, version2), DEFAULTS)).isEmpty();
    }

    @ParameterizedTest(name = "version 2: {0}")
    @ValueSource(booleans = {false, true})
    void aCleanDepartmentAtDemoVolumeRaisesNothingIn120Days(boolean version2) {
        assertThat(ScenarioRun.run(simulation(Scenario.NONE, 400, version2), DEFAULTS)).isEmpty();
    }

    @ParameterizedTest(name = "version 2: {0}")
    @ValueSource(booleans = {false, true})
    void rubberStampScenarioRaisesTheCoderAndTheAcceptanceDriftOfTheTrustedModel(boolean version2) {
        List<ScenarioRun.Raised> raised = ScenarioRun.run(simulation(Scenario.RUBBER_STAMP, 400, version2), DEFAULTS);

        assertThat(raised).allMatch(r -> r.finding().getStatus() == FindingStatus.OPEN);
        assertThat(raised).extracting(r -> r.finding().getFindingId()).doesNotHaveDuplicates();
        // the rubber-stamping coder: within two weeks of the go-live (measured: day 43)
        assertThat(raised).filteredOn(r -> r.finding().getKind() == FindingKind.RUBBER_STAMPING_CODER)
                .singleElement().satisfies(r -> {
                    assertThat(r.finding().getScope().getCoder()).isEqualTo("C030");
                    assertThat(r.day()).isBetween(GO_LIVE, GO_LIVE + 14);
                    assertThat(r.finding().getSampleEncounterIds()).hasSize(20);
                });
        // acceptance drift of coder-llm-2.0: trust grows from four weeks after the roll-out (day 73);
        // the pilot specialties within three weeks of that (measured: day 88), every specialty by day 105
        List<ScenarioRun.Raised> drift = raised.stream().filter(r -> r.finding().getKind() == FindingKind.ACCEPTANCE_DRIFT).toList();
        assertThat(drift).allMatch(r -> r.finding().getScope().getModelVersion().equals("coder-llm-2.0"));
        assertThat(drift).filteredOn(r -> List.of("GENERAL_MEDICINE", "CARDIOLOGY").contains(r.finding().getScope().getSpecialty()))
                .hasSize(2).allMatch(r -> r.day() > SCENARIO + 28 && r.day() <= SCENARIO + 28 + 21);
        assertThat(drift).hasSize(6).allMatch(r -> r.day() <= 105);
        assertThat(raised).noneMatch(r -> r.finding().getKind() == FindingKind.EM_LEVEL_SHIFT);
    }

    @ParameterizedTest(name = "version 2: {0}")
    @ValueSource(booleans = {false, true})
    void emDriftScenarioRaisesTheDriftingFacilityOnly(boolean version2) {
        List<ScenarioRun.Raised> raised = ScenarioRun.run(simulation(Scenario.EM_DRIFT, 400, version2), DEFAULTS);

        assertThat(raised).isNotEmpty().allMatch(r -> r.finding().getKind() == FindingKind.EM_LEVEL_SHIFT
                && r.finding().getScope().getFacility().equals("FAC-NORTH") && r.finding().getStatus() == FindingStatus.OPEN);
        // the largest service: within four weeks of the start of the drift (measured: day 70)
        assertThat(raised).filteredOn(r -> r.finding().getScope().getSpecialty().equals("GENERAL_MEDICINE"))
                .singleElement().satisfies(r -> {
                    assertThat(r.day()).isBetween(SCENARIO, SCENARIO + 28);
                    assertThat(r.finding().getValue()).isGreaterThanOrEqualTo(0.25);
                    assertThat(r.finding().getObserved().get("99215")).isGreaterThan(r.finding().getBaseline().get("99215"));
                });
    }

    @ParameterizedTest(name = "version 2: {0}")
    @ValueSource(booleans = {false, true})
    void denialSpikeScenarioIsForTheDenialKpisAndRaisesNoAuditFinding(boolean version2) {
        assertThat(ScenarioRun.run(simulation(Scenario.DENIAL_SPIKE, 400, version2), DEFAULTS)).isEmpty();
    }

    @ParameterizedTest(name = "version 2: {0}")
    @ValueSource(booleans = {false, true})
    void degradingModelScenarioRaisesTheAcceptanceCollapseOfTheDegradingModel(boolean version2) {
        List<ScenarioRun.Raised> raised = ScenarioRun.run(simulation(Scenario.DEGRADING_MODEL, 400, version2), DEFAULTS);

        assertThat(raised).isNotEmpty().allMatch(r -> r.finding().getKind() == FindingKind.ACCEPTANCE_COLLAPSE
                && r.finding().getScope().getModelVersion().equals("coder-llm-2.1") && r.finding().getStatus() == FindingStatus.OPEN);
        assertThat(raised).extracting(r -> r.finding().getFindingId()).doesNotHaveDuplicates();
        // the model degrades from four weeks after its roll-out (day 73): the pilot specialties within
        // three weeks of that
        assertThat(raised).filteredOn(r -> List.of("GENERAL_MEDICINE", "CARDIOLOGY").contains(r.finding().getScope().getSpecialty()))
                .hasSize(2).allMatch(r -> r.day() > SCENARIO + 28 && r.day() <= SCENARIO + 28 + 21);
        assertThat(raised.get(0).finding().getObserved().get("acceptance_rate"))
                .isLessThan(raised.get(0).finding().getBaseline().get("acceptance_rate"));
    }

    @ParameterizedTest(name = "version 2: {0}")
    @ValueSource(booleans = {false, true})
    void oversightBreachScenarioRaisesABreachForEachMisroutedEncounterAtOnce(boolean version2) {
        List<ScenarioRun.Raised> raised = ScenarioRun.run(simulation(Scenario.OVERSIGHT_BREACH, 400, version2), DEFAULTS);

        assertThat(raised).isNotEmpty().allMatch(r -> r.finding().getKind() == FindingKind.OVERSIGHT_BREACH);
        List<ScenarioRun.Raised> opened = raised.stream().filter(r -> r.finding().getStatus() == FindingStatus.OPEN).toList();
        assertThat(opened).extracting(r -> r.finding().getFindingId()).doesNotHaveDuplicates();
        // the first within two days of the start of the misrouting (a coding follows its discharge)
        assertThat(opened.get(0).day()).isBetween(SCENARIO, SCENARIO + 2);
        assertThat(opened).allMatch(r -> r.day() >= SCENARIO && r.finding().getSampleEncounterIds().size() == 1);
        assertThat(opened).extracting(r -> r.finding().getScope().getRule()).contains("inpatient", "high_dollar");
        // closed after the 30-day review period, as raised: each closes once
        List<ScenarioRun.Raised> closed = raised.stream().filter(r -> r.finding().getStatus() == FindingStatus.CLOSED).toList();
        assertThat(closed).isNotEmpty().allMatch(r -> r.day() >= SCENARIO + 30);
        assertThat(closed).extracting(r -> r.finding().getFindingId()).doesNotHaveDuplicates();
    }
}
