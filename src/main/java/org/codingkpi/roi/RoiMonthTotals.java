package org.codingkpi.roi;

import org.codingkpi.events.Setting;

import java.util.Arrays;

/**
 * The raw event-time sums of one calendar month (UTC) that the ROI model of shared/spec/ROI.md needs.
 * The stream processor keeps exactly these sums in fault-tolerant state (one entry per month and task);
 * every dollar figure is derived from them at export time, so changing the ROI configuration never
 * needs a reprocessing of the history.
 *
 * <p>Money is kept in cents and durations in milliseconds, as exact integers (in doubles, exact up
 * to 2^53), so the totals do not depend on the order in which events of different partitions were
 * added: a replay of the same file gives the same figures to the last digit.
 *
 * <p>"AI modes" are AI_ASSISTED and AUTONOMOUS, judged on each revision's own coding_mode (labor) or on
 * the claim's attribution (denials, cash), as ROI.md defines.
 */
public final class RoiMonthTotals {
    /** Layout of the state array. */
    static final int REV1_ALL = 0;                                   // 3 slots, by Setting ordinal
    static final int REV1_AI = REV1_ALL + 3;                         // 3 slots, by Setting ordinal
    static final int CODING_SECONDS_AI = REV1_AI + 3;                // Σ coding_seconds, all revisions in AI modes
    static final int CODING_SECONDS_ALL = CODING_SECONDS_AI + 1;     // Σ coding_seconds, all revisions, all modes
    static final int FIRST_ADJ_ALL = CODING_SECONDS_ALL + 1;         // first adjudications, any attribution
    static final int FIRST_ADJ_AI = FIRST_ADJ_ALL + 1;               // first adjudications attributed to AI modes
    static final int CODING_DENIALS_AI = FIRST_ADJ_AI + 1;           // of those, coding-category initial denials
    static final int PAID_CENTS_ALL = CODING_DENIALS_AI + 1;         // Σ paid cents of every ClaimPaid
    static final int PAID_CENTS_AI = PAID_CENTS_ALL + 1;             // Σ paid cents of ClaimPaid attributed to AI modes
    static final int PAID_MS_CENTS_AI_HI = PAID_CENTS_AI + 1;        // Σ millis_to_payment x paid cents, same claims,
    static final int PAID_MS_CENTS_AI_LO = PAID_MS_CENTS_AI_HI + 1;  //   as an exact integer: HI x 2^40 + LO
    // version 2 (the measured baseline of ROI.md): appended, so that a version-1 array is a prefix
    static final int CODING_SECONDS_BY_SETTING = PAID_MS_CENTS_AI_LO + 1;  // 3 slots: Σ coding_seconds, all revisions, all modes
    static final int CODING_DENIALS_ALL = CODING_SECONDS_BY_SETTING + 3;   // coding-category initial denials, any attribution
    static final int PAID_MS_CENTS_ALL_HI = CODING_DENIALS_ALL + 1;         // Σ millis_to_payment x paid cents, every ClaimPaid
    static final int PAID_MS_CENTS_ALL_LO = PAID_MS_CENTS_ALL_HI + 1;       //   with a known submission time: HI x 2^40 + LO
    public static final int SIZE = PAID_MS_CENTS_ALL_LO + 1;
    /** The size of a version-1 state array (before the measured baseline). */
    static final int SIZE_V1 = CODING_SECONDS_BY_SETTING;
    private static final double TWO_40 = 1L << 40;
    private static final double MS_CENTS_PER_DAY_DOLLAR = 86_400_000.0 * 100.0;

    private final double[] v;

    public RoiMonthTotals() {
        this(new double[SIZE]);
    }

    private RoiMonthTotals(double[] v) {
        this.v = v;
    }

    /**
     * Wraps a state array (not copied). A shorter array written by an earlier version (a prefix of this layout)
     * is copied into a full-size one whose new slots are 0: the caller must store {@link #values()} back.
     */
    public static RoiMonthTotals of(double[] values) {
        if (values.length == SIZE) {
            return new RoiMonthTotals(values);
        }
        if (values.length == SIZE_V1) {
            return new RoiMonthTotals(java.util.Arrays.copyOf(values, SIZE));
        }
        throw new IllegalArgumentException("ROI month totals have " + SIZE + " values, got " + values.length);
    }

    public double[] values() {
        return v;
    }

    public RoiMonthTotals plus(RoiMonthTotals other) {
        double[] sum = v.clone();
        for (int i = 0; i < SIZE; i++) {
            sum[i] += other.v[i];
        }
        carry(sum, PAID_MS_CENTS_AI_HI, PAID_MS_CENTS_AI_LO);
        carry(sum, PAID_MS_CENTS_ALL_HI, PAID_MS_CENTS_ALL_LO);
        return new RoiMonthTotals(sum);
    }

