package org.codingkpi.serde;

/**
 * A schema registry request that failed for a reason other than an unknown id: the registry is
 * unreachable, refused the credentials, rejected the schema, or answered with something that is not
 * the Confluent REST API. The message names the operation, the registry (without credentials), the
 * HTTP status and the registry's own error code and message; never a schema body.
 *
 * <p>In the running pipeline this is not an invalid event: the task fails loudly (and restarts from
 * its last commit) rather than dead-lettering records that are fine.
 */
public final class SchemaRegistryException extends RuntimeException {
    /** The HTTP status, or -1 when there was no response. */
    private final int status;
    /** The registry's {@code error_code} (for example 40403, 42201, 409), or -1 when it sent none. */
    private final int errorCode;

    public SchemaRegistryException(String message, int status, int errorCode, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.errorCode = errorCode;
    }

    public int status() {
        return status;
    }

    public int errorCode() {
        return errorCode;
    }
}
