package org.codingkpi.kpi;

/**
 * A claim event waiting for its encounter's first coding, with its original bytes and its
 * submission time as resolved when it arrived ({@link Long#MIN_VALUE}: unknown), so that a
 * ClaimSubmitted arriving after it does not change it (EVENTS.md version 2).
 */
public record PendingClaimEvent(String claimId, long occurredAtMs, byte[] value, long submittedAtMs) {
}
