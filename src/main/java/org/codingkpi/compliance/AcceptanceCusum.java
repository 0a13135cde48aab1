package org.codingkpi.compliance;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * The upper and lower CUSUMs of the daily AI acceptance rate of one specialty and model version, against
 * the baseline of that model version (so it starts again from zero with every new version).
 *
 * <ul>
 *   <li>A day counts when it has at least {@code minDaily} decisions (ACCEPTED + MODIFIED + REJECTED).</li>
 *   <li>Baseline: the first {@code baselineDays} counting days. Its mean μ is the pooled acceptance rate
 *       (accepted / decisions); its overdispersion φ ≥ 1 is how much more the daily rates varied than
 *       binomial sampling explains: {@code φ² = max(1, Σ n_d (p_d − μ)² / (μ(1 − μ)) / (days − 1))}.</li>
 *   <li>σ of a day with n decisions: {@code max(φ · sqrt(μ(1 − μ) / n), minSigma)}, the standard
 *       deviation of that day's acceptance rate (a quiet day is noisier than a busy one), never below
 *       {@code minSigma}: with k = 0.5 the CUSUM is tuned to a rise of one σ, and a rise smaller than
 *       {@code minSigma} (case-mix wobble of a point or two in a busy specialty) is not what auditors
 *       are after.</li>
 *   <li>Every later counting day: {@code z = (p − μ) / σ}, {@code S = max(0, S + z − k)}. S is in
 *       standard deviations; the alarm is {@code S > h} (k = 0.5, h = 5 by default).</li>
 *   <li>The lower CUSUM mirrors it (KPIS.md §5, version 2): {@code L = max(0, L − z − k)}, in standard
 *       deviations too, alarm {@code L > h}: acceptance that collapses (a model that got worse, coders
 *       who stopped trusting it) is drift as well. Both run from the same baseline, so both start from
 *       zero with a new model version.</li>
 * </ul>
 */
public final class AcceptanceCusum {

    /**
     * @param ready            whether the baseline is complete (otherwise only {@code countingDays} is meaningful)
     * @param countingDays     counting days seen
     * @param mean             baseline μ
     * @param overdispersion   baseline φ
     * @param sigmaAtMeanVolume σ of a day with the baseline's mean number of decisions
     * @param baselineFirstDay first baseline day (epoch day)
     * @param baselineLastDay  last baseline day
     * @param value            S after the last counting day, in standard deviations
     * @param runStartDay      first day of the current run above zero (S > 0), or Long.MIN_VALUE when S is 0
     * @param down             L (the lower CUSUM) after the last counting day, in standard deviations
     * @param downRunStartDay  first day of the current run of L above zero, or Long.MIN_VALUE when L is 0
     */
    public record Result(boolean ready, int countingDays, double mean, double overdispersion, double sigmaAtMeanVolume,
                         long baselineFirstDay, long baselineLastDay, double value, long runStartDay, double down, long downRunStartDay) {
        /** The statistic of one direction: {@link #value} up, {@link #down} down. */
        public double value(boolean up) {
            return up ? value : down;
        }

        public long runStartDay(boolean up) {
            return up ? runStartDay : downRunStartDay;
        }
    }

    private AcceptanceCusum() {
    }

    /**
     * @param days epoch day → {decisions, accepted}, in day order; only the days to evaluate
     */
    public static Result run(SortedMap<Long, double[]> days, int baselineDays, double minDaily, double k, double minSigma) {
        List<Map.Entry<Long, double[]>> counting = new ArrayList<>();
        for (Map.Entry<Long, double[]> e : days.entrySet()) {
            if (e.getValue()[0] >= minDaily) {
                counting.add(e);
            }
        }
        if (counting.size() < baselineDays) {
            return new Result(false, counting.size(), Double.NaN, Double.NaN, Double.NaN, Long.MIN_VALUE, Long.MIN_VALUE,
                    Double.NaN, Long.MIN_VALUE, Double.NaN, Long.MIN_VALUE);
        }
        double n = 0;
        double accepted = 0;
        for (int i = 0; i < baselineDays; i++) {
            n += counting.get(i).getValue()[0];
            accepted += counting.get(i).getValue()[1];
        }
        // a baseline of all-accepted (or none) would make σ zero: keep μ half a decision inside (0, 1)
        double mean = Math.min(Math.max(accepted / n, 0.5 / n), 1 - 0.5 / n);
        double binomial = mean * (1 - mean);
        double chi = 0;
        for (int i = 0; i < baselineDays; i++) {
            double[] d = counting.get(i).getValue();
            double p = d[1] / d[0];
            chi += d[0] * (p - mean) * (p - mean) / binomial;
        }
        double phi = Math.sqrt(Math.max(1.0, chi / (baselineDays - 1)));
        double s = 0;
        long runStart = Long.MIN_VALUE;
        double l = 0;
        long downStart = Long.MIN_VALUE;
        for (int i = baselineDays; i < counting.size(); i++) {
            double[] d = counting.get(i).getValue();
            double sigma = Math.max(minSigma, phi * Math.sqrt(binomial / d[0]));
            double z = (d[1] / d[0] - mean) / sigma;
            s = Math.max(0, s + z - k);
            if (s == 0) {
                runStart = Long.MIN_VALUE;
            } else if (runStart == Long.MIN_VALUE) {
                runStart = counting.get(i).getKey();
            }
            l = Math.max(0, l - z - k);
            if (l == 0) {
                downStart = Long.MIN_VALUE;
            } else if (downStart == Long.MIN_VALUE) {
                downStart = counting.get(i).getKey();
            }
        }
        return new Result(true, counting.size(), mean, phi, Math.max(minSigma, phi * Math.sqrt(binomial / (n / baselineDays))),
                counting.get(0).getKey(), counting.get(baselineDays - 1).getKey(), s, runStart, l, downStart);
    }
}
