package org.codingkpi.compliance;

import org.codingkpi.config.PipelineConfig;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ComplianceConfigTest {

    @Test
    void defaultsAreTheContracts() {
        ComplianceConfig c = ComplianceConfig.from(PipelineConfig.of(Map.of()));
        assertThat(c.windowDays()).isEqualTo(28);
        assertThat(c.baseline().days()).isEqualTo(28);
        assertThat(c.baseline().fromDay()).isNull();
        assertThat(c.psiThreshold()).isEqualTo(0.25);
        assertThat(c.cusumK()).isEqualTo(0.5);
        assertThat(c.cusumH()).isEqualTo(5.0);
        assertThat(c.coderAcceptance()).isEqualTo(0.98);
        assertThat(c.coderReviewSeconds()).isEqualTo(3.0);
        assertThat(c.coderMinSuggestions()).isEqualTo(200);
        assertThat(c.sampleSize()).isEqualTo(20);
        assertThat(c.graceMs()).isEqualTo(3_600_000L);
        assertThat(c).isEqualTo(ComplianceConfig.defaults());
    }

    @Test
    void aFixedBaselineIsTheSameDatesForEveryScope() {
        ComplianceConfig c = ComplianceConfig.from(Map.of(ComplianceConfig.BASELINE, "2026-01-01/2026-01-29", ComplianceConfig.WINDOW, "14d"));
        long jan1 = LocalDate.parse("2026-01-01").toEpochDay();
        assertThat(c.baseline().start(jan1 + 40)).isEqualTo(jan1);
        assertThat(c.baseline().end(jan1 + 40)).isEqualTo(jan1 + 28);
        assertThat(c.windowStart(jan1 + 20)).isEqualTo(jan1 + 7);
    }

    @Test
    void aBaselineOfDaysStartsWithEachScope() {
        ComplianceConfig c = ComplianceConfig.defaults();
        assertThat(c.baseline().start(100)).isEqualTo(100);
        assertThat(c.baseline().end(100)).isEqualTo(128);
    }

    @Test
    void badValuesSayWhichKeyAndWhatIsExpected() {
        assertThatThrownBy(() -> ComplianceConfig.from(Map.of(ComplianceConfig.WINDOW, "12h")))
                .hasMessageContaining("drift.window").hasMessageContaining("whole days");
        assertThatThrownBy(() -> ComplianceConfig.from(Map.of(ComplianceConfig.BASELINE, "2026-02-01/2026-01-01")))
                .hasMessageContaining("drift.baseline");
        assertThatThrownBy(() -> ComplianceConfig.from(Map.of(ComplianceConfig.CODER_ACCEPTANCE, "1.5")))
                .hasMessageContaining("audit.coder.acceptance");
    }

    @Test
    void oversightRulesComeFromTheRulesFileAndBreachesStayOpenForTheReviewPeriod(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        ComplianceConfig d = ComplianceConfig.defaults();
        assertThat(d.oversightRules()).isEqualTo(org.codingkpi.kpi.OversightRule.DEFAULTS);
        assertThat(d.oversightReviewDays()).isEqualTo(30);

        java.nio.file.Path rules = dir.resolve("rules.yml");
        java.nio.file.Files.writeString(rules, "rules:\n  - name: cardiology_inpatient\n    setting: INPATIENT\n    specialty: cardiology\n");
        ComplianceConfig c = ComplianceConfig.from(Map.of("oversight.rules.file", rules.toString(),
                ComplianceConfig.OVERSIGHT_REVIEW_DAYS, "0"));
        assertThat(c.oversightRules()).extracting(org.codingkpi.kpi.OversightRule::name).containsExactly("cardiology_inpatient");
        assertThat(c.oversightReviewDays()).isZero();

        java.nio.file.Files.writeString(rules, "rules:\n  - name: x\n    min_charge: 5\n");
        assertThatThrownBy(() -> ComplianceConfig.from(Map.of("oversight.rules.file", rules.toString())))
                .hasMessageContaining("rules[0].min_charge").hasMessageContaining("unknown key");
        assertThatThrownBy(() -> ComplianceConfig.from(Map.of(ComplianceConfig.OVERSIGHT_REVIEW_DAYS, "-1")))
                .hasMessageContaining("audit.oversight.review.days");
    }
}
