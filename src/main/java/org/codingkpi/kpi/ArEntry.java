package org.codingkpi.kpi;

/** A claim open in accounts receivable: its first non-VOID submission, the latest billed amount, and its labels. */
public record ArEntry(long submittedAtMs, long billedCents, String facility, String payer) {
}
