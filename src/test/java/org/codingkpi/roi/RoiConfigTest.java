package org.codingkpi.roi;

import org.codingkpi.events.Setting;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RoiConfigTest {

    private static RoiConfig parse(String yaml) {
        return RoiConfig.parse(yaml, "test.yaml");
    }

    @Test
    void shippedDefaultFileEqualsTheDefaultsOfTheContract() {
        assertThat(RoiConfig.loadResource("/roi/default-roi.yaml")).isEqualTo(RoiConfig.defaults());
    }

    @Test
    void defaultsAreThoseOfRoiMd() {
        RoiConfig d = RoiConfig.defaults();
        assertThat(d.goLive()).isEqualTo(LocalDate.of(2026, 1, 1));
        assertThat(d.coderHourlyCost()).isEqualTo(42.0);
        assertThat(d.reworkCostPerDenial()).isEqualTo(118.0);
        assertThat(d.costOfCapitalAnnual()).isEqualTo(0.06);
        assertThat(d.baseline().minutesPerEncounter().get(Setting.INPATIENT)).isEqualTo(25.0);
        assertThat(d.baseline().minutesPerEncounter().get(Setting.OUTPATIENT)).isEqualTo(8.0);
        assertThat(d.baseline().minutesPerEncounter().get(Setting.PROFESSIONAL)).isEqualTo(5.0);
        assertThat(d.baseline().codingDenialRate()).isEqualTo(0.035);
        assertThat(d.baseline().daysToPayment()).isEqualTo(42.0);
        assertThat(d.programCosts()).isEqualTo(new RoiConfig.ProgramCosts(250_000.0, 35_000.0));
        assertThat(d.scenario("conservative")).isEqualTo(new RoiConfig.Scenario(0.10, 0.10, 1.0, 9));
        assertThat(d.scenario("expected")).isEqualTo(new RoiConfig.Scenario(0.25, 0.25, 3.0, 6));
        assertThat(d.scenario("aggressive")).isEqualTo(new RoiConfig.Scenario(0.40, 0.40, 5.0, 3));
    }

    @Test
    void baselineUseAndMeasureMonthsDefaultToConfiguredAndThree() {
        assertThat(RoiConfig.defaults().measurement()).isEqualTo(new RoiConfig.Measurement(RoiConfig.BaselineUse.CONFIGURED, 3));
        assertThat(parse("baseline: { use: measured, measure_months: 6 }").measurement())
                .isEqualTo(new RoiConfig.Measurement(RoiConfig.BaselineUse.MEASURED, 6));
        assertThat(parse("baseline: { use: configured }").measurement().measureMonths()).isEqualTo(3);
    }

    @Test
    void baselineUseOtherThanTheTwoAndMeasureMonthsBelowOneNameTheKey() {
        assertThatThrownBy(() -> parse("baseline: { use: mesured }"))
                .isInstanceOf(RoiConfigException.class)
                .hasMessage("baseline.use: expected configured or measured, got \"mesured\"");
        assertThatThrownBy(() -> parse("baseline: { use: MEASURED }"))
                .hasMessage("baseline.use: expected configured or measured, got \"MEASURED\"");
        assertThatThrownBy(() -> parse("baseline: { use: 1 }"))
                .hasMessage("baseline.use: expected configured or measured, got 1");
        assertThatThrownBy(() -> parse("baseline: { measure_months: 0 }"))
                .isInstanceOf(RoiConfigException.class)
                .hasMessage("baseline.measure_months: expected a positive integer, got 0");
        assertThatThrownBy(() -> parse("baseline: { measure_months: -2 }"))
                .hasMessage("baseline.measure_months: expected a positive integer, got -2");
        assertThatThrownBy(() -> parse("baseline: { measure_months: 1.5 }"))
                .hasMessage("baseline.measure_months: expected a positive integer, got 1.5");
    }

    @Test
    void emptyFileIsAllDefaults() {
        assertThat(parse("")).isEqualTo(RoiConfig.defaults());
        assertThat(parse("# nothing but a comment\n")).isEqualTo(RoiConfig.defaults());
    }

    @Test
    void missingKeysTakeTheirDefaultAtEveryLevel() {
        RoiConfig c = parse("""
                coder_hourly_cost: 50
                baseline:
                  minutes_per_encounter: { INPATIENT: 30 }
                scenarios:
                  expected: { ramp_months: 4 }
                """);
        RoiConfig d = RoiConfig.defaults();
        assertThat(c.coderHourlyCost()).isEqualTo(50.0);
        assertThat(c.reworkCostPerDenial()).isEqualTo(d.reworkCostPerDenial());
        assertThat(c.baseline().minutesPerEncounter().get(Setting.INPATIENT)).isEqualTo(30.0);
        assertThat(c.baseline().minutesPerEncounter().get(Setting.OUTPATIENT)).isEqualTo(8.0);
        assertThat(c.baseline().codingDenialRate()).isEqualTo(0.035);
        assertThat(c.scenario("expected")).isEqualTo(new RoiConfig.Scenario(0.25, 0.25, 3.0, 4));
        assertThat(c.scenario("aggressive")).isEqualTo(d.scenario("aggressive"));
        assertThat(c.programCosts()).isEqualTo(d.programCosts());
    }

    @Test
    void wrongTypeNamesTheKeyPathAndTheExpectedForm() {
        assertThatThrownBy(() -> parse("scenarios:\n  expected: { ramp_months: six }\n"))
                .isInstanceOf(RoiConfigException.class)
                .hasMessage("scenarios.expected.ramp_months: expected a positive integer, got \"six\"");
        assertThatThrownBy(() -> parse("coder_hourly_cost: \"42\"\n"))
                .hasMessage("coder_hourly_cost: expected a non-negative amount of dollars, got \"42\"");
        assertThatThrownBy(() -> parse("program_costs: 1000\n"))
                .hasMessage("program_costs: expected a mapping of keys, got 1000");
        assertThatThrownBy(() -> parse("rework_cost_per_denial:\n"))
                .hasMessage("rework_cost_per_denial: expected a non-negative amount of dollars, got nothing (null)");
    }

    @Test
    void valuesOutOfRangeAreRejected() {
        assertThatThrownBy(() -> parse("baseline: { coding_denial_rate: 3.5 }"))
                .hasMessage("baseline.coding_denial_rate: expected a fraction between 0 and 1, got 3.5");
        assertThatThrownBy(() -> parse("program_costs: { monthly: -1 }"))
                .hasMessage("program_costs.monthly: expected a non-negative amount of dollars, got -1");
        assertThatThrownBy(() -> parse("scenarios: { aggressive: { ramp_months: 0 } }"))
                .hasMessage("scenarios.aggressive.ramp_months: expected a positive integer, got 0");
        assertThatThrownBy(() -> parse("scenarios: { aggressive: { ramp_months: 2.5 } }"))
                .hasMessage("scenarios.aggressive.ramp_months: expected a positive integer, got 2.5");
        assertThatThrownBy(() -> parse("scenarios: { aggressive: { days_reduction: 50 } }"))
                .hasMessage("scenarios.aggressive.days_reduction: expected a number of days between 0 and "
                        + "baseline.days_to_payment (42.0), got 50.0");
        assertThatThrownBy(() -> parse("cost_of_capital_annual: .nan"))
                .isInstanceOf(RoiConfigException.class)
                .hasMessageContaining("'.nan'");
    }

    @Test
    void unknownKeysAreErrorsNotSilentDefaults() {
        assertThatThrownBy(() -> parse("coder_hourly_rate: 42\n"))
                .isInstanceOf(RoiConfigException.class)
                .hasMessageStartingWith("coder_hourly_rate: unknown key; expected one of go_live, coder_hourly_cost");
        assertThatThrownBy(() -> parse("baseline: { minutes_per_encounter: { inpatient: 20 } }"))
                .hasMessage("baseline.minutes_per_encounter.inpatient: unknown key; expected one of "
                        + "INPATIENT, OUTPATIENT, PROFESSIONAL");
        assertThatThrownBy(() -> parse("scenarios: { optimistic: { ramp_months: 2 } }"))
                .hasMessage("scenarios.optimistic: unknown key; expected one of conservative, expected, aggressive");
        assertThatThrownBy(() -> parse("scenarios: { expected: { ramp: 2 } }"))
                .hasMessageStartingWith("scenarios.expected.ramp: unknown key");
    }

    @Test
    void goLiveMustBeACalendarDate() {
        assertThat(parse("go_live: 2026-03-15").goLive()).isEqualTo(LocalDate.of(2026, 3, 15));
        assertThat(parse("go_live: \"2026-03-15\"").goLive()).isEqualTo(LocalDate.of(2026, 3, 15));
        assertThatThrownBy(() -> parse("go_live: 2026-02-30"))
                .hasMessage("go_live: expected a date YYYY-MM-DD, got \"2026-02-30\"");
        assertThatThrownBy(() -> parse("go_live: 15/03/2026"))
                .hasMessage("go_live: expected a date YYYY-MM-DD, got \"15/03/2026\"");
        assertThatThrownBy(() -> parse("go_live: 20260315"))
                .hasMessage("go_live: expected a date YYYY-MM-DD, got 20260315");
    }

    @Test
    void duplicateKeysAndBrokenYamlAreReportedWithTheirPlace() {
        assertThatThrownBy(() -> parse("coder_hourly_cost: 40\ncoder_hourly_cost: 42\n"))
                .isInstanceOf(RoiConfigException.class)
                .hasMessageContaining("test.yaml: not valid YAML at line 2")
                .hasMessageContaining("coder_hourly_cost");
        assertThatThrownBy(() -> parse("baseline: [unclosed\n"))
                .hasMessageContaining("test.yaml: not valid YAML at line");
    }

    @Test
    void loadsAFileAndReportsAMissingOne(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("roi.yaml");
        Files.writeString(file, "go_live: 2026-05-01\nprogram_costs: { one_time: 0 }\n");
        RoiConfig c = RoiConfig.load(file);
        assertThat(c.goLive()).isEqualTo(LocalDate.of(2026, 5, 1));
        assertThat(c.programCosts().oneTime()).isEqualTo(0.0);
        assertThatThrownBy(() -> RoiConfig.load(dir.resolve("missing.yaml")))
                .isInstanceOf(RoiConfigException.class)
                .hasMessageEndingWith("missing.yaml: no such file");
    }

    @Test
    void demoConfigLoadsAndItsGoLiveCanBeMoved() {
        RoiConfig demo = RoiConfig.demo();
        RoiConfig moved = demo.withGoLive(LocalDate.of(2027, 2, 3));
        assertThat(moved.goLive()).isEqualTo(LocalDate.of(2027, 2, 3));
        assertThat(moved.withGoLive(demo.goLive())).isEqualTo(demo);
    }
}
