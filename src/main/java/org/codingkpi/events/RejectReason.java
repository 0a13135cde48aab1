package org.codingkpi.events;

/**
 * Why a record was sent to the dead-letter topic: the {@code reason} label of
 * {@code coding_events_rejected_total} (shared/spec/KPIS.md §2, EVENTS.md "Validation").
 */
public enum RejectReason {
    UNDECODABLE("undecodable"),
    UNKNOWN_SCHEMA("unknown_schema"),
    MISSING_FIELD("missing_field"),
    INVALID_ENUM("invalid_enum"),
    NEGATIVE_VALUE("negative_value"),
    INVALID_REVISION("invalid_revision"),
    TIME_ORDER("time_order"),
    CONFIDENCE_RANGE("confidence_range"),
    FUTURE_EVENT("future_event"),
    /** An X12 transaction set that cannot be read (shared/spec/X12.md), dead-lettered whole. */
    X12_INVALID("x12_invalid");

    private final String label;

    RejectReason(String label) {
        this.label = label;
    }

    /** The label value, as published. */
    public String label() {
        return label;
    }

    public static RejectReason fromLabel(String label) {
        for (RejectReason r : values()) {
            if (r.label.equals(label)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown reject reason: " + label);
    }
}
