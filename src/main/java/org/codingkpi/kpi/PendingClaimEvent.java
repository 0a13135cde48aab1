package org.codingkpi.kpi;

/** A claim event waiting for its encounter's first coding, with its original bytes. */
public record PendingClaimEvent(String claimId, long occurredAtMs, byte[] value) {
}
