package org.codingkpi.serde;

import org.apache.avro.Schema;

/**
 * The part of a Confluent-compatible schema registry the serdes need: register a schema under a
 * subject (idempotent, returns the global id) and resolve an id to its schema. Implementations:
 * {@link BundledSchemaRegistry} (in-process, the schemas shipped in the jar) and a REST client of
 * the Confluent Schema Registry API (Confluent, Apicurio ccompat, Karapace, Redpanda).
 */
public interface SchemaRegistry {

    /** Registers (or finds) the schema under the subject and returns its id. */
    int register(String subject, Schema schema);

    /**
     * The id of the schema under the subject, without registering it (for producers whose account
     * may not register: {@code schema.registry.auto.register=false}).
     *
     * @throws NotRegisteredException when the subject does not hold the schema
     */
    int lookup(String subject, Schema schema);

    /**
     * The schema registered under that id.
     *
     * @throws UnknownSchemaIdException when the registry has no schema with that id
     */
    Schema byId(int id);

    /** Thrown by {@link #lookup} when the subject does not hold the schema. */
    final class NotRegisteredException extends RuntimeException {
        private final String subject;

        public NotRegisteredException(String subject, String recordName) {
            super("schema " + recordName + " is not registered under subject " + subject);
            this.subject = subject;
        }

        public String subject() {
            return subject;
        }
    }

    /** Thrown when an id is not known to the registry. */
    final class UnknownSchemaIdException extends RuntimeException {
        public UnknownSchemaIdException(int id) {
            super("schema id " + id + " is not registered");
        }

        /** An id the registry has, but whose schema cannot be used: the message says why (never a schema body). */
        public UnknownSchemaIdException(int id, String message) {
            super(message);
        }
    }
}
