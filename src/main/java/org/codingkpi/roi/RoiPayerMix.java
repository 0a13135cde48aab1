package org.codingkpi.roi;

import java.util.List;

/**
 * The payers behind the claims, for the payer-mix sensitivity of the 12-month projection (docs/roi.md): each payer's
 * first adjudications, coding-category initial denials among them, and paid dollars, over all the data.
 *
 * <p>A payer mix "shifted by f toward high-denial payers" weighs the share of first adjudications of every payer
 * whose coding denial rate is above the all-payer rate by (1 + f) and of every other payer by (1 − f), then
 * renormalises the shares to 1. Under the shifted mix the coding denial rate becomes Σ share' x rate and the paid
 * dollars per first adjudication Σ share' x paid per adjudication; {@link #denialFactor} and {@link #paidFactor}
 * are those over the observed values. A negative f shifts the mix toward the low-denial payers. With fewer than two
 * payers there is no mix to shift: both factors are 1.
 */
public final class RoiPayerMix {
    /** One payer's totals (the payer label value of the KPI series; never a claim or member identifier). */
    public record Payer(String payer, double firstAdjudications, double codingDenials, double paidDollars) {
    }

    private static final RoiPayerMix NONE = new RoiPayerMix(List.of());

    private final List<Payer> payers;

    public RoiPayerMix(List<Payer> payers) {
        this.payers = payers.stream().filter(p -> p.firstAdjudications() > 0).toList();
    }

    /** No payer data: every factor is 1. */
    public static RoiPayerMix none() {
        return NONE;
    }

    /** Payers with at least one first adjudication. */
    public List<Payer> payers() {
        return payers;
    }

    public boolean canShift() {
        return payers.size() >= 2 && totalCodingDenials() > 0;
    }

    /** Coding denial rate under the shifted mix / the observed rate. */
    public double denialFactor(double shift) {
        if (!canShift()) {
            return 1.0;
        }
        double[] s = shiftedShares(shift);
        double rate = 0;
        for (int i = 0; i < payers.size(); i++) {
            Payer p = payers.get(i);
            rate += s[i] * p.codingDenials() / p.firstAdjudications();
        }
        return rate / (totalCodingDenials() / totalAdjudications());
    }

    /** Paid dollars per first adjudication under the shifted mix / the observed value (1 without paid dollars). */
    public double paidFactor(double shift) {
        double paid = payers.stream().mapToDouble(Payer::paidDollars).sum();
        if (!canShift() || paid <= 0) {
            return 1.0;
        }
        double[] s = shiftedShares(shift);
        double perClaim = 0;
        for (int i = 0; i < payers.size(); i++) {
            Payer p = payers.get(i);
            perClaim += s[i] * p.paidDollars() / p.firstAdjudications();
        }
        return perClaim / (paid / totalAdjudications());
    }

    /** The payers' shares of first adjudications after the shift. */
    double[] shiftedShares(double shift) {
        double total = totalAdjudications();
        double overall = totalCodingDenials() / total;
        double[] s = new double[payers.size()];
        double sum = 0;
        for (int i = 0; i < s.length; i++) {
            Payer p = payers.get(i);
            boolean high = p.codingDenials() / p.firstAdjudications() > overall;
            s[i] = p.firstAdjudications() / total * (high ? 1 + shift : 1 - shift);
            sum += s[i];
        }
        for (int i = 0; i < s.length; i++) {
            s[i] /= sum;
        }
        return s;
    }

    private double totalAdjudications() {
        return payers.stream().mapToDouble(Payer::firstAdjudications).sum();
    }

    private double totalCodingDenials() {
        return payers.stream().mapToDouble(Payer::codingDenials).sum();
    }
}
