package org.codingkpi.compliance;

import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro 1.12 only instantiates trusted classes when reading or copying records: trust the generated
 * audit classes ({@code org.codingkpi.compliance.audit}) once, as EventType does for the events.
 */
final class AvroTrust {
    static {
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(ClassSecurityValidator.getGlobal(),
                c -> c.getName().startsWith("org.codingkpi.compliance.audit.")));
    }

    private AvroTrust() {
    }

    /** Runs the static initializer (once per class loader). */
    static void ensure() {
        // nothing: loading the class is the point
    }
}
