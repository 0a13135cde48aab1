package org.codingkpi.roi;

import org.codingkpi.events.Setting;

import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleFunction;
import java.util.function.DoubleUnaryOperator;

/**
 * The 12-month projected ROI of a scenario (months k = 0..11 from go-live) on the observed volumes, and its
 * sensitivity to ±20 % on each assumption.
 *
 * <p>Volumes: a month k = 0..11 that is complete (before the month of stream time) uses its own observed sums;
 * every later month, including the partial month of stream time, uses the average of the complete months since
 * go-live. While no month is complete yet, the partial month of stream time is scaled to a whole month
 * (days in month / days elapsed up to stream time). Before go-live there is nothing to project: all zero.
 */
public final class RoiProjection {
    public static final int HORIZON_MONTHS = 12;
    public static final double STEP = 0.20;

    /** Net = Σ projected benefits − Σ program cost over the horizon; ratio = net / program cost (NaN if no cost). */
    public record Outcome(double net, double programCost) {
        public double ratio() {
            return programCost > 0 ? net / programCost : Double.NaN;
        }
    }

    /** One assumption varied by −20 % and +20 %, every other one at its configured value. */
    public record Row(String key, String label, String baseValue, String lowValue, String highValue,
                      Outcome low, Outcome high, String note) {
    }

    private final RoiConfig config;
    private final List<RoiMonthTotals> volumes;
    private final String volumeBasis;
    private final int completeMonths;

    /** Derives the 12 months of volumes from an observed result (see the class comment). */
    public RoiProjection(RoiResult observed) {
        this.config = observed.config();
        List<RoiMonth> months = observed.months();
        YearMonth streamMonth = observed.streamMonth();
        List<RoiMonthTotals> complete = new ArrayList<>();
        for (RoiMonth m : months) {
            if (m.month().isBefore(streamMonth)) {
                complete.add(m.totals());
            }
        }
        RoiMonthTotals typical;
        if (!complete.isEmpty()) {
            typical = scaled(sum(complete), 1.0 / complete.size());
            volumeBasis = String.format(Locale.US,
                    "months observed in full (%d) use their own volumes; later months use their average", complete.size());
        } else if (!months.isEmpty()) {
            Instant start = streamMonth.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
            double elapsedDays = Duration.between(start, observed.streamTime()).toMillis() / 86_400_000.0;
            double factor = elapsedDays > 0 ? streamMonth.lengthOfMonth() / elapsedDays : 0.0;
            typical = scaled(months.get(months.size() - 1).totals(), factor);
            volumeBasis = String.format(Locale.US,
                    "no month observed in full yet: the first %.1f days of %s scaled to a whole month", elapsedDays, streamMonth);
        } else {
            typical = new RoiMonthTotals();
            volumeBasis = "no month since go-live observed yet: no volumes";
        }
        List<RoiMonthTotals> v = new ArrayList<>();
        for (int k = 0; k < HORIZON_MONTHS; k++) {
            v.add(k < complete.size() ? complete.get(k) : typical);
        }
        this.volumes = List.copyOf(v);
        this.completeMonths = complete.size();
    }

    /** How the volumes were derived, for the report. */
    public String volumeBasis() {
        return volumeBasis;
    }

    /** Number of the 12 months that use observed volumes of a complete month. */
    public int observedMonths() {
        return Math.min(completeMonths, HORIZON_MONTHS);
    }

    public Outcome outcome(String scenario) {
        return outcome(config, scenario);
    }

    Outcome outcome(RoiConfig c, String scenario) {
        RoiConfig.Scenario s = c.scenario(scenario);
        double net = 0;
        double cost = 0;
        for (int k = 0; k < HORIZON_MONTHS; k++) {
            double[] b = RoiCalculator.projected(c, s, k, volumes.get(k));
            double pc = c.programCosts().ofMonth(k);
            cost += pc;
            net += b[0] + b[1] + b[2] - pc;
        }
        return new Outcome(net, cost);
    }

