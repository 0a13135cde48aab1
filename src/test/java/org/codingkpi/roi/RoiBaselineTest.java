package org.codingkpi.roi;

import org.codingkpi.events.Setting;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.YearMonth;
import java.util.Arrays;
import java.util.SortedMap;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** ROI.md "Version 2", the baseline measured: hand-computed windows, the choice, the fallback, the flag. */
class RoiBaselineTest {
    private static final String YAML = """
            go_live: 2026-04-10
            coder_hourly_cost: 60
            rework_cost_per_denial: 100
            cost_of_capital_annual: 0.0365
            baseline:
              use: %s
              measure_months: 2
              minutes_per_encounter: { INPATIENT: 30, OUTPATIENT: 12, PROFESSIONAL: 6 }
              coding_denial_rate: 0.05
              days_to_payment: 40
            program_costs: { one_time: 0, monthly: 100 }
            """;
    private static final Instant STREAM_TIME = Instant.parse("2026-04-20T00:00:00Z");
    private static final long DAY_MS = 86_400_000L;

    private static RoiConfig config(String use) {
        return RoiConfig.parse(YAML.formatted(use), "test");
    }

    /** January (outside the 2-month window), February and March (the window), April (k = 0). */
    private static SortedMap<YearMonth, RoiMonthTotals> months() {
        SortedMap<YearMonth, RoiMonthTotals> months = new TreeMap<>();
        RoiMonthTotals jan = new RoiMonthTotals();   // outside the window: would make everything huge
        jan.addRevision1Coding(Setting.INPATIENT, false);
        jan.addCodingSeconds(Setting.INPATIENT, 1e7, false);
        jan.addFirstAdjudication(false, true);
        jan.addPayment(100_000_00L, 1000 * DAY_MS, false);
        months.put(YearMonth.of(2026, 1), jan);

        RoiMonthTotals feb = new RoiMonthTotals();
        // inpatient: 3 codings (one AI-assisted) and a recoding; 3,000 + 1,200 + 1,800 + 600 seconds = 100 minutes
        feb.addRevision1Coding(Setting.INPATIENT, false);
        feb.addRevision1Coding(Setting.INPATIENT, false);
        feb.addRevision1Coding(Setting.INPATIENT, true);
        feb.addCodingSeconds(Setting.INPATIENT, 3_000, false);
        feb.addCodingSeconds(Setting.INPATIENT, 1_200, false);
        feb.addCodingSeconds(Setting.INPATIENT, 1_800, true);
        feb.addCodingSeconds(Setting.INPATIENT, 600, false);   // revision 2: counts in the numerator only
        // 30 first adjudications, 2 coding denials (one of them on a claim attributed to AI), 1 other denial
        for (int i = 0; i < 30; i++) {
            feb.addFirstAdjudication(i % 2 == 0, i < 2);
        }
        // $1,000 paid after 30 days and $3,000 after 50 days: (30,000 + 150,000) / 4,000 = 45 days
        feb.addPayment(1_000_00L, 30 * DAY_MS, false);
        feb.addPayment(3_000_00L, 50 * DAY_MS, true);
        months.put(YearMonth.of(2026, 2), feb);

        RoiMonthTotals mar = new RoiMonthTotals();
        // inpatient: one more coding of 2,400 s: (6,600 + 2,400) / 60 / 4 = 37.5 minutes
        mar.addRevision1Coding(Setting.INPATIENT, false);
        mar.addCodingSeconds(Setting.INPATIENT, 2_400, false);
        // outpatient: 2 codings, 1,080 s: 9 minutes
        mar.addRevision1Coding(Setting.OUTPATIENT, false);
        mar.addRevision1Coding(Setting.OUTPATIENT, false);
        mar.addCodingSeconds(Setting.OUTPATIENT, 1_080, false);
        // 10 more first adjudications, 1 coding denial: 3 / 40
        for (int i = 0; i < 10; i++) {
            mar.addFirstAdjudication(false, i == 0);
        }
        months.put(YearMonth.of(2026, 3), mar);

        RoiMonthTotals apr = new RoiMonthTotals();
        apr.addRevision1Coding(Setting.OUTPATIENT, true);
        apr.addCodingSeconds(Setting.OUTPATIENT, 300, true);
        for (int i = 0; i < 20; i++) {
            apr.addFirstAdjudication(true, false);
        }
        apr.addPayment(10_000_00L, 35 * DAY_MS, true);
        months.put(YearMonth.of(2026, 4), apr);
        return months;
    }

