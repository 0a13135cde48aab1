package org.codingkpi.roi;

import org.codingkpi.events.Setting;

import java.time.Instant;
import java.time.YearMonth;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The hand-computed example used by the calculator, metrics and report tests (values worked out in
 * {@link RoiCalculatorTest}). Chosen so that cost_of_capital_annual / 365 = 0.0001 exactly.
 */
final class RoiFixtures {
    static final String CONFIG_YAML = """
            go_live: 2026-03-15
            coder_hourly_cost: 60
            rework_cost_per_denial: 100
            cost_of_capital_annual: 0.0365
            baseline:
              minutes_per_encounter: { INPATIENT: 30, OUTPATIENT: 12, PROFESSIONAL: 6 }
              coding_denial_rate: 0.05
              days_to_payment: 40
            program_costs: { one_time: 1000, monthly: 200 }
            scenarios:
              conservative: { productivity_gain: 0.1, denial_reduction: 0.1, days_reduction: 1, ramp_months: 6 }
              expected:     { productivity_gain: 0.3, denial_reduction: 0.5, days_reduction: 2, ramp_months: 3 }
              aggressive:   { productivity_gain: 1.0, denial_reduction: 1.0, days_reduction: 10, ramp_months: 1 }
            """;

    /** Stream time in the fourth month (k = 3), which has no events. */
    static final Instant STREAM_TIME = Instant.parse("2026-06-02T00:00:00Z");

    static RoiConfig config() {
        return RoiConfig.parse(CONFIG_YAML, "fixture");
    }

    static SortedMap<YearMonth, RoiMonthTotals> months() {
        SortedMap<YearMonth, RoiMonthTotals> months = new TreeMap<>();
        // before the go-live month: must be ignored
        RoiMonthTotals feb = new RoiMonthTotals();
        feb.addRevision1Coding(Setting.INPATIENT, true);
        feb.addCodingSeconds(Setting.INPATIENT, 1_000_000, true);
        feb.addFirstAdjudication(true, true);
        feb.addPayment(1_000_000L * 100, Math.round((1) * 86_400_000.0), true);
        months.put(YearMonth.of(2026, 2), feb);

        // k = 0
        RoiMonthTotals mar = new RoiMonthTotals();
        codings(mar, Setting.INPATIENT, 2, 1);
        codings(mar, Setting.OUTPATIENT, 10, 5);
        codings(mar, Setting.PROFESSIONAL, 20, 20);
        mar.addCodingSeconds(Setting.OUTPATIENT, 7_000, false);
        mar.addCodingSeconds(Setting.PROFESSIONAL, 3_000, true);
        for (int i = 0; i < 20; i++) {
            mar.addFirstAdjudication(false, false);
            mar.addFirstAdjudication(true, false);
        }
        mar.addPayment(50_000L * 100, Math.round((99) * 86_400_000.0), false);
        mar.addPayment(20_000L * 100, Math.round((20) * 86_400_000.0), true);
        mar.addPayment(30_000L * 100, Math.round((110.0 / 3) * 86_400_000.0), true);  // Σ days x paid = 400,000 + 1,100,000 = 1,500,000
        months.put(YearMonth.of(2026, 3), mar);

        // k = 1 (April): no events at all

        // k = 2: AI coding slower than baseline, more coding denials than baseline, slower payment
        RoiMonthTotals may = new RoiMonthTotals();
        codings(may, Setting.OUTPATIENT, 10, 10);
        may.addCodingSeconds(Setting.OUTPATIENT, 9_000, true);
        for (int i = 0; i < 10; i++) {
            may.addFirstAdjudication(true, i == 0);
        }
        may.addPayment(10_000L * 100, Math.round((50) * 86_400_000.0), true);
        may.addPayment(10_000L * 100, Math.round((10) * 86_400_000.0), false);
        months.put(YearMonth.of(2026, 5), may);

        // after the month of stream time: cannot happen, ignored
        RoiMonthTotals jul = new RoiMonthTotals();
        jul.addFirstAdjudication(true, false);
        months.put(YearMonth.of(2026, 7), jul);
        return months;
    }

    private static void codings(RoiMonthTotals t, Setting setting, int all, int ai) {
        for (int i = 0; i < all; i++) {
            t.addRevision1Coding(setting, i < ai);
        }
    }

    private RoiFixtures() {
    }
}
