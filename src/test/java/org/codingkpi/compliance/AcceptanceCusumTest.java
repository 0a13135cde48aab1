package org.codingkpi.compliance;

import org.junit.jupiter.api.Test;

import java.util.SortedMap;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class AcceptanceCusumTest {

    /** day → {decisions, accepted} */
    private static SortedMap<Long, double[]> days(double[]... decisionsAccepted) {
        SortedMap<Long, double[]> m = new TreeMap<>();
        for (int i = 0; i < decisionsAccepted.length; i++) {
            m.put(100L + i, decisionsAccepted[i]);
        }
        return m;
    }

    @Test
    void cusumAccumulatesStandardisedRisesAboveTheAllowanceAndFloorsAtZero() {
        // baseline: three days at 80 % of 100 → μ = 0.8, no overdispersion (φ = 1), σ(100) = sqrt(.16/100) = 0.04
        SortedMap<Long, double[]> d = days(new double[] {100, 80}, new double[] {100, 80}, new double[] {100, 80},
                new double[] {100, 90},   // z = 2.5 → S = 2.0
                new double[] {100, 86},   // z = 1.5 → S = 3.0
                new double[] {50, 40},    // σ(50) = 0.0566, z = 0 → S = 2.5
                new double[] {5, 5},      // under the 10-decision minimum: does not count
                new double[] {100, 92});  // z = 3 → S = 5.0
        AcceptanceCusum.Result r = AcceptanceCusum.run(d, 3, 10, 0.5, 0);
        assertThat(r.ready()).isTrue();
        assertThat(r.mean()).isCloseTo(0.8, within(1e-12));
        assertThat(r.overdispersion()).isEqualTo(1.0);
        assertThat(r.sigmaAtMeanVolume()).isCloseTo(0.04, within(1e-12));
        assertThat(r.value()).isCloseTo(5.0, within(1e-9));
        assertThat(r.runStartDay()).isEqualTo(103L);
        assertThat(r.baselineFirstDay()).isEqualTo(100L);
        assertThat(r.baselineLastDay()).isEqualTo(102L);
        assertThat(r.countingDays()).isEqualTo(7);

        d.put(110L, new double[] {100, 70});  // z = -2.5 → S = 2.0
        d.put(111L, new double[] {100, 70});  // S = 0: the run ends
        AcceptanceCusum.Result after = AcceptanceCusum.run(d, 3, 10, 0.5, 0);
        assertThat(after.value()).isEqualTo(0.0);
        assertThat(after.runStartDay()).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void overdispersedBaselineWidensSigma() {
        // rates .7 .8 .9 on 100 each: μ = .8, Σ n (p-μ)² / μ(1-μ) = 2 · 100 · .01 / .16 = 12.5; φ² = 12.5 / 2 = 6.25, φ = 2.5
        SortedMap<Long, double[]> d = days(new double[] {100, 70}, new double[] {100, 80}, new double[] {100, 90},
                new double[] {100, 90});  // σ = 2.5 · 0.04 = 0.1, z = 1 → S = 0.5
        AcceptanceCusum.Result r = AcceptanceCusum.run(d, 3, 10, 0.5, 0);
        assertThat(r.overdispersion()).isCloseTo(2.5, within(1e-12));
        assertThat(r.value()).isCloseTo(0.5, within(1e-12));
    }

    @Test
    void sigmaIsNeverTakenBelowTheMinimum() {
        SortedMap<Long, double[]> d = days(new double[] {100, 80}, new double[] {100, 80}, new double[] {100, 80},
                new double[] {100, 90});  // σ = max(0.04, 0.1) = 0.1, z = 1 → S = 0.5
        AcceptanceCusum.Result r = AcceptanceCusum.run(d, 3, 10, 0.5, 0.1);
        assertThat(r.value()).isCloseTo(0.5, within(1e-12));
        assertThat(r.sigmaAtMeanVolume()).isEqualTo(0.1);
    }

    @Test
    void notReadyUntilTheBaselineHasItsDays() {
        AcceptanceCusum.Result r = AcceptanceCusum.run(days(new double[] {100, 80}, new double[] {8, 8}, new double[] {100, 80}), 3, 10, 0.5, 0);
        assertThat(r.ready()).isFalse();
        assertThat(r.countingDays()).isEqualTo(2);
    }

    @Test
    void aBaselineThatAcceptedEverythingStillHasASigma() {
        AcceptanceCusum.Result r = AcceptanceCusum.run(days(new double[] {50, 50}, new double[] {50, 50}, new double[] {50, 50},
                new double[] {50, 50}), 3, 10, 0.5, 0);
        assertThat(r.sigmaAtMeanVolume()).isPositive();
        assertThat(r.value()).isFinite();
    }

    @Test
    void theLowerCusumMirrorsTheUpperOneForAFall() {
        // baseline μ = 0.8, σ(100) = 0.04
        SortedMap<Long, double[]> d = days(new double[] {100, 80}, new double[] {100, 80}, new double[] {100, 80},
                new double[] {100, 70},   // z = -2.5 → L = 2.0
                new double[] {100, 74},   // z = -1.5 → L = 3.0
                new double[] {100, 68});  // z = -3 → L = 5.5
        AcceptanceCusum.Result r = AcceptanceCusum.run(d, 3, 10, 0.5, 0);
        assertThat(r.down()).isCloseTo(5.5, within(1e-9));
        assertThat(r.value(false)).isEqualTo(r.down());
        assertThat(r.downRunStartDay()).isEqualTo(103L);
        assertThat(r.value()).isEqualTo(0.0);
        assertThat(r.runStartDay()).isEqualTo(Long.MIN_VALUE);

        d.put(106L, new double[] {100, 92});  // z = 3: L = 2.0, S = 2.5
        d.put(107L, new double[] {100, 92});  // L = 0: the run ends
        AcceptanceCusum.Result after = AcceptanceCusum.run(d, 3, 10, 0.5, 0);
        assertThat(after.down()).isEqualTo(0.0);
        assertThat(after.downRunStartDay()).isEqualTo(Long.MIN_VALUE);
        assertThat(after.value()).isCloseTo(5.0, within(1e-9));
    }
}
