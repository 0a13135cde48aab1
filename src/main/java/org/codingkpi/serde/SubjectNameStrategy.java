package org.codingkpi.serde;

import org.apache.avro.Schema;

/**
 * How a producer names the registry subject a schema is registered under; the names and meanings of
 * Confluent's serializers ({@code value.subject.name.strategy}). Decoding never depends on it: a
 * record carries its schema id.
 */
public enum SubjectNameStrategy {
    /** {@code <topic>-<record full name>}: one subject per record type and topic. The default: the encounters and claims topics carry two types each. */
    TOPIC_RECORD("TopicRecordNameStrategy"),
    /** {@code <record full name>}: one subject per record type, shared by every topic. */
    RECORD("RecordNameStrategy"),
    /** {@code <topic>-value}, Confluent's default: one subject per topic, so every type on a topic must be compatible with the others. */
    TOPIC("TopicNameStrategy");

    private static final String CONFLUENT_PACKAGE = "io.confluent.kafka.serializers.subject.";

    private final String className;

    SubjectNameStrategy(String className) {
        this.className = className;
    }

    /** Confluent's class name, without its package. */
    public String className() {
        return className;
    }

    public String subject(String topic, Schema schema) {
        return switch (this) {
            case TOPIC_RECORD -> topic + "-" + schema.getFullName();
            case RECORD -> schema.getFullName();
            case TOPIC -> topic + "-value";
        };
    }

    /** Reads {@code TopicRecordNameStrategy}, Confluent's full class name, or the constant's name; null or blank is the default. */
    public static SubjectNameStrategy parse(String value) {
        if (value == null || value.isBlank()) {
            return TOPIC_RECORD;
        }
        String v = value.trim();
        if (v.startsWith(CONFLUENT_PACKAGE)) {
            v = v.substring(CONFLUENT_PACKAGE.length());
        }
        for (SubjectNameStrategy s : values()) {
            if (s.className.equalsIgnoreCase(v) || s.name().equalsIgnoreCase(v.replace('-', '_'))) {
                return s;
            }
        }
        throw new IllegalArgumentException("subject name strategy: expected TopicRecordNameStrategy, RecordNameStrategy or TopicNameStrategy"
                + " (or Confluent's " + CONFLUENT_PACKAGE + "... class name), got \"" + value + "\"");
    }
}
