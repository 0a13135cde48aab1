package org.codingkpi.kpi;

/** An encounter discharged and not final coded yet (DNFC), with its published labels. */
public record DnfcEntry(long dischargedAtMs, long expectedChargeCents, String facility, String setting) {
}
