package org.codingkpi.simulator;

import java.time.Instant;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.codingkpi.events.JsonEvents;
import org.codingkpi.events.RejectReason;

/**
 * One delivery of the simulated feeds, in delivery order.
 *
 * @param deliveredAt    when the upstream system delivers it (>= the event's occurred_at; later when late)
 * @param topic          the default topic of its type ({@code EventType.defaultTopic()})
 * @param key            the record key: encounter_id for encounter and AI events, claim_id for claims
 * @param type           the event type name (for an invalid line: the type it was derived from)
 * @param event          the event; null for an invalid line
 * @param rawLine        the JSON line of an invalid line; null for an event
 * @param kind           original event, re-delivery of an already delivered event, or invalid line
 * @param late           delivered hours or days after its occurred_at
 * @param expectedReject for an invalid line, the reason the pipeline must reject it with; otherwise null
 */
public record SimEvent(
        Instant deliveredAt,
        String topic,
        String key,
        String type,
        SpecificRecord event,
        String rawLine,
        Kind kind,
        boolean late,
        RejectReason expectedReject) {

    /** What a delivery is. */
    public enum Kind {
        /** First delivery of a valid event. */
        ORIGINAL,
        /** Re-delivery of an already delivered event (same event_id). */
        DUPLICATE,
        /** A line the pipeline must reject (see {@link #expectedReject()}). */
        INVALID
    }

    public SimEvent {
        Objects.requireNonNull(deliveredAt, "deliveredAt");
        Objects.requireNonNull(kind, "kind");
        if ((event == null) == (rawLine == null)) {
            throw new IllegalArgumentException("exactly one of event and rawLine must be set");
        }
    }

    /** True for a decodable, valid event (original or duplicate). */
    public boolean valid() {
        return kind != Kind.INVALID;
    }

    /** The line to write in a .jsonl file: the event's JSON, or the raw invalid line. */
    public String toJsonLine() {
        return event != null ? JsonEvents.toJson(event) : rawLine;
    }

    @Override
    public String toString() {
        // no identifiers: only the shape of the delivery
        return "SimEvent[" + deliveredAt + " " + topic + " " + type + " " + kind + (late ? " late" : "") + "]";
    }
}