    private static RoiBaseline.Entry entry(RoiBaseline b, RoiBaseline.Item item, Setting setting) {
        return b.entries().stream().filter(e -> e.item() == item && e.setting() == setting).findFirst().orElseThrow();
    }

    @Test
    void measuredItemsAreTheContractsRatiosOverTheMonthsBeforeTheGoLiveMonth() {
        RoiBaseline b = RoiBaseline.measure(config("configured"), months());

        assertThat(b.windowStart()).isEqualTo(YearMonth.of(2026, 2));
        assertThat(b.windowEnd()).isEqualTo(YearMonth.of(2026, 3));
        assertThat(entry(b, RoiBaseline.Item.MINUTES_PER_ENCOUNTER, Setting.INPATIENT).measured()).isCloseTo(37.5, within(1e-12));
        assertThat(entry(b, RoiBaseline.Item.MINUTES_PER_ENCOUNTER, Setting.INPATIENT).sample()).isEqualTo(4.0);
        assertThat(entry(b, RoiBaseline.Item.MINUTES_PER_ENCOUNTER, Setting.OUTPATIENT).measured()).isCloseTo(9.0, within(1e-12));
        assertThat(entry(b, RoiBaseline.Item.CODING_DENIAL_RATE, null).measured()).isCloseTo(3.0 / 40, within(1e-15));
        assertThat(entry(b, RoiBaseline.Item.DAYS_TO_PAYMENT, null).measured()).isCloseTo(45.0, within(1e-12));
        assertThat(entry(b, RoiBaseline.Item.DAYS_TO_PAYMENT, null).sample()).isEqualTo(4_000.0);
    }

    @Test
    void anItemWithoutDataInItsWindowIsAbsent() {
        RoiBaseline b = RoiBaseline.measure(config("configured"), months());

        RoiBaseline.Entry professional = entry(b, RoiBaseline.Item.MINUTES_PER_ENCOUNTER, Setting.PROFESSIONAL);
        assertThat(professional.isMeasured()).isFalse();
        assertThat(professional.measured()).isNaN();
        assertThat(b.absent()).containsExactly(professional);
    }

    @Test
    void configuredUseKeepsTheFileValuesInTheFormulas() {
        RoiResult r = new RoiCalculator(config("configured")).compute(months(), STREAM_TIME);

        assertThat(r.config().baseline()).isEqualTo(r.configured().baseline());
        assertThat(r.baseline().entries()).noneMatch(RoiBaseline.Entry::usesMeasured);
        // realized April: labor (12 x 60 - 300) / 3600 x 60 = 7; denials 0.05 x 20 x 100 = 100; cash (40 - 35) x 10,000 x 0.0001 = 5
        RoiMonth apr = r.months().get(0);
        assertThat(apr.benefit(RoiSeries.REALIZED, RoiComponent.LABOR)).isCloseTo(7.0, within(1e-9));
        assertThat(apr.benefit(RoiSeries.REALIZED, RoiComponent.DENIALS)).isCloseTo(100.0, within(1e-9));
        assertThat(apr.benefit(RoiSeries.REALIZED, RoiComponent.CASH)).isCloseTo(5.0, within(1e-9));
    }

    @Test
    void measuredUseFeedsTheMeasuredValuesToTheFormulasItemByItem() {
        RoiResult r = new RoiCalculator(config("measured")).compute(months(), STREAM_TIME);

        RoiConfig.Baseline used = r.config().baseline();
        assertThat(used.minutesPerEncounter().get(Setting.INPATIENT)).isCloseTo(37.5, within(1e-12));
        assertThat(used.minutesPerEncounter().get(Setting.OUTPATIENT)).isCloseTo(9.0, within(1e-12));
        assertThat(used.minutesPerEncounter().get(Setting.PROFESSIONAL)).as("no data: the configured value").isEqualTo(6.0);
        assertThat(used.codingDenialRate()).isCloseTo(0.075, within(1e-15));
        assertThat(used.daysToPayment()).isCloseTo(45.0, within(1e-12));
        assertThat(r.configured().baseline().daysToPayment()).isEqualTo(40.0);
        // realized April with the measured baseline: labor (9 x 60 - 300) / 3600 x 60 = 4;
        // denials 0.075 x 20 x 100 = 150; cash (45 - 35) x 10,000 x 0.0001 = 10
        RoiMonth apr = r.months().get(0);
        assertThat(apr.benefit(RoiSeries.REALIZED, RoiComponent.LABOR)).isCloseTo(4.0, within(1e-9));
        assertThat(apr.benefit(RoiSeries.REALIZED, RoiComponent.DENIALS)).isCloseTo(150.0, within(1e-9));
        assertThat(apr.benefit(RoiSeries.REALIZED, RoiComponent.CASH)).isCloseTo(10.0, within(1e-9));
        // projected expected scenario (defaults: gain 0.25, ramp 6): labor 1/6 x 0.25 x 9 x 60 / 3600 x 60
        assertThat(apr.benefit(RoiSeries.EXPECTED, RoiComponent.LABOR)).isCloseTo(1.0 / 6 * 0.25 * 9 * 60 / 3600 * 60, within(1e-9));
        // denials 1/6 x 0.25 x 0.075 x 20 x 100
        assertThat(apr.benefit(RoiSeries.EXPECTED, RoiComponent.DENIALS)).isCloseTo(1.0 / 6 * 0.25 * 0.075 * 20 * 100, within(1e-9));
    }

