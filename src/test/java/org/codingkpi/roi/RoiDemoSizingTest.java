package org.codingkpi.roi;

import org.codingkpi.events.Setting;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.SortedMap;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The demo ROI file is sized so that the expected scenario breaks even in 6 to 10 months. */
class RoiDemoSizingTest {

    /**
     * A month of a department of ~400 encounters a day (12,160 a month; 10 % inpatient, 40 % outpatient,
     * 50 % professional), as many first adjudications, ~$600 paid per claim, and an AI share of the work.
     */
    static RoiMonthTotals department(double aiShare, double volume) {
        double n = 12_160 * volume;
        double[] v = new double[RoiMonthTotals.SIZE];
        RoiMonthTotals t = RoiMonthTotals.of(v);
        double[] mix = {0.10, 0.40, 0.50};
        double[] minutes = {25, 8, 5};
        for (Setting s : Setting.values()) {
            v[RoiMonthTotals.REV1_ALL + s.ordinal()] = n * mix[s.ordinal()];
            v[RoiMonthTotals.REV1_AI + s.ordinal()] = n * mix[s.ordinal()] * aiShare;
            double seconds = n * mix[s.ordinal()] * minutes[s.ordinal()] * 60;
            v[RoiMonthTotals.CODING_SECONDS_ALL] += seconds * (1 - 0.25 * aiShare);
            v[RoiMonthTotals.CODING_SECONDS_AI] += seconds * aiShare * 0.75;
        }
        v[RoiMonthTotals.FIRST_ADJ_ALL] = n;
        v[RoiMonthTotals.FIRST_ADJ_AI] = n * aiShare;
        v[RoiMonthTotals.CODING_DENIALS_AI] = n * aiShare * 0.035 * 0.75;
        v[RoiMonthTotals.PAID_CENTS_ALL] = n * 600 * 100;
        v[RoiMonthTotals.PAID_CENTS_AI] = n * 600 * 100 * aiShare;
        v[RoiMonthTotals.PAID_MS_CENTS_AI_LO] = n * 600 * 100 * aiShare * 39 * 86_400_000.0; // exact enough for sizing
        return t;
    }

    static RoiResult demoYear(double volume) {
        RoiConfig demo = RoiConfig.demo().withGoLive(LocalDate.of(2026, 2, 1));
        SortedMap<YearMonth, RoiMonthTotals> months = new TreeMap<>();
        for (int k = 0; k < 14; k++) {
            months.put(YearMonth.of(2026, 2).plusMonths(k), department(Math.min(1.0, (k + 1) / 6.0), volume));
        }
        Instant end = YearMonth.of(2026, 2).plusMonths(13).atEndOfMonth().atStartOfDay().toInstant(ZoneOffset.UTC);
        return new RoiCalculator(demo).compute(months, end);
    }

    @Test
    void expectedScenarioOfTheDemoBreaksEvenInSixToTenMonths() {
        for (double volume : new double[] {0.85, 1.0, 1.15}) {
            RoiResult r = demoYear(volume);
            int k = (int) r.goLiveMonth().until(r.breakEvenMonth(RoiSeries.EXPECTED).orElseThrow(),
                    java.time.temporal.ChronoUnit.MONTHS);
            assertThat(k + 1).as("months to break even at volume x %s", volume).isBetween(6, 10);
        }
    }
}
