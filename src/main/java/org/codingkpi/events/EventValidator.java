package org.codingkpi.events;

import org.apache.avro.specific.SpecificRecord;
import org.codingkpi.events.InvalidEventException;

import java.time.Duration;
import java.time.Instant;

/**
 * The semantic rules of shared/spec/EVENTS.md "Validation" that a decoded record must also pass:
 * no negative money or seconds, {@code revision >= 1}, {@code discharged_at} and
 * {@code submitted_at} not after {@code occurred_at}, confidence within 0..1, and
 * {@code occurred_at} no more than one day ahead of the wall clock at processing; from version 2,
 * {@code reversed_cents} and {@code codes_changed} not negative, a CodingAudited's
 * {@code revision >= 1}, and adjustment lines signed (only an event's own amounts must not be
 * negative). Messages name fields, never their values.
 */
public final class EventValidator {
    /** How far ahead of the wall clock an event may claim to have happened. */
    public static final Duration MAX_CLOCK_SKEW = Duration.ofDays(1);

    private EventValidator() {
    }

    /** @throws InvalidEventException on the first rule the event breaks */
    public static void validate(SpecificRecord event, long wallClockMillis) {
        if (event instanceof EncounterDischarged e) {
            requireText(e.getEventId(), e.getFacilityId(), e.getEncounterId());
            nonNegative("expected_charge_cents", e.getExpectedChargeCents());
            notFuture(e.getOccurredAt(), wallClockMillis);
        } else if (event instanceof EncounterCoded e) {
            requireText(e.getEventId(), e.getFacilityId(), e.getEncounterId());
            nonNegative("coding_seconds", e.getCodingSeconds());
            nonNegative("charge_cents", e.getChargeCents());
            if (e.getRevision() < 1) {
                throw new InvalidEventException(RejectReason.INVALID_REVISION, "revision must be >= 1");
            }
            notAfter("discharged_at", e.getDischargedAt(), e.getOccurredAt());
            notFuture(e.getOccurredAt(), wallClockMillis);
        } else if (event instanceof AiSuggestionReviewed e) {
            requireText(e.getEventId(), e.getFacilityId(), e.getEncounterId());
            double c = e.getConfidence();
            if (!(c >= 0.0 && c <= 1.0)) {
                throw new InvalidEventException(RejectReason.CONFIDENCE_RANGE, "confidence must be within 0..1");
            }
            double r = e.getReviewSeconds();
            if (!(r >= 0.0) || Double.isInfinite(r)) {
                throw new InvalidEventException(RejectReason.NEGATIVE_VALUE, "review_seconds must be a non-negative number");
            }
            notFuture(e.getOccurredAt(), wallClockMillis);
        } else if (event instanceof ClaimDenied e) {
            requireText(e.getEventId(), e.getFacilityId(), e.getEncounterId());
            nonNegative("billed_cents", e.getBilledCents());
            nonNegative("denied_cents", e.getDeniedCents());
            // adjustment amounts are signed (X12 allows a negative adjustment): version 2 checks only the event's own amounts
            notAfter("submitted_at", e.getSubmittedAt(), e.getOccurredAt());
            notFuture(e.getOccurredAt(), wallClockMillis);
        } else if (event instanceof ClaimPaid e) {
            requireText(e.getEventId(), e.getFacilityId(), e.getEncounterId());
            nonNegative("billed_cents", e.getBilledCents());
            nonNegative("paid_cents", e.getPaidCents());
            notAfter("submitted_at", e.getSubmittedAt(), e.getOccurredAt());
            notFuture(e.getOccurredAt(), wallClockMillis);
        } else if (event instanceof ClaimSubmitted e) {
            requireText(e.getEventId(), e.getFacilityId(), e.getEncounterId());
            nonNegative("billed_cents", e.getBilledCents());
            notFuture(e.getOccurredAt(), wallClockMillis);
        } else if (event instanceof ClaimReversed e) {
            requireText(e.getEventId(), e.getFacilityId(), e.getEncounterId());
            nonNegative("reversed_cents", e.getReversedCents());
            notFuture(e.getOccurredAt(), wallClockMillis);
        } else if (event instanceof CodingAudited e) {
            requireText(e.getEventId(), e.getFacilityId(), e.getEncounterId());
            if (e.getRevision() < 1) {
                throw new InvalidEventException(RejectReason.INVALID_REVISION, "revision must be >= 1");
            }
            if (e.getCodesChanged() < 0) {
                throw new InvalidEventException(RejectReason.NEGATIVE_VALUE, "codes_changed must not be negative");
            }
            // dollar_impact_cents is signed by definition (EVENTS.md): no sign rule
            notFuture(e.getOccurredAt(), wallClockMillis);
        } else {
            throw new InvalidEventException(RejectReason.UNKNOWN_SCHEMA, "not one of the event types");
        }
    }

    private static void requireText(String eventId, String facilityId, String encounterId) {
        if (eventId.isEmpty()) {
            throw new InvalidEventException(RejectReason.MISSING_FIELD, "event_id is empty");
        }
        if (facilityId.isEmpty()) {
            throw new InvalidEventException(RejectReason.MISSING_FIELD, "facility_id is empty");
        }
        if (encounterId.isEmpty()) {
            throw new InvalidEventException(RejectReason.MISSING_FIELD, "encounter_id is empty");
        }
    }

    private static void nonNegative(String field, long value) {
        if (value < 0) {
            throw new InvalidEventException(RejectReason.NEGATIVE_VALUE, field + " must not be negative");
        }
    }

    private static void notAfter(String field, Instant t, Instant occurredAt) {
        if (t != null && t.isAfter(occurredAt)) { // a null submitted_at (version 2) is unknown, not out of order
            throw new InvalidEventException(RejectReason.TIME_ORDER, field + " is after occurred_at");
        }
    }

    private static void notFuture(Instant occurredAt, long wallClockMillis) {
        if (occurredAt.toEpochMilli() > wallClockMillis + MAX_CLOCK_SKEW.toMillis()) {
            throw new InvalidEventException(RejectReason.FUTURE_EVENT, "occurred_at is more than 1 day ahead of the wall clock");
        }
    }
}
