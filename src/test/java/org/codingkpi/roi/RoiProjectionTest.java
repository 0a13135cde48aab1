package org.codingkpi.roi;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The fixture's expected scenario at full ramp gives 210 (March), 0 (April), 65 (May); June, the month of stream
 * time, is open, so k = 3..11 use the average of the three complete months, 275 / 3.
 */
class RoiProjectionTest {
    private static final double CENT = 0.005;

    private final RoiProjection projection = new RoiProjection(
            new RoiCalculator(RoiFixtures.config()).compute(RoiFixtures.months(), RoiFixtures.STREAM_TIME));

    @Test
    void twelveMonthsUseObservedMonthsThenTheirAverage() {
        RoiProjection.Outcome o = projection.outcome("expected");
        // 210 / 3 + 0 + 65 + 9 x 275 / 3 = 960 of benefits; 1000 + 12 x 200 of cost
        assertThat(o.programCost()).isEqualTo(3400.0);
        assertThat(o.net()).isCloseTo(960.0 - 3400.0, within(CENT));
        assertThat(o.ratio()).isCloseTo((960.0 - 3400.0) / 3400.0, within(1e-9));
        assertThat(projection.observedMonths()).isEqualTo(3);
    }

    @Test
    void sensitivityMovesOneAssumptionAtATime() {
        List<RoiProjection.Row> rows = projection.sensitivity("expected");
        assertThat(rows).extracting(RoiProjection.Row::key).startsWith(
                "baseline.minutes_per_encounter", "coder_hourly_cost", "baseline.coding_denial_rate",
                "rework_cost_per_denial", "baseline.days_to_payment", "scenarios.expected.ramp_months");
        RoiProjection.Row hourly = row(rows, "coder_hourly_cost");
        // labor over the 12 months: 30 + 0 + 36 + 9 x 42 = 444; ±20 % of it
        assertThat(hourly.high().net()).isCloseTo(-2440.0 + 88.8, within(CENT));
        assertThat(hourly.low().net()).isCloseTo(-2440.0 - 88.8, within(CENT));
        assertThat(hourly.baseValue()).isEqualTo("$60.00 /h");
        assertThat(hourly.highValue()).isEqualTo("$72.00 /h");
        // ramp 2.4 months: March gets 210 / 2.4 = 87.5 instead of 70
        assertThat(row(rows, "scenarios.expected.ramp_months").low().net()).isCloseTo(-2422.5, within(CENT));
        // projected cash does not use the baseline days
        RoiProjection.Row days = row(rows, "baseline.days_to_payment");
        assertThat(days.low().net()).isCloseTo(-2440.0, within(CENT));
        assertThat(days.high().net()).isCloseTo(-2440.0, within(CENT));
    }

    @Test
    void aPartialFirstMonthIsScaledToAWholeMonth() {
        // 10 days of March (31 days) observed: factor 3.1 on every month
        RoiProjection early = new RoiProjection(new RoiCalculator(RoiFixtures.config())
                .compute(RoiFixtures.months(), Instant.parse("2026-03-11T00:00:00Z")));
        // 651 x (1/3 + 2/3 + 10) − 3400
        assertThat(early.outcome("expected").net()).isCloseTo(651.0 * 11 - 3400, within(CENT));
        assertThat(early.volumeBasis()).contains("10.0 days of 2026-03");
    }

    @Test
    void beforeGoLiveThereAreNoVolumes() {
        RoiProjection none = new RoiProjection(new RoiCalculator(RoiFixtures.config())
                .compute(RoiFixtures.months(), Instant.parse("2026-02-11T00:00:00Z")));
        assertThat(none.outcome("expected").net()).isEqualTo(-3400.0);
    }

    private static RoiProjection.Row row(List<RoiProjection.Row> rows, String key) {
        return rows.stream().filter(r -> r.key().equals(key)).findFirst().orElseThrow();
    }
}