    @Test
    void aGoLiveWithNoMonthBeforeItInTheDataMeasuresNothingAndFallsBack() {
        SortedMap<YearMonth, RoiMonthTotals> onlyApril = new TreeMap<>(months().tailMap(YearMonth.of(2026, 4)));
        RoiResult r = new RoiCalculator(config("measured")).compute(onlyApril, STREAM_TIME);

        assertThat(r.baseline().absent()).hasSize(5);
        assertThat(r.config().baseline()).isEqualTo(r.configured().baseline());
        assertThat(r.baseline().entries()).noneMatch(RoiBaseline.Entry::flagged);
    }

    @Test
    void anItemMoreThanTwentyPercentFromItsConfiguredValueIsFlagged() {
        RoiBaseline b = RoiBaseline.measure(config("configured"), months());

        assertThat(entry(b, RoiBaseline.Item.MINUTES_PER_ENCOUNTER, Setting.INPATIENT).flagged()).as("37.5 vs 30: +25 %").isTrue();
        assertThat(entry(b, RoiBaseline.Item.MINUTES_PER_ENCOUNTER, Setting.OUTPATIENT).flagged()).as("9 vs 12: -25 %").isTrue();
        assertThat(entry(b, RoiBaseline.Item.CODING_DENIAL_RATE, null).flagged()).as("7.5 % vs 5 %: +50 %").isTrue();
        assertThat(entry(b, RoiBaseline.Item.DAYS_TO_PAYMENT, null).flagged()).as("45 vs 40: +12.5 %").isFalse();
        assertThat(entry(b, RoiBaseline.Item.DAYS_TO_PAYMENT, null).relativeDifference()).isCloseTo(0.125, within(1e-12));
        assertThat(entry(b, RoiBaseline.Item.MINUTES_PER_ENCOUNTER, Setting.PROFESSIONAL).flagged()).as("absent").isFalse();
    }

    @Test
    void monthTotalsWrittenBeforeTheMeasuredBaselineAreWidenedWithZeros() {
        double[] v1 = new double[RoiMonthTotals.SIZE_V1];
        v1[RoiMonthTotals.FIRST_ADJ_ALL] = 7;
        RoiMonthTotals t = RoiMonthTotals.of(v1);

        assertThat(t.values()).hasSize(RoiMonthTotals.SIZE);
        assertThat(t.firstAdjudications()).isEqualTo(7.0);
        assertThat(t.codingDenials()).isZero();
        assertThat(Arrays.copyOf(t.values(), RoiMonthTotals.SIZE_V1)).isEqualTo(v1);
    }

    @Test
    void dollarDaysOfEveryPaymentStayExactIntegersWhateverTheOrder() {
        RoiMonthTotals a = new RoiMonthTotals();
        RoiMonthTotals b = new RoiMonthTotals();
        long[][] payments = {{98_765_432L, 400 * DAY_MS + 123}, {1L, 1L}, {555_555_55L, 33 * DAY_MS}, {1_234_567_89L, 91 * DAY_MS + 7}};
        for (long[] p : payments) {
            a.addPayment(p[0], p[1], false);
        }
        for (int i = payments.length - 1; i >= 0; i--) {
            b.addPayment(payments[i][0], payments[i][1], false);
        }
        assertThat(a.paidDollarDays()).isEqualTo(b.paidDollarDays());
        assertThat(a.values()).isEqualTo(b.values());
        assertThat(a.paidDollarDaysAi()).isZero();
    }
}
