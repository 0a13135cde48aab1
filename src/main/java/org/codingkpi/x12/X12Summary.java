package org.codingkpi.x12;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.codingkpi.events.EventType;
import org.codingkpi.events.RejectReason;

/**
 * What one X12 file gave: interchanges, transaction sets, claims by status, events by type, skipped
 * claims by status, and each refused transaction set with its position and reason. Holds no value
 * from the file but codes and control numbers (never a name, member id or account number).
 * Conservation: {@code claimsRead == events + skipped + claimsInDeadLettered}.
 */
public final class X12Summary {
    /** A refused transaction set (or unreadable text): where, why, how many claims it held. */
    public record DeadLettered(String where, String reason, int claims) {
        @Override
        public String toString() {
            return where + ": " + reason + " (" + claims + (claims == 1 ? " claim" : " claims") + ")";
        }
    }

    public final String file;
    public long interchanges;
    public long transactionSets;
    public long claimsRead;
    public long events;
    public long skipped;
    public long claimsInDeadLettered;
    public long toleratedFindings;
    public final Map<String, Long> claimsByStatus = new TreeMap<>();
    public final Map<String, Long> skippedByStatus = new TreeMap<>();
    public final Map<String, Long> eventsByType = new TreeMap<>();
    public final Map<String, Long> setsByType = new TreeMap<>();
    /** Events that break an EVENTS.md rule: sent on like any event, dead-lettered by the pipeline. */
    public final Map<String, Long> invalidEvents = new TreeMap<>();
    public final List<DeadLettered> deadLettered = new ArrayList<>();

    public X12Summary(String file) {
        this.file = file;
    }

    void event(EventType type) {
        events++;
        eventsByType.merge(type.name(), 1L, Long::sum);
    }

    void invalid(RejectReason reason) {
        invalidEvents.merge(reason.label(), 1L, Long::sum);
    }

    /** claims read = events + skipped + claims in dead-lettered transaction sets. */
    public boolean conserved() {
        return claimsRead == events + skipped + claimsInDeadLettered;
    }

    /** The per-file report, a line per fact. */
    public String render() {
        StringBuilder b = new StringBuilder();
        b.append(file).append(": X12, ").append(interchanges).append(interchanges == 1 ? " interchange, " : " interchanges, ")
                .append(transactionSets).append(" transaction sets ").append(setsByType).append('\n');
        b.append("  claims read: ").append(claimsRead).append(", by status in the sets read: ").append(claimsByStatus).append('\n');
        b.append("  events: ").append(events).append(' ').append(eventsByType).append('\n');
        b.append("  skipped claims: ").append(skipped).append(' ').append(skippedByStatus).append('\n');
        b.append("  dead-lettered (x12_invalid): ").append(deadLettered.size()).append(", holding ")
                .append(claimsInDeadLettered).append(" claims\n");
        for (DeadLettered d : deadLettered) {
            b.append("    ").append(d).append('\n');
        }
        if (!invalidEvents.isEmpty()) {
            b.append("  events that break a rule (the pipeline dead-letters them): ").append(invalidEvents).append('\n');
        }
        if (toleratedFindings > 0) {
            b.append("  tolerated envelope findings (lengths, code values): ").append(toleratedFindings).append('\n');
        }
        b.append("  conservation: ").append(claimsRead).append(" claims read = ").append(events).append(" events + ")
                .append(skipped).append(" skipped + ").append(claimsInDeadLettered).append(" in dead-lettered sets")
                .append(conserved() ? "" : "  (DOES NOT HOLD)").append('\n');
        return b.toString();
    }
}
