package org.codingkpi.roi;

import java.time.YearMonth;

/**
 * The ROI of one calendar month k >= 0: benefits by (series, component), program cost, the cumulative figures
 * up to and including this month, and the cost per coded encounter. Built by {@link RoiCalculator}.
 */
public final class RoiMonth {
    private static final int COMPONENTS = RoiComponent.values().length;

    private final YearMonth month;
    private final int k;
    private final RoiMonthTotals totals;
    private final double programCost;
    private final double cumulativeProgramCost;
    private final double[] benefits;       // [series.ordinal() * COMPONENTS + component.ordinal()]
    private final double[] cumulativeNet;  // [series.ordinal()]
    private final double coderLaborCost;
    private final double baselineLaborCost;
    private final double revision1Codings;

    RoiMonth(YearMonth month, int k, RoiMonthTotals totals, double programCost, double cumulativeProgramCost,
             double[] benefits, double[] cumulativeNet, double coderLaborCost, double baselineLaborCost,
             double revision1Codings) {
        this.month = month;
        this.k = k;
        this.totals = totals;
        this.programCost = programCost;
        this.cumulativeProgramCost = cumulativeProgramCost;
        this.benefits = benefits;
        this.cumulativeNet = cumulativeNet;
        this.coderLaborCost = coderLaborCost;
        this.baselineLaborCost = baselineLaborCost;
        this.revision1Codings = revision1Codings;
    }

    static int index(RoiSeries series, RoiComponent component) {
        return series.ordinal() * COMPONENTS + component.ordinal();
    }

    public YearMonth month() {
        return month;
    }

    /** Months since the go-live month (0 for the go-live month). */
    public int k() {
        return k;
    }

    /** The month's raw sums (a copy of the calculator's input; zeros for a month without events). */
    public RoiMonthTotals totals() {
        return RoiMonthTotals.of(totals.values().clone());
    }

    public double benefit(RoiSeries series, RoiComponent component) {
        return benefits[index(series, component)];
    }

    /** labor + denials + cash of the series. */
    public double totalBenefit(RoiSeries series) {
        double sum = 0;
        for (RoiComponent c : RoiComponent.values()) {
            sum += benefit(series, c);
        }
        return sum;
    }

    /** monthly + (one_time when k = 0); the same for every series. */
    public double programCost() {
        return programCost;
    }

    /** The month's benefits minus its program cost. */
    public double net(RoiSeries series) {
        return totalBenefit(series) - programCost;
    }

    /** Σ program cost from k = 0 to this month. */
    public double cumulativeProgramCost() {
        return cumulativeProgramCost;
    }

    /** Σ (benefits − program cost) from k = 0 to this month. */
    public double cumulativeNet(RoiSeries series) {
        return cumulativeNet[series.ordinal()];
    }

    /** Number of revision-1 codings (coded encounters), all modes and settings. */
    public double revision1Codings() {
        return revision1Codings;
    }

    /** Σ coding_seconds over all revisions, all modes / 3600 x coder_hourly_cost. */
    public double coderLaborCost() {
        return coderLaborCost;
    }

    /**
     * Cost per coded encounter = (coder labor cost + program cost) / revision-1 codings; NaN without codings.
     * Coder labor counts every revision (rework included) in every mode.
     */
    public double costPerCodedEncounter() {
        return revision1Codings > 0 ? (coderLaborCost + programCost) / revision1Codings : Double.NaN;
    }

    /**
     * What the same month's encounters would have cost at baseline minutes, without the program:
     * Σ base_s(setting) x revision-1 codings / 3600 x coder_hourly_cost / revision-1 codings; NaN without codings.
     */
    public double baselineCostPerCodedEncounter() {
        return revision1Codings > 0 ? baselineLaborCost / revision1Codings : Double.NaN;
    }
}
