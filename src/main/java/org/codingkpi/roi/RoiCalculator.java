package org.codingkpi.roi;

import org.codingkpi.events.Setting;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;

/**
 * The formulas of shared/spec/ROI.md, applied at export time to the raw month sums the stream processor keeps.
 *
 * <p>The baseline is measured first ({@link RoiBaseline}, from the months before go-live) and the formulas use
 * the one {@code baseline.use} chooses. Months before the go-live month produce nothing else; every month from k = 0 to the month of stream time is in the
 * result and carries its program cost, with or without events; months after the month of stream time (which
 * the processor cannot produce) are ignored too. Sums are unrounded doubles.
 */
public final class RoiCalculator {
    private final RoiConfig config;

    public RoiCalculator(RoiConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    public RoiConfig config() {
        return config;
    }

    /**
     * @param months     raw sums by calendar month (UTC) of occurred_at, summed over tasks; months may be missing
     * @param streamTime the largest occurred_at processed
     */
    public RoiResult compute(SortedMap<YearMonth, RoiMonthTotals> months, Instant streamTime) {
        RoiBaseline baseline = RoiBaseline.measure(config, months);
        RoiConfig config = this.config.withBaseline(baseline.used());
        YearMonth first = config.goLiveMonth();
        YearMonth last = YearMonth.from(streamTime.atZone(ZoneOffset.UTC));
        RoiSeries[] series = RoiSeries.values();
        List<RoiMonth> out = new ArrayList<>();
        double cumulativeCost = 0;
        double[] cumulativeNet = new double[series.length];
        int k = 0;
        for (YearMonth m = first; !m.isAfter(last); m = m.plusMonths(1), k++) {
            RoiMonthTotals t = months.get(m);
            t = t == null ? new RoiMonthTotals() : RoiMonthTotals.of(t.values().clone());
            double cost = config.programCosts().ofMonth(k);
            cumulativeCost += cost;
            double[] benefits = new double[series.length * RoiComponent.values().length];
            for (RoiSeries s : series) {
                double[] b = s.isRealized() ? realized(config, t) : projected(config, config.scenario(s.scenario()), k, t);
                System.arraycopy(b, 0, benefits, RoiMonth.index(s, RoiComponent.LABOR), b.length);
                cumulativeNet[s.ordinal()] += b[0] + b[1] + b[2] - cost;
            }
            double codings = 0;
            for (Setting setting : Setting.values()) {
                codings += t.revision1Codings(setting);
            }
            out.add(new RoiMonth(m, k, t, cost, cumulativeCost, benefits, cumulativeNet.clone(),
                    t.codingSecondsAll() / 3600.0 * config.coderHourlyCost(),
                    baselineSeconds(config, t, false) / 3600.0 * config.coderHourlyCost(),
                    codings));
        }
        return new RoiResult(config, this.config, baseline, streamTime, out);
    }

    /** Σ base_s(setting) over revision-1 codings, in AI modes only or in all modes. */
    static double baselineSeconds(RoiConfig c, RoiMonthTotals t, boolean aiOnly) {
        double s = 0;
        for (Setting setting : Setting.values()) {
            s += c.baseline().seconds(setting) * (aiOnly ? t.revision1CodingsAi(setting) : t.revision1Codings(setting));
        }
        return s;
    }

    /** Realized {labor, denials, cash} of one month (ROI.md, basis "realized"). */
    static double[] realized(RoiConfig c, RoiMonthTotals t) {
        double labor = (baselineSeconds(c, t, true) - t.codingSecondsAi()) / 3600.0 * c.coderHourlyCost();
        double denials = (c.baseline().codingDenialRate() * t.firstAdjudicationsAi() - t.codingDenialsAi())
                * c.reworkCostPerDenial();
        // Σ (B − days) x paid = B x Σ paid − Σ days x paid
        double cash = (c.baseline().daysToPayment() * t.paidDollarsAi() - t.paidDollarDaysAi())
                * c.costOfCapitalAnnual() / 365.0;
        return new double[] {labor, denials, cash};
    }

    /** Projected {labor, denials, cash} of month k for one scenario (ROI.md, basis "projected"). */
    static double[] projected(RoiConfig c, RoiConfig.Scenario s, int k, RoiMonthTotals t) {
        double ramp = s.ramp(k);
        double labor = ramp * s.productivityGain() * baselineSeconds(c, t, false) / 3600.0 * c.coderHourlyCost();
        double denials = ramp * s.denialReduction() * c.baseline().codingDenialRate() * t.firstAdjudications()
                * c.reworkCostPerDenial();
        double cash = ramp * s.daysReduction() * t.paidDollars() * c.costOfCapitalAnnual() / 365.0;
        return new double[] {labor, denials, cash};
    }
}
