package org.codingkpi.kpi;

/**
 * What the pipeline remembers of one claim: its attribution once decided, its first adjudication
 * and, for an initial denial, the labels an overturn is counted under.
 */
public final class ClaimState {
    public static final byte NONE = 0;
    public static final byte PAID = 1;
    public static final byte DENIED = 2;

    public Attribution attribution;       // null while undecided
    public byte firstOutcome = NONE;
    public boolean overturned;
    public String denialFacility = "";
    public String denialPayer = "";
    public String denialCategory = "";
    /** The claims feed's clock at the claim's last event: its retention runs from it. */
    public long touchedMs = Long.MIN_VALUE;
    /** occurred_at of the initial denial (for the denial's resolution time). */
    public long denialAtMs = Long.MIN_VALUE;

    // --- accounts receivable (KPIS.md §3b), in the claims topic's order, whatever the attribution
    public static final byte NO_REMITTANCE = 0;
    public static final byte LAST_PAID = 1;
    public static final byte LAST_REVERSED = 2;
    /** occurred_at of the first non-VOID ClaimSubmitted; MIN_VALUE while none. */
    public long submittedAtMs = Long.MIN_VALUE;
    /** Facility and payer of the first non-VOID ClaimSubmitted (label values, capped). */
    public String submittedFacility = "";
    public String submittedPayer = "";
    /** billed_cents of the latest non-VOID ClaimSubmitted. */
    public long latestBilledCents;
    public boolean voided;
    /** The latest of ClaimPaid and ClaimReversed, if any. */
    public byte lastRemittance = NO_REMITTANCE;
    /** The first non-VOID ClaimSubmitted was counted in the bill lag (or could not be: attribution unknown). */
    public boolean billLagDone;

    /** In accounts receivable (KPIS.md §3b): submitted, not voided, and not paid by its latest remittance. */
    public boolean openInAr() {
        return submittedAtMs != Long.MIN_VALUE && !voided && lastRemittance != LAST_PAID;
    }
}
