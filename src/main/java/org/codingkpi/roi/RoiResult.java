package org.codingkpi.roi;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * The ROI of every month from the go-live month (k = 0) to the month of stream time, in order, and the
 * cumulative figures as of stream time. Empty when stream time is before the go-live month.
 */
public final class RoiResult {
    private final RoiConfig config;
    private final RoiConfig configured;
    private final RoiBaseline baseline;
    private final Instant streamTime;
    private final List<RoiMonth> months;

    RoiResult(RoiConfig config, RoiConfig configured, RoiBaseline baseline, Instant streamTime, List<RoiMonth> months) {
        this.config = config;
        this.configured = configured;
        this.baseline = baseline;
        this.streamTime = streamTime;
        this.months = List.copyOf(months);
    }

    /** The configuration the formulas used: the file's, with the baseline that {@code baseline.use} chose. */
    public RoiConfig config() {
        return config;
    }

    /** The configuration as loaded (its baseline is the configured one). */
    public RoiConfig configured() {
        return configured;
    }

    /** The baseline, configured and measured, item by item. */
    public RoiBaseline baseline() {
        return baseline;
    }

    /** The largest occurred_at processed; the result covers months up to its month. */
    public Instant streamTime() {
        return streamTime;
    }

    public YearMonth streamMonth() {
        return YearMonth.from(streamTime.atZone(ZoneOffset.UTC));
    }

    public YearMonth goLiveMonth() {
        return config.goLiveMonth();
    }

    /** k = 0 .. stream month, ascending, including months without events. */
    public List<RoiMonth> months() {
        return months;
    }

    public Optional<RoiMonth> month(YearMonth month) {
        int k = (int) goLiveMonth().until(month, ChronoUnit.MONTHS);
        return k >= 0 && k < months.size() ? Optional.of(months.get(k)) : Optional.empty();
    }

    /** The month's benefit; 0 for a month outside k = 0 .. stream month. */
    public double benefit(YearMonth month, RoiSeries series, RoiComponent component) {
        return month(month).map(m -> m.benefit(series, component)).orElse(0.0);
    }

    /** The month's program cost; 0 for a month outside k = 0 .. stream month. */
    public double programCost(YearMonth month) {
        return month(month).map(RoiMonth::programCost).orElse(0.0);
    }

    /** Σ over months k >= 0 up to the month of stream time of (benefits − program cost). */
    public double cumulativeNet(RoiSeries series) {
        return months.isEmpty() ? 0.0 : months.get(months.size() - 1).cumulativeNet(series);
    }

    public double cumulativeProgramCost() {
        return months.isEmpty() ? 0.0 : months.get(months.size() - 1).cumulativeProgramCost();
    }

    /** cumulative net / cumulative program cost; NaN when no program cost has been booked. */
    public double ratio(RoiSeries series) {
        double cost = cumulativeProgramCost();
        return cost > 0 ? cumulativeNet(series) / cost : Double.NaN;
    }

    /** The first month whose cumulative net is >= 0 (it may turn negative again later); empty if none yet. */
    public Optional<YearMonth> breakEvenMonth(RoiSeries series) {
        return months.stream().filter(m -> m.cumulativeNet(series) >= 0).map(RoiMonth::month).findFirst();
    }
}