    private static void carry(double[] v, int hi, int lo) {
        while (v[lo] >= TWO_40) {
            v[lo] -= TWO_40;
            v[hi] += 1;
        }
    }

    /** Adds millis x cents (up to ~10^17) as two exact integer parts, carrying the low part. */
    private void addProduct(long product, int hi, int lo) {
        v[hi] += product >> 40;
        v[lo] += product & ((1L << 40) - 1);
        carry(v, hi, lo);
    }

    // --- writers, used by the stream processor -------------------------------------------------

    public void addRevision1Coding(Setting setting, boolean aiMode) {
        v[REV1_ALL + setting.ordinal()] += 1;
        if (aiMode) {
            v[REV1_AI + setting.ordinal()] += 1;
        }
    }

    /** The coding_seconds of one EncounterCoded revision (any revision), with that revision's setting and mode. */
    public void addCodingSeconds(Setting setting, double seconds, boolean aiMode) {
        v[CODING_SECONDS_ALL] += seconds;
        v[CODING_SECONDS_BY_SETTING + setting.ordinal()] += seconds;
        if (aiMode) {
            v[CODING_SECONDS_AI] += seconds;
        }
    }

    /** A claim's first adjudication; {@code codingDenial}: it is a coding-category initial denial (any attribution). */
    public void addFirstAdjudication(boolean aiMode, boolean codingDenial) {
        v[FIRST_ADJ_ALL] += 1;
        if (codingDenial) {
            v[CODING_DENIALS_ALL] += 1;
        }
        if (aiMode) {
            v[FIRST_ADJ_AI] += 1;
            if (codingDenial) {
                v[CODING_DENIALS_AI] += 1;
            }
        }
    }

    /**
     * A ClaimPaid whose submission time is known (ROI.md: one whose submission time is unknown is left out of
     * every cash figure, so it is not added here at all).
     */
    public void addPayment(long paidCents, long millisToPayment, boolean aiMode) {
        v[PAID_CENTS_ALL] += paidCents;
        // millis x cents reaches 10^17: added as two exact integer parts
        long product = Math.multiplyExact(millisToPayment, paidCents);
        addProduct(product, PAID_MS_CENTS_ALL_HI, PAID_MS_CENTS_ALL_LO);
        if (aiMode) {
            v[PAID_CENTS_AI] += paidCents;
            addProduct(product, PAID_MS_CENTS_AI_HI, PAID_MS_CENTS_AI_LO);
        }
    }

    // --- readers, used by the ROI calculator ------------------------------------------------------

    public double revision1Codings(Setting setting) {
        return v[REV1_ALL + setting.ordinal()];
    }

    public double revision1CodingsAi(Setting setting) {
        return v[REV1_AI + setting.ordinal()];
    }

    public double codingSecondsAi() {
        return v[CODING_SECONDS_AI];
    }

    public double codingSecondsAll() {
        return v[CODING_SECONDS_ALL];
    }

    /** Σ coding_seconds of every revision with this setting, all modes. */
    public double codingSeconds(Setting setting) {
        return v[CODING_SECONDS_BY_SETTING + setting.ordinal()];
    }

    /** Coding-category initial denials among the first adjudications, any attribution. */
    public double codingDenials() {
        return v[CODING_DENIALS_ALL];
    }

    public double firstAdjudications() {
        return v[FIRST_ADJ_ALL];
    }

    public double firstAdjudicationsAi() {
        return v[FIRST_ADJ_AI];
    }

    public double codingDenialsAi() {
        return v[CODING_DENIALS_AI];
    }

    public double paidDollars() {
        return v[PAID_CENTS_ALL] / 100.0;
    }

    public double paidDollarsAi() {
        return v[PAID_CENTS_AI] / 100.0;
    }

    /** Σ days_to_payment x paid dollars over ClaimPaid attributed to AI modes. */
    public double paidDollarDaysAi() {
        return (v[PAID_MS_CENTS_AI_HI] * TWO_40 + v[PAID_MS_CENTS_AI_LO]) / MS_CENTS_PER_DAY_DOLLAR;
    }

    /** Σ days_to_payment x paid dollars over every ClaimPaid (with a known submission time). */
    public double paidDollarDays() {
        return (v[PAID_MS_CENTS_ALL_HI] * TWO_40 + v[PAID_MS_CENTS_ALL_LO]) / MS_CENTS_PER_DAY_DOLLAR;
    }

    @Override
    public String toString() {
        return "RoiMonthTotals" + Arrays.toString(v);
    }
}
