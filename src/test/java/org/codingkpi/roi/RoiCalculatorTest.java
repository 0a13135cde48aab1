package org.codingkpi.roi;

import org.codingkpi.events.Setting;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.YearMonth;
import java.util.SortedMap;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.codingkpi.roi.RoiComponent.CASH;
import static org.codingkpi.roi.RoiComponent.DENIALS;
import static org.codingkpi.roi.RoiComponent.LABOR;
import static org.codingkpi.roi.RoiSeries.EXPECTED;
import static org.codingkpi.roi.RoiSeries.REALIZED;

/**
 * The example of {@link RoiFixtures}, by hand (hourly $60, rework $100, capital/365 = 0.0001; base_s = 1800,
 * 720, 360 s; expected scenario ramp 3 months; one-time $1,000 and $200 a month; go-live 2026-03-15).
 */
class RoiCalculatorTest {
    private static final double CENT = 0.005;
    private static final YearMonth MAR = YearMonth.of(2026, 3);
    private static final YearMonth APR = YearMonth.of(2026, 4);
    private static final YearMonth MAY = YearMonth.of(2026, 5);
    private static final YearMonth JUN = YearMonth.of(2026, 6);

    private final RoiResult result = new RoiCalculator(RoiFixtures.config())
            .compute(RoiFixtures.months(), RoiFixtures.STREAM_TIME);

    @Test
    void monthsRunFromTheGoLiveMonthToTheMonthOfStreamTimeIncludingEmptyOnes() {
        assertThat(result.months()).extracting(RoiMonth::month).containsExactly(MAR, APR, MAY, JUN);
        assertThat(result.months()).extracting(RoiMonth::k).containsExactly(0, 1, 2, 3);
    }

    @Test
    void goLiveMonthIsRealizedFromItsAiWork() {
        // labor: (1 x 1800 + 5 x 720 + 20 x 360 − 3000) s = 9600 s = 2.6667 h x $60
        assertThat(result.benefit(MAR, REALIZED, LABOR)).isCloseTo(160.00, within(CENT));
        // denials: (0.05 x 20 − 0) x $100
        assertThat(result.benefit(MAR, REALIZED, DENIALS)).isCloseTo(100.00, within(CENT));
        // cash: (40 x 50,000 − 1,500,000) x 0.0001
        assertThat(result.benefit(MAR, REALIZED, CASH)).isCloseTo(50.00, within(CENT));
    }

    @Test
    void goLiveMonthCarriesTheOneTimeCost() {
        assertThat(result.programCost(MAR)).isEqualTo(1200.0);
        assertThat(result.programCost(APR)).isEqualTo(200.0);
        assertThat(result.programCost(JUN)).isEqualTo(200.0);
        assertThat(result.cumulativeProgramCost()).isEqualTo(1800.0);
    }

    @Test
    void projectionRampsOverThreeMonths() {
        // k = 0, ramp 1/3: base all = 18,000 s = 5 h = $300; labor 1/3 x 0.3 x 300
        assertThat(result.benefit(MAR, EXPECTED, LABOR)).isCloseTo(30.00, within(CENT));
        // 1/3 x 0.5 x 0.05 x 40 x 100
        assertThat(result.benefit(MAR, EXPECTED, DENIALS)).isCloseTo(100.0 / 3, within(CENT));
        // 1/3 x 2 x 100,000 x 0.0001
        assertThat(result.benefit(MAR, EXPECTED, CASH)).isCloseTo(20.0 / 3, within(CENT));
        // k = 2, ramp 1: base all = 7200 s = $120 x 0.3; 0.5 x 0.05 x 10 x 100; 2 x 20,000 x 0.0001
        assertThat(result.benefit(MAY, EXPECTED, LABOR)).isCloseTo(36.00, within(CENT));
        assertThat(result.benefit(MAY, EXPECTED, DENIALS)).isCloseTo(25.00, within(CENT));
        assertThat(result.benefit(MAY, EXPECTED, CASH)).isCloseTo(4.00, within(CENT));
    }

    @Test
    void realizedComponentsCanBeNegative() {
        // 10 x 720 − 9000 = −1800 s = −0.5 h x $60
        assertThat(result.benefit(MAY, REALIZED, LABOR)).isCloseTo(-30.00, within(CENT));
        // (0.05 x 10 − 1) x $100
        assertThat(result.benefit(MAY, REALIZED, DENIALS)).isCloseTo(-50.00, within(CENT));
        // (40 x 10,000 − 500,000) x 0.0001
        assertThat(result.benefit(MAY, REALIZED, CASH)).isCloseTo(-10.00, within(CENT));
    }

