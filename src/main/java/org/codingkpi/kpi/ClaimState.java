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
}
