package org.codingkpi.compliance;

import org.codingkpi.kpi.EmLevels;

import java.util.Map;
import java.util.SortedMap;

/**
 * The E/M level mix of one facility and specialty over the rolling window, against its baseline
 * period: the shares and the PSI that the gauges publish and the E/M shift finding tests.
 */
final class EmShift {

    /**
     * @param ready          the baseline period is over and both sides hold at least {@code drift.psi.min.codes} codes
     * @param baselineStart  first baseline day; {@code baselineEnd} the day after its last
     * @param windowStart    first window day; the window ends with the evaluated day
     * @param psi            NaN unless ready
     */
    record Result(boolean ready, long baselineStart, long baselineEnd, long windowStart, double[] baselineCounts,
                  double[] windowCounts, double psi) {
    }

    private EmShift() {
    }

    /**
     * @param days     epoch day → codes per E/M level slot, of one facility and specialty
     * @param firstDay the day its first E/M code was seen
     * @param day      the last day of the window (a complete day)
     */
    static Result evaluate(SortedMap<Long, double[]> days, long firstDay, long day, ComplianceConfig config) {
        long bStart = config.baseline().start(firstDay);
        long bEnd = config.baseline().end(firstDay);
        long wStart = config.windowStart(day);
        double[] baseline = new double[EmLevels.COUNT];
        double[] window = new double[EmLevels.COUNT];
        for (Map.Entry<Long, double[]> e : days.entrySet()) {
            long d = e.getKey();
            if (d >= bStart && d < bEnd) {
                add(baseline, e.getValue());
            }
            if (d >= wStart && d <= day) {
                add(window, e.getValue());
            }
        }
        boolean ready = day >= bEnd - 1 && Psi.sum(baseline) >= config.psiMinCodes() && Psi.sum(window) >= config.psiMinCodes();
        return new Result(ready, bStart, bEnd, wStart, baseline, window, ready ? Psi.of(baseline, window) : Double.NaN);
    }

    private static void add(double[] into, double[] v) {
        for (int i = 0; i < into.length && i < v.length; i++) {
            into[i] += v[i];
        }
    }
}