    @Test
    void monthWithoutEventsStillCostsAndCumulatesToStreamTime() {
        for (RoiSeries s : RoiSeries.values()) {
            assertThat(result.month(APR).orElseThrow().totalBenefit(s)).isEqualTo(0.0);
        }
        // realized: 310 − 1200, − 200, −90 − 200, − 200
        assertThat(result.months()).extracting(m -> m.cumulativeNet(REALIZED))
                .satisfiesExactly(
                        v -> assertThat(v).isCloseTo(-890.0, within(CENT)),
                        v -> assertThat(v).isCloseTo(-1090.0, within(CENT)),
                        v -> assertThat(v).isCloseTo(-1380.0, within(CENT)),
                        v -> assertThat(v).isCloseTo(-1580.0, within(CENT)));
        // expected: 70 − 1200, − 200, 65 − 200, − 200
        assertThat(result.cumulativeNet(EXPECTED)).isCloseTo(-1665.0, within(CENT));
        assertThat(result.cumulativeNet(REALIZED)).isCloseTo(-1580.0, within(CENT));
        assertThat(result.ratio(REALIZED)).isCloseTo(-1580.0 / 1800, within(1e-9));
        assertThat(result.ratio(EXPECTED)).isCloseTo(-1665.0 / 1800, within(1e-9));
        assertThat(result.breakEvenMonth(REALIZED)).isEmpty();
    }

    @Test
    void costPerCodedEncounterIsCoderTimePlusProgramCostOverCodedEncounters() {
        RoiMonth mar = result.month(MAR).orElseThrow();
        assertThat(mar.revision1Codings()).isEqualTo(32.0);
        // (10,000 s / 3600 x $60 + $1,200) / 32
        assertThat(mar.costPerCodedEncounter()).isCloseTo((10_000 / 60.0 + 1200) / 32, within(1e-9));
        assertThat(mar.baselineCostPerCodedEncounter()).isCloseTo(300.0 / 32, within(1e-9));
        assertThat(result.month(APR).orElseThrow().costPerCodedEncounter()).isNaN();
    }

    @Test
    void breakEvenIsTheFirstMonthWithNonNegativeCumulativeNet() {
        RoiConfig noOneTime = RoiConfig.parse(RoiFixtures.CONFIG_YAML.replace("one_time: 1000", "one_time: 0"), "t");
        RoiResult r = new RoiCalculator(noOneTime).compute(RoiFixtures.months(), RoiFixtures.STREAM_TIME);
        // realized March: 310 − 200 = 110 >= 0; later months go negative again, break-even stays March
        assertThat(r.breakEvenMonth(REALIZED)).contains(MAR);
        assertThat(r.cumulativeNet(REALIZED)).isCloseTo(110 - 200 - 290 - 200, within(CENT));
        // expected March: 70 − 200 < 0, April −330, May −395, June −595: never
        assertThat(r.breakEvenMonth(EXPECTED)).isEmpty();
        // aggressive (ramp 1, full gains): March 300 + 200 + 100 − 200 = 400
        assertThat(r.breakEvenMonth(RoiSeries.AGGRESSIVE)).contains(MAR);
    }

    @Test
    void streamTimeBeforeTheGoLiveMonthGivesNothing() {
        RoiResult early = new RoiCalculator(RoiFixtures.config())
                .compute(RoiFixtures.months(), Instant.parse("2026-02-28T23:59:59Z"));
        assertThat(early.months()).isEmpty();
        assertThat(early.cumulativeNet(REALIZED)).isEqualTo(0.0);
        assertThat(early.ratio(REALIZED)).isNaN();
        assertThat(early.breakEvenMonth(EXPECTED)).isEmpty();
    }

    @Test
    void wholeGoLiveMonthCountsIncludingDaysBeforeTheGoLiveDate() {
        SortedMap<YearMonth, RoiMonthTotals> one = new TreeMap<>();
        RoiMonthTotals t = new RoiMonthTotals();
        t.addRevision1Coding(Setting.PROFESSIONAL, true);   // say on 2026-03-01, before go_live 2026-03-15
        one.put(MAR, t);
        RoiResult r = new RoiCalculator(RoiFixtures.config()).compute(one, Instant.parse("2026-03-01T08:00:00Z"));
        assertThat(r.benefit(MAR, REALIZED, LABOR)).isCloseTo(6.00, within(CENT));   // 360 s x $60/h
        assertThat(r.cumulativeProgramCost()).isEqualTo(1200.0);
    }

    @Test
    void inputIsCopiedNotShared() {
        SortedMap<YearMonth, RoiMonthTotals> months = RoiFixtures.months();
        RoiResult r = new RoiCalculator(RoiFixtures.config()).compute(months, RoiFixtures.STREAM_TIME);
        months.get(MAR).addCodingSeconds(Setting.INPATIENT, 1e9, true);
        assertThat(r.month(MAR).orElseThrow().totals().codingSecondsAi()).isEqualTo(3000.0);
    }
}