    /** ±20 % on each assumption, for one scenario (the report uses "expected"). */
    public List<Row> sensitivity(String scenario) {
        RoiConfig c = config;
        RoiConfig.Baseline b = c.baseline();
        RoiConfig.Scenario s = c.scenario(scenario);
        List<Row> rows = new ArrayList<>();
        rows.add(row(scenario, "baseline.minutes_per_encounter", "Baseline coder minutes per encounter (all settings)",
                f -> f, this::minutesText,
                f -> c.withBaseline(new RoiConfig.Baseline(scaledMinutes(b, f), b.codingDenialRate(), b.daysToPayment())),
                ""));
        rows.add(row(scenario, "coder_hourly_cost", "Coder hourly cost (fully loaded)",
                f -> c.coderHourlyCost() * f, v -> money(v) + " /h",
                f -> c.withCoderHourlyCost(c.coderHourlyCost() * f), ""));
        rows.add(row(scenario, "baseline.coding_denial_rate", "Baseline coding-related denial rate",
                f -> b.codingDenialRate() * f, RoiProjection::percent,
                f -> c.withBaseline(new RoiConfig.Baseline(b.minutesPerEncounter(), b.codingDenialRate() * f, b.daysToPayment())),
                ""));
        rows.add(row(scenario, "rework_cost_per_denial", "Rework cost per denial",
                f -> c.reworkCostPerDenial() * f, RoiProjection::money,
                f -> c.withReworkCostPerDenial(c.reworkCostPerDenial() * f), ""));
        rows.add(row(scenario, "baseline.days_to_payment", "Baseline days to payment",
                f -> b.daysToPayment() * f, RoiProjection::days,
                f -> c.withBaseline(new RoiConfig.Baseline(b.minutesPerEncounter(), b.codingDenialRate(), b.daysToPayment() * f)),
                "no effect on the projection: projected cash uses the scenario's days_reduction; "
                        + "the baseline days only enter realized cash"));
        String sk = "scenarios." + scenario + ".";
        rows.add(row(scenario, sk + "ramp_months", "Adoption ramp (months to full effect)",
                f -> s.rampMonths() * f, v -> String.format(Locale.US, "%.1f months", v),
                f -> c.withScenario(scenario, new RoiConfig.Scenario(s.productivityGain(), s.denialReduction(),
                        s.daysReduction(), s.rampMonths() * f)),
                "fractional ramp months are used as such: ramp(k) = min(1, (k + 1) / ramp_months)"));
        rows.add(row(scenario, sk + "productivity_gain", "Productivity gain",
                f -> s.productivityGain() * f, RoiProjection::percent,
                f -> c.withScenario(scenario, new RoiConfig.Scenario(s.productivityGain() * f, s.denialReduction(),
                        s.daysReduction(), s.rampMonths())), ""));
        rows.add(row(scenario, sk + "denial_reduction", "Denial reduction",
                f -> s.denialReduction() * f, RoiProjection::percent,
                f -> c.withScenario(scenario, new RoiConfig.Scenario(s.productivityGain(), s.denialReduction() * f,
                        s.daysReduction(), s.rampMonths())), ""));
        rows.add(row(scenario, sk + "days_reduction", "Reduction of days to payment",
                f -> s.daysReduction() * f, RoiProjection::days,
                f -> c.withScenario(scenario, new RoiConfig.Scenario(s.productivityGain(), s.denialReduction(),
                        s.daysReduction() * f, s.rampMonths())), ""));
        rows.add(row(scenario, "program_costs", "Program costs (one-time and monthly)",
                f -> c.programCosts().monthly() * f, v -> money(v) + " /month",
                f -> c.withProgramCosts(new RoiConfig.ProgramCosts(c.programCosts().oneTime() * f,
                        c.programCosts().monthly() * f)),
                "one-time cost scaled by the same factor"));
        return rows;
    }

    /**
     * @param value   the assumption's value at a factor (1 = as configured)
     * @param text    how a value is shown
     * @param variant the configuration with the assumption at a factor
     */
    private Row row(String scenario, String key, String label, DoubleUnaryOperator value, DoubleFunction<String> text,
                    DoubleFunction<RoiConfig> variant, String note) {
        return new Row(key, label, text.apply(value.applyAsDouble(1.0)), text.apply(value.applyAsDouble(1 - STEP)),
                text.apply(value.applyAsDouble(1 + STEP)),
                outcome(variant.apply(1 - STEP), scenario), outcome(variant.apply(1 + STEP), scenario), note);
    }

    /** The three baseline minutes at a factor. */
    private String minutesText(double factor) {
        StringBuilder sb = new StringBuilder();
        for (Setting s : Setting.values()) {
            if (sb.length() > 0) {
                sb.append(" / ");
            }
            sb.append(String.format(Locale.US, "%.1f", config.baseline().minutesPerEncounter().get(s) * factor));
        }
        return sb.append(" min (IP / OP / PRO)").toString();
    }

    private static Map<Setting, Double> scaledMinutes(RoiConfig.Baseline b, double f) {
        Map<Setting, Double> m = new EnumMap<>(Setting.class);
        b.minutesPerEncounter().forEach((k, v) -> m.put(k, v * f));
        return m;
    }

    private static String percent(double v) {
        return String.format(Locale.US, "%.2f %%", v * 100);
    }

    private static String days(double v) {
        return String.format(Locale.US, "%.1f days", v);
    }

    private static String money(double v) {
        return String.format(Locale.US, "$%,.2f", v);
    }

    private static RoiMonthTotals sum(List<RoiMonthTotals> list) {
        RoiMonthTotals total = new RoiMonthTotals();
        for (RoiMonthTotals t : list) {
            total = total.plus(t);
        }
        return total;
    }

    private static RoiMonthTotals scaled(RoiMonthTotals t, double factor) {
        double[] v = t.values().clone();
        for (int i = 0; i < v.length; i++) {
            v[i] *= factor;
        }
        return RoiMonthTotals.of(v);
    }
}
