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

    // the 12 months of the expected scenario by component: labor 444; denials 100 / 3 + 0 + 25 + 9 x 125 / 3;
    // cash 20 / 3 + 0 + 4 + 9 x 24 / 3 (March: 0.5 x 0.05 x 40 x 100 and 2 x 100,000 x 0.0001 at full ramp)
    private static final double LABOR = 444.0;
    private static final double DENIALS = 100.0 / 3 + 25 + 9 * 125.0 / 3;
    private static final double CASH = 20.0 / 3 + 4 + 9 * 8.0;
    private static final double COST = 3400.0;

    @Test
    void volumeScalesEveryBenefitButNotTheProgramCost() {
        RoiProjection.Row volume = row(projection.sensitivity("expected"), "volume");
        assertThat(LABOR + DENIALS + CASH).isCloseTo(960.0, within(1e-9));
        assertThat(volume.low().net()).isCloseTo(0.8 * 960 - COST, within(CENT));
        assertThat(volume.high().net()).isCloseTo(1.2 * 960 - COST, within(CENT));
        assertThat(volume.high().programCost()).isEqualTo(COST);
    }

    @Test
    void adoptionScalesEveryBenefitAndCannotExceedTheBusinessCasesHundredPercent() {
        RoiProjection.Row adoption = row(projection.sensitivity("expected"), "adoption");
        assertThat(adoption.low().net()).isCloseTo(0.8 * 960 - COST, within(CENT));
        assertThat(adoption.high()).isNull();
        // revision-1 codings since go-live: 26 of 32 in AI modes in March, 10 of 10 in May
        assertThat(projection.observedAdoption()).isCloseTo(36.0 / 42, within(1e-12));
        assertThat(adoption.note()).contains("85.7 %");
    }

    @Test
    void payerMixShiftsTheDenialRateAndThePaidDollarsPerClaim() {
        // A: 100 first adjudications, 5 coding denials, $100,000; B: 50, 1, $80,000; all payers 4 %, $1,200 a claim.
        // Toward high-denial payers: shares 2/3 x 1.2 and 1/3 x 0.8, renormalised to 0.75 / 0.25:
        // rate 0.75 x 5 % + 0.25 x 2 % = 4.25 % (x 1.0625), paid 0.75 x 1,000 + 0.25 x 1,600 = 1,150 (x 23/24)
        RoiPayerMix mix = new RoiPayerMix(List.of(new RoiPayerMix.Payer("A", 100, 5, 100_000), new RoiPayerMix.Payer("B", 50, 1, 80_000)));
        assertThat(mix.denialFactor(0.2)).isCloseTo(1.0625, within(1e-12));
        assertThat(mix.paidFactor(0.2)).isCloseTo(23.0 / 24, within(1e-12));
        // toward low-denial payers: 2/3 x 0.8 and 1/3 x 1.2, renormalised to 4/7 and 3/7
        assertThat(mix.denialFactor(-0.2)).isCloseTo((4.0 / 7 * 0.05 + 3.0 / 7 * 0.02) / 0.04, within(1e-12));
        assertThat(mix.paidFactor(-0.2)).isCloseTo((4.0 / 7 * 1000 + 3.0 / 7 * 1600) / 1200, within(1e-12));

        RoiProjection withMix = new RoiProjection(
                new RoiCalculator(RoiFixtures.config()).compute(RoiFixtures.months(), RoiFixtures.STREAM_TIME), mix);
        RoiProjection.Row row = row(withMix.sensitivity("expected"), "payer_mix");
        assertThat(row.high().net()).isCloseTo(LABOR + DENIALS * 1.0625 + CASH * 23 / 24 - COST, within(CENT));
        assertThat(row.low().net()).isCloseTo(LABOR + DENIALS * mix.denialFactor(-0.2) + CASH * mix.paidFactor(-0.2) - COST, within(CENT));
    }

    @Test
    void withOnePayerThereIsNoMixToShift() {
        RoiPayerMix one = new RoiPayerMix(List.of(new RoiPayerMix.Payer("A", 100, 5, 100_000), new RoiPayerMix.Payer("B", 0, 0, 0)));
        assertThat(one.canShift()).isFalse();
        assertThat(one.denialFactor(0.2)).isEqualTo(1.0);
        assertThat(row(projection.sensitivity("expected"), "payer_mix").high().net()).isCloseTo(960 - COST, within(CENT));
    }

    @Test
    void twoWayTableIsAdoptionTimesProductivityGain() {
        RoiProjection.TwoWay t = projection.twoWay("expected");
        assertThat(t.gains()).containsExactly(0.18, 0.24, 0.3, 0.36, 0.42);
        assertThat(t.adoptions()).hasSize(7).contains(0.5, 1.0, 36.0 / 42);
        assertThat(t.adoptions().get(t.observedRow())).isEqualTo(36.0 / 42);
        // the configured cell is the business case; labor is linear in the gain, every benefit in adoption
        assertThat(t.net()[t.configuredRow()][t.configuredColumn()]).isCloseTo(960 - COST, within(CENT));
        int half = t.adoptions().indexOf(0.5);
        assertThat(t.net()[half][0]).isCloseTo(0.5 * (LABOR * 0.6 + DENIALS + CASH) - COST, within(CENT));
        assertThat(t.net()[half][4]).isCloseTo(0.5 * (LABOR * 1.4 + DENIALS + CASH) - COST, within(CENT));
        assertThat(t.ratio()[half][4]).isCloseTo(t.net()[half][4] / COST, within(1e-12));
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
