package org.codingkpi.compliance;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class PsiTest {

    @Test
    void psiIsTheSumOfShareDifferencesTimesTheirLogRatio() {
        // shares b = .5 .3 .2, a = .3 .3 .4: (-.2)ln(.6) + 0 + (.2)ln(2) = 0.102165 + 0.138629
        assertThat(Psi.of(new double[] {50, 30, 20}, new double[] {30, 30, 40})).isCloseTo(0.240794, within(1e-6));
    }

    @Test
    void anEmptyBinCountsWithTheFloorShareAndABinEmptyOnBothSidesIsSkipped() {
        // a = 1, 0.0001 (floor); b = .9, .1: .1 ln(1/.9) + (-.0999) ln(.0001/.1) = 0.0105361 + 0.6900847
        assertThat(Psi.of(new double[] {90, 10, 0}, new double[] {100, 0, 0})).isCloseTo(0.700621, within(1e-6));
    }

    @Test
    void theSameDistributionAtAnotherVolumeIsStable() {
        assertThat(Psi.of(new double[] {10, 30, 60}, new double[] {100, 300, 600})).isCloseTo(0.0, within(1e-12));
    }

    @Test
    void psiIsSymmetricInItsTwoSides() {
        double[] a = {12, 40, 30, 18};
        double[] b = {20, 35, 25, 20};
        assertThat(Psi.of(a, b)).isCloseTo(Psi.of(b, a), within(1e-12));
    }

    @Test
    void anEmptySideHasNoPsi() {
        assertThat(Psi.of(new double[] {0, 0}, new double[] {1, 2})).isNaN();
        assertThat(Psi.of(new double[] {1, 2}, new double[] {0, 0})).isNaN();
    }

    @Test
    void sharesDivideByTheTotal() {
        assertThat(Psi.shares(new double[] {1, 3, 0})).containsExactly(0.25, 0.75, 0.0);
        assertThat(Psi.shares(new double[] {0, 0})).containsExactly(0.0, 0.0);
    }
}
