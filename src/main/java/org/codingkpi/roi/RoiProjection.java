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
 * sensitivity: ±20 % on each assumption, on volume, on the payer mix and on adoption, and a two-way table of
 * adoption x productivity gain (definitions in docs/roi.md, "12-month projection and sensitivity").
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

    /** One assumption varied by −20 % and +20 %, every other one at its configured value; {@code high} null: not applicable. */
    public record Row(String key, String label, String baseValue, String lowValue, String highValue,
                      Outcome low, Outcome high, String note) {
    }

    /**
     * What the projection multiplies, beyond the configuration: all volumes; the share of volume the scenario's
     * gains reach once ramped (adoption; the projected formulas of ROI.md assume 1); and the payer mix's effect on
     * the coding denial rate and on paid dollars per claim.
     */
    record Variation(double volume, double adoption, double denialMix, double paidMix) {
        static final Variation NONE = new Variation(1, 1, 1, 1);
    }

    /**
     * The 12-month net of a scenario by adoption (rows) and productivity gain (columns), other assumptions as
     * configured; {@code observedRow} is the index of the row at the AI share observed since go-live, or -1.
     */
    public record TwoWay(String scenario, List<Double> adoptions, List<Double> gains, double[][] net, double[][] ratio,
                         int observedRow, int configuredRow, int configuredColumn) {
    }

    /** Adoption levels of the two-way table. */
    public static final List<Double> ADOPTIONS = List.of(0.5, 0.6, 0.7, 0.8, 0.9, 1.0);
    /** Productivity gain of the two-way table, as factors of the configured gain (capped at 100 %). */
    public static final List<Double> GAIN_FACTORS = List.of(0.6, 0.8, 1.0, 1.2, 1.4);

    private final RoiConfig config;
    private final RoiPayerMix payerMix;
    private final List<RoiMonthTotals> volumes;
    private final String volumeBasis;
    private final int completeMonths;
    private final double observedAdoption;

    /** Derives the 12 months of volumes from an observed result (see the class comment); no payer data. */
    public RoiProjection(RoiResult observed) {
        this(observed, RoiPayerMix.none());
    }

    /** Derives the 12 months of volumes from an observed result (see the class comment). */
    public RoiProjection(RoiResult observed, RoiPayerMix payerMix) {
        this.config = observed.config();
        this.payerMix = payerMix;
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
        double ai = 0;
        double all = 0;
        for (RoiMonth m : months) {
            for (Setting setting : Setting.values()) {
                ai += m.totals().revision1CodingsAi(setting);
                all += m.totals().revision1Codings(setting);
            }
        }
        this.observedAdoption = all > 0 ? ai / all : Double.NaN;
    }

    /** Share of revision-1 codings in AI modes since go-live; NaN without codings. */
    public double observedAdoption() {
        return observedAdoption;
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
        return outcome(c, scenario, Variation.NONE);
    }

    /**
     * The projected formulas are linear in the month sums, so scaling a component is scaling the sums it reads:
     * volume and adoption scale all three, the payer mix the denials (through the coding denial rate) and the cash
     * (through paid dollars per claim).
     */
    Outcome outcome(RoiConfig c, String scenario, Variation v) {
        RoiConfig.Scenario s = c.scenario(scenario);
        double net = 0;
        double cost = 0;
        for (int k = 0; k < HORIZON_MONTHS; k++) {
            double[] b = RoiCalculator.projected(c, s, k, volumes.get(k));
            double f = v.volume() * v.adoption();
            double pc = c.programCosts().ofMonth(k);
            cost += pc;
            net += f * (b[0] + b[1] * v.denialMix() + b[2] * v.paidMix()) - pc;
        }
        return new Outcome(net, cost);
    }

    /** Adoption x productivity gain, for one scenario (the report uses "expected"). */
    public TwoWay twoWay(String scenario) {
        RoiConfig.Scenario s = config.scenario(scenario);
        List<Double> adoptions = new ArrayList<>(ADOPTIONS);
        int observedRow = -1;
        if (!Double.isNaN(observedAdoption)) {
            adoptions.add(observedAdoption);
            adoptions.sort(null);
            observedRow = adoptions.indexOf(observedAdoption);
        }
        List<Double> gains = new ArrayList<>();
        for (double f : GAIN_FACTORS) {
            gains.add(Math.min(1.0, s.productivityGain() * f));
        }
        double[][] net = new double[adoptions.size()][gains.size()];
        double[][] ratio = new double[adoptions.size()][gains.size()];
        for (int i = 0; i < adoptions.size(); i++) {
            for (int j = 0; j < gains.size(); j++) {
                RoiConfig c = config.withScenario(scenario, new RoiConfig.Scenario(gains.get(j), s.denialReduction(),
                        s.daysReduction(), s.rampMonths()));
                Outcome o = outcome(c, scenario, new Variation(1, adoptions.get(i), 1, 1));
                net[i][j] = o.net();
                ratio[i][j] = o.ratio();
            }
        }
        int configuredRow = adoptions.lastIndexOf(1.0);
        return new TwoWay(scenario, List.copyOf(adoptions), List.copyOf(gains), net, ratio, observedRow, configuredRow,
                GAIN_FACTORS.indexOf(1.0));
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
        rows.add(new Row("volume", "Volume (encounters and claims)", "observed", "-20 %", "+20 %",
                outcome(c, scenario, new Variation(1 - STEP, 1, 1, 1)), outcome(c, scenario, new Variation(1 + STEP, 1, 1, 1)),
                "every month's codings, coder time, adjudications, denials and payments scaled together; program costs unchanged"));
        String mixNote = payerMix.canShift()
                ? String.format(Locale.US, "claim shares of the %d payers shifted 20 %% toward the payers whose coding denial rate "
                        + "is below (-) or above (+) the all-payer rate: coding denial rate x %.3f / x %.3f, paid dollars per claim "
                        + "x %.3f / x %.3f", payerMix.payers().size(), payerMix.denialFactor(-STEP), payerMix.denialFactor(STEP),
                        payerMix.paidFactor(-STEP), payerMix.paidFactor(STEP))
                : "fewer than two payers with first adjudications, or no coding denial yet: no mix to shift";
        rows.add(new Row("payer_mix", "Payer mix", "observed", "toward low-denial payers", "toward high-denial payers",
                outcome(c, scenario, new Variation(1, 1, payerMix.denialFactor(-STEP), payerMix.paidFactor(-STEP))),
                outcome(c, scenario, new Variation(1, 1, payerMix.denialFactor(STEP), payerMix.paidFactor(STEP))),
                mixNote));
        String observed = Double.isNaN(observedAdoption) ? "none yet"
                : String.format(Locale.US, "%.1f %%", observedAdoption * 100);
        rows.add(new Row("adoption", "Adoption (share of encounters coded with AI once ramped)", "100 %", "80 %", "n/a",
                outcome(c, scenario, new Variation(1, 1 - STEP, 1, 1)), null,
                "the business case assumes every encounter (100 %), reached over ramp_months; observed AI share since go-live: "
                        + observed + ". See the adoption x productivity gain table"));
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
