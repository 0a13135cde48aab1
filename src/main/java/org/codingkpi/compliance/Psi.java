package org.codingkpi.compliance;

/**
 * Population stability index of a distribution against a baseline distribution, over the same bins:
 * {@code PSI = Σ (a_i − b_i) · ln(a_i / b_i)} with {@code a_i}, {@code b_i} the shares of bin i in the
 * actual and the baseline counts. A bin empty in both is skipped; a share of 0 on one side counts as
 * {@link #FLOOR} (the usual convention, so that one new level does not make the index infinite).
 * Read it as: under 0.1 stable, 0.1 to 0.25 watch, 0.25 or more a shift.
 */
public final class Psi {
    /** The share an empty bin counts with. */
    public static final double FLOOR = 1e-4;

    private Psi() {
    }

    /** PSI of {@code actual} against {@code baseline} (counts per bin); NaN when either is empty. */
    public static double of(double[] baseline, double[] actual) {
        double nb = sum(baseline);
        double na = sum(actual);
        if (nb <= 0 || na <= 0) {
            return Double.NaN;
        }
        double psi = 0;
        for (int i = 0; i < baseline.length; i++) {
            if (baseline[i] == 0 && actual[i] == 0) {
                continue;
            }
            double a = Math.max(actual[i] / na, FLOOR);
            double b = Math.max(baseline[i] / nb, FLOOR);
            psi += (a - b) * Math.log(a / b);
        }
        return psi;
    }

    /** The share of each bin; zeros when the counts are empty. */
    public static double[] shares(double[] counts) {
        double n = sum(counts);
        double[] s = new double[counts.length];
        for (int i = 0; i < counts.length && n > 0; i++) {
            s[i] = counts[i] / n;
        }
        return s;
    }

    static double sum(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s;
    }
}
