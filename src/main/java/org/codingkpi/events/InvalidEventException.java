package org.codingkpi.events;

import org.codingkpi.events.RejectReason;

/**
 * A record that breaks the input contract (shared/spec/EVENTS.md "Validation"). Thrown by the
 * decoder and the validator; the dead-letter handler turns it into a dead-letter record that keeps
 * the original bytes and carries {@link #reason()} in a header. The message never holds an
 * identifier value, only field names.
 */
public final class InvalidEventException extends RuntimeException {
    private final RejectReason reason;
    private final String detail;

    public InvalidEventException(RejectReason reason, String message) {
        super(reason.label() + ": " + message, null, false, false);
        this.reason = reason;
        this.detail = message;
    }

    /** The message without the reason prefix. */
    public String detail() {
        return detail;
    }

    public RejectReason reason() {
        return reason;
    }
}
