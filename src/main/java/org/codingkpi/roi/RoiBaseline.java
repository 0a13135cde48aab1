package org.codingkpi.roi;

import org.codingkpi.events.Setting;

import java.time.YearMonth;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;

/**
 * The baseline of shared/spec/ROI.md "Version 2": each item as configured and as measured over the
 * {@code baseline.measure_months} calendar months (UTC) before the go-live month, and the one the formulas use.
 *
 * <ul>
 *   <li>minutes_per_encounter(setting) = Σ coding_seconds of every revision of that setting in the window / 60 /
 *       revision-1 codings of that setting in the window;</li>
 *   <li>coding_denial_rate = coding-category initial denials / first adjudications, by the month of the first
 *       adjudication, any attribution;</li>
 *   <li>days_to_payment = Σ (days x paid dollars) / Σ paid dollars over ClaimPaid with a known submission time
 *       (dollar-weighted, as the cash formula weighs days).</li>
 * </ul>
 * An item whose window has no data (no revision-1 coding of the setting, no first adjudication, no paid dollar)
 * is absent; with {@code baseline.use: measured} each absent item falls back to its configured value.
 */
public final class RoiBaseline {
    /** A measured item differing from the configured one by more than this fraction of it is flagged. */
    public static final double FLAG_FRACTION = 0.20;

    /** The {@code item} label values. */
    public enum Item {
        MINUTES_PER_ENCOUNTER("minutes_per_encounter"),
        CODING_DENIAL_RATE("coding_denial_rate"),
        DAYS_TO_PAYMENT("days_to_payment");

        private final String label;

        Item(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /**
     * One baseline item.
     *
     * @param setting    the setting of a minutes item; null for the other items
     * @param configured the value of the ROI file
     * @param measured   the value measured in the window; NaN when the window has no data for it (absent)
     * @param sample     what the measured value rests on: revision-1 codings, first adjudications, or paid dollars
     * @param usesMeasured the formulas use the measured value (baseline.use: measured, and the item has data)
     */
    public record Entry(Item item, Setting setting, double configured, double measured, double sample, boolean usesMeasured) {
        /** The value the formulas use. */
        public double used() {
            return usesMeasured ? measured : configured;
        }

        /** {@code setting} label value: the setting's name, or "" for items without a setting. */
        public String settingLabel() {
            return setting == null ? "" : setting.name();
        }

        /** The config key of the item, e.g. {@code baseline.minutes_per_encounter.INPATIENT}. */
        public String key() {
            return "baseline." + item.label() + (setting == null ? "" : "." + setting.name());
        }

        public boolean isMeasured() {
            return !Double.isNaN(measured);
        }

        /** measured / configured − 1; NaN when absent or when the configured value is 0. */
        public double relativeDifference() {
            return isMeasured() && configured != 0 ? measured / configured - 1 : Double.NaN;
        }

        /** Measured and more than 20 % away from the configured value (any measured value other than 0 if that is 0). */
        public boolean flagged() {
            if (!isMeasured()) {
                return false;
            }
            return configured == 0 ? measured != 0 : Math.abs(measured - configured) > FLAG_FRACTION * Math.abs(configured);
        }
    }

    private final RoiConfig.BaselineUse use;
    private final YearMonth windowStart;
    private final YearMonth windowEnd;
    private final List<Entry> entries;
    private final RoiConfig.Baseline used;

    private RoiBaseline(RoiConfig.BaselineUse use, YearMonth windowStart, YearMonth windowEnd, List<Entry> entries,
                        RoiConfig.Baseline used) {
        this.use = use;
        this.windowStart = windowStart;
        this.windowEnd = windowEnd;
        this.entries = List.copyOf(entries);
        this.used = used;
    }

    /**
     * @param config the configuration (its baseline is the configured one)
     * @param months raw sums by calendar month (UTC), summed over tasks; months outside the window are not read
     */
    public static RoiBaseline measure(RoiConfig config, SortedMap<YearMonth, RoiMonthTotals> months) {
        Objects.requireNonNull(config, "config");
        RoiConfig.Measurement m = config.measurement();
        YearMonth end = config.goLiveMonth().minusMonths(1);
        YearMonth start = config.goLiveMonth().minusMonths(m.measureMonths());
        RoiMonthTotals w = new RoiMonthTotals();
        for (RoiMonthTotals t : months.subMap(start, config.goLiveMonth()).values()) {
            w = w.plus(RoiMonthTotals.of(t.values().clone()));
        }
        boolean measuredUse = m.use() == RoiConfig.BaselineUse.MEASURED;
        RoiConfig.Baseline c = config.baseline();
        List<Entry> entries = new ArrayList<>();
        Map<Setting, Double> minutes = new EnumMap<>(Setting.class);
        for (Setting s : Setting.values()) {
            double codings = w.revision1Codings(s);
            double measured = codings > 0 ? w.codingSeconds(s) / 60.0 / codings : Double.NaN;
            Entry e = entry(Item.MINUTES_PER_ENCOUNTER, s, c.minutesPerEncounter().getOrDefault(s, 0.0), measured, codings, measuredUse);
            entries.add(e);
            minutes.put(s, e.used());
        }
        double adjudications = w.firstAdjudications();
        Entry rate = entry(Item.CODING_DENIAL_RATE, null, c.codingDenialRate(),
                adjudications > 0 ? w.codingDenials() / adjudications : Double.NaN, adjudications, measuredUse);
        double paid = w.paidDollars();
        Entry days = entry(Item.DAYS_TO_PAYMENT, null, c.daysToPayment(),
                paid > 0 ? w.paidDollarDays() / paid : Double.NaN, paid, measuredUse);
        entries.add(rate);
        entries.add(days);
        return new RoiBaseline(m.use(), start, end, entries, new RoiConfig.Baseline(minutes, rate.used(), days.used()));
    }

    private static Entry entry(Item item, Setting setting, double configured, double measured, double sample, boolean measuredUse) {
        return new Entry(item, setting, configured, measured, sample, measuredUse && !Double.isNaN(measured));
    }

    /** {@code baseline.use} of the configuration. */
    public RoiConfig.BaselineUse use() {
        return use;
    }

    /** The first month of the measurement window. */
    public YearMonth windowStart() {
        return windowStart;
    }

    /** The last month of the measurement window: the month before the go-live month. */
    public YearMonth windowEnd() {
        return windowEnd;
    }

    /** minutes_per_encounter by setting (in Setting order), then coding_denial_rate, then days_to_payment. */
    public List<Entry> entries() {
        return entries;
    }

    /** The baseline the formulas use. */
    public RoiConfig.Baseline used() {
        return used;
    }

    /** Items whose window has no data. */
    public List<Entry> absent() {
        return entries.stream().filter(e -> !e.isMeasured()).toList();
    }
}
