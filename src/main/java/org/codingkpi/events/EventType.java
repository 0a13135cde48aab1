package org.codingkpi.events;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.ClassSecurityValidator;

/**
 * The input event types of shared/spec/EVENTS.md, with their default topics: the five of version 1,
 * then the three that version 2 adds (appended, so the ordinals and the bundled registry's ids of
 * version 1 stay what they were).
 */
public enum EventType {
    EncounterDischarged(org.codingkpi.events.EncounterDischarged.getClassSchema(), "encounters"),
    EncounterCoded(org.codingkpi.events.EncounterCoded.getClassSchema(), "encounters"),
    AiSuggestionReviewed(org.codingkpi.events.AiSuggestionReviewed.getClassSchema(), "ai-suggestions"),
    ClaimDenied(org.codingkpi.events.ClaimDenied.getClassSchema(), "claims"),
    ClaimPaid(org.codingkpi.events.ClaimPaid.getClassSchema(), "claims"),
    ClaimSubmitted(org.codingkpi.events.ClaimSubmitted.getClassSchema(), "claims"),
    ClaimReversed(org.codingkpi.events.ClaimReversed.getClassSchema(), "claims"),
    CodingAudited(org.codingkpi.events.CodingAudited.getClassSchema(), "encounters");

    private final Schema schema;
    private final String defaultTopic;

    static {
        // Avro 1.12 only instantiates trusted classes when reading: trust this package's generated ones.
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(ClassSecurityValidator.getGlobal(),
                c -> c.getName().startsWith("org.codingkpi.events.")));
    }

    EventType(Schema schema, String defaultTopic) {
        this.schema = schema;
        this.defaultTopic = defaultTopic;
    }

    /** True for the types on the claims topic (keyed by claim_id). */
    public boolean isClaim() {
        return this == ClaimDenied || this == ClaimPaid || this == ClaimSubmitted || this == ClaimReversed;
    }

    /** True for the types version 2 of EVENTS.md adds. */
    public boolean sinceVersion2() {
        return this == ClaimSubmitted || this == ClaimReversed || this == CodingAudited;
    }

    public Schema schema() {
        return schema;
    }

    /** The topic of shared/spec/EVENTS.md this type is published on, before configuration. */
    public String defaultTopic() {
        return defaultTopic;
    }

    public static EventType of(SpecificRecord record) {
        EventType t = BY_CLASS.get(record.getClass());
        return t != null ? t : of(record.getSchema().getFullName());
    }

    /** The generated class of each type (a lookup per event on the hot path: no scan, no string compare). */
    private static final java.util.Map<Class<?>, EventType> BY_CLASS = byClass();

    private static java.util.Map<Class<?>, EventType> byClass() {
        java.util.Map<Class<?>, EventType> m = new java.util.HashMap<>();
        for (EventType t : values()) {
            try {
                m.put(Class.forName(t.schema.getFullName()), t);
            } catch (ClassNotFoundException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
        return java.util.Map.copyOf(m);
    }

    /** By Avro full name or by simple name; null when unknown. */
    public static EventType of(String name) {
        for (EventType t : values()) {
            if (t.schema.getFullName().equals(name) || t.name().equals(name)) {
                return t;
            }
        }
        return null;
    }

    /** The record key of an event on its topic: claim_id for claim events, encounter_id otherwise. */
    public static String key(SpecificRecord event) {
        if (event instanceof org.codingkpi.events.ClaimDenied d) {
            return d.getClaimId();
        }
        if (event instanceof org.codingkpi.events.ClaimPaid p) {
            return p.getClaimId();
        }
        if (event instanceof org.codingkpi.events.ClaimSubmitted s) {
            return s.getClaimId();
        }
        if (event instanceof org.codingkpi.events.ClaimReversed r) {
            return r.getClaimId();
        }
        return encounterId(event);
    }

    /** encounter_id (the fourth common field of every schema). */
    public static String encounterId(SpecificRecord event) {
        return (String) event.get(3);
    }

    /** occurred_at in epoch milliseconds (the second common field of every schema). */
    public static long occurredAtMs(SpecificRecord event) {
        return ((java.time.Instant) event.get(1)).toEpochMilli();
    }
}
